//! Which drops in built MIR can actually run. MIR as built (`mir_promoted`, before drop
//! elaboration) drops every local at the end of its scope, even one whose value was moved away
//! on every path — drop elaboration later deletes such drops (`rustc_mir_transform`'s
//! `ElaborateDrops`, using `MaybeInitializedPlaces`). We run the same question on whole locals: a
//! small forward "maybe initialised" dataflow; a drop of a local that is certainly moved-out
//! is not a drop. Partial moves (`x.field`) are treated as not moving the local: kept drops
//! remain an over-approximation, never an omission.

use rustc_index::bit_set::DenseBitSet;
use rustc_middle::mir::visit::Visitor;
use rustc_middle::mir::{
    self, BasicBlock, Body, Local, Location, Operand, StatementKind, TerminatorKind,
};

/// The set of `Drop` terminators (by block) whose place may still be initialised.
pub fn live_drops(body: &Body<'_>) -> DenseBitSet<BasicBlock> {
    let blocks = body.basic_blocks.len();
    let locals = body.local_decls.len();
    let mut entry: Vec<Option<DenseBitSet<Local>>> = vec![None; blocks];
    let mut start = DenseBitSet::new_empty(locals);
    for arg in body.args_iter() {
        start.insert(arg);
    }
    entry[mir::START_BLOCK.index()] = Some(start);
    // Iterate in reverse postorder until nothing changes (a few rounds for loops).
    let order = body.basic_blocks.reverse_postorder();
    let mut changed = true;
    while changed {
        changed = false;
        for &bb in order {
            let Some(state) = entry[bb.index()].clone() else {
                continue;
            };
            let out = transfer(body, bb, state, &mut |_, _| {});
            for succ in body.basic_blocks[bb].terminator().successors() {
                let slot = &mut entry[succ.index()];
                match slot {
                    Some(existing) => changed |= existing.union(&out),
                    None => {
                        *slot = Some(out.clone());
                        changed = true;
                    }
                }
            }
        }
    }
    let mut live = DenseBitSet::new_empty(blocks);
    for (bb, state) in entry.into_iter().enumerate() {
        let Some(state) = state else { continue };
        let bb = BasicBlock::from_usize(bb);
        transfer(body, bb, state, &mut |drop_block, maybe_init| {
            if maybe_init {
                live.insert(drop_block);
            }
        });
    }
    live
}

/// Apply block `bb` to `state`; `on_drop(bb, maybe_init)` is told about its `Drop` terminator.
fn transfer(
    body: &Body<'_>,
    bb: BasicBlock,
    mut state: DenseBitSet<Local>,
    on_drop: &mut dyn FnMut(BasicBlock, bool),
) -> DenseBitSet<Local> {
    let data = &body.basic_blocks[bb];
    for (i, stmt) in data.statements.iter().enumerate() {
        let location = Location {
            block: bb,
            statement_index: i,
        };
        match &stmt.kind {
            StatementKind::Assign((place, rvalue)) => {
                kill_moves(&mut state, |v| v.visit_rvalue(rvalue, location));
                if let Some(local) = place.as_local() {
                    state.insert(local);
                }
            }
            StatementKind::StorageDead(local) => {
                state.remove(*local);
            }
            _ => {}
        }
    }
    let terminator = data.terminator();
    let location = Location {
        block: bb,
        statement_index: data.statements.len(),
    };
    match &terminator.kind {
        TerminatorKind::Drop { place, .. } => {
            on_drop(bb, state.contains(place.local));
            if let Some(local) = place.as_local() {
                state.remove(local);
            }
        }
        TerminatorKind::Call { destination, .. } => {
            kill_moves(&mut state, |v| v.visit_terminator(terminator, location));
            if let Some(local) = destination.as_local() {
                state.insert(local);
            }
        }
        _ => kill_moves(&mut state, |v| v.visit_terminator(terminator, location)),
    }
    state
}

/// Remove from `state` every local moved out as a whole by what `visit` walks.
fn kill_moves(state: &mut DenseBitSet<Local>, visit: impl FnOnce(&mut Moves<'_>)) {
    let mut moves = Moves { state };
    visit(&mut moves);
}

struct Moves<'a> {
    state: &'a mut DenseBitSet<Local>,
}

impl<'tcx> Visitor<'tcx> for Moves<'_> {
    fn visit_operand(&mut self, operand: &Operand<'tcx>, _: Location) {
        if let Operand::Move(place) = operand
            && let Some(local) = place.as_local()
        {
            self.state.remove(local);
        }
    }
}
