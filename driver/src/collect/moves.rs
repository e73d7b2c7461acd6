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
    let mut live = DenseBitSet::new_empty(blocks);
    // Each local's bit evolves on its own and only dropped locals are asked about, so the
    // states hold those alone (a word or two where a body has hundreds of locals), all in one
    // buffer: a set per block and round was an allocation each, most of this analysis' cost.
    let tracked = Tracked::new(body);
    if tracked.len == 0 {
        return live;
    }
    let words = tracked.len.div_ceil(64);
    let mut entry = vec![0u64; blocks * words];
    let mut reached = vec![false; blocks];
    let start = mir::START_BLOCK.index();
    reached[start] = true;
    for arg in body.args_iter() {
        if let Some(i) = tracked.get(arg) {
            insert(&mut entry[start * words..][..words], i);
        }
    }
    let mut state = vec![0u64; words];
    // Iterate in reverse postorder until nothing changes (a few rounds for loops).
    let order = body.basic_blocks.reverse_postorder();
    let mut changed = true;
    while changed {
        changed = false;
        for &bb in order {
            if !reached[bb.index()] {
                continue;
            }
            state.copy_from_slice(&entry[bb.index() * words..][..words]);
            transfer(body, &tracked, bb, &mut state, &mut |_, _| {});
            for succ in body.basic_blocks[bb].terminator().successors() {
                let slot = &mut entry[succ.index() * words..][..words];
                if !reached[succ.index()] {
                    reached[succ.index()] = true;
                    slot.copy_from_slice(&state);
                    changed = true;
                } else {
                    for (existing, &new) in slot.iter_mut().zip(&state) {
                        changed |= new & !*existing != 0;
                        *existing |= new;
                    }
                }
            }
        }
    }
    for bb in body.basic_blocks.indices() {
        if !reached[bb.index()] {
            continue;
        }
        state.copy_from_slice(&entry[bb.index() * words..][..words]);
        transfer(
            body,
            &tracked,
            bb,
            &mut state,
            &mut |drop_block, maybe_init| {
                if maybe_init {
                    live.insert(drop_block);
                }
            },
        );
    }
    live
}

// The states are rows of one flat buffer of words rather than rustc_index's `BitMatrix` with a
// `DenseBitSet` as the working state: `BitMatrix` has no way to copy a row into a set, and
// loading it bit by bit made this analysis cost 81 M more instructions on serde_core (1.6 %
// of its whole compile, `bench/instructions.py`); a `DenseBitSet` per block is an allocation
// each. Hence these three helpers.
fn insert(set: &mut [u64], i: usize) {
    set[i / 64] |= 1 << (i % 64);
}

fn remove(set: &mut [u64], i: usize) {
    set[i / 64] &= !(1 << (i % 64));
}

fn contains(set: &[u64], i: usize) -> bool {
    set[i / 64] & (1 << (i % 64)) != 0
}

/// The locals some `Drop` terminator drops (`place.local`), numbered densely.
struct Tracked {
    index: Vec<Option<u32>>,
    len: usize,
}

impl Tracked {
    fn new(body: &Body<'_>) -> Self {
        let mut index = vec![None; body.local_decls.len()];
        let mut len = 0;
        for data in body.basic_blocks.iter() {
            if let TerminatorKind::Drop { place, .. } = &data.terminator().kind
                && index[place.local.index()].is_none()
            {
                index[place.local.index()] = Some(len as u32);
                len += 1;
            }
        }
        Tracked { index, len }
    }

    fn get(&self, local: Local) -> Option<usize> {
        self.index[local.index()].map(|i| i as usize)
    }
}

/// Apply block `bb` to `state` (over [`Tracked`] locals); `on_drop(bb, maybe_init)` is told
/// about its `Drop` terminator.
fn transfer(
    body: &Body<'_>,
    tracked: &Tracked,
    bb: BasicBlock,
    state: &mut [u64],
    on_drop: &mut dyn FnMut(BasicBlock, bool),
) {
    let data = &body.basic_blocks[bb];
    for (i, stmt) in data.statements.iter().enumerate() {
        let location = Location {
            block: bb,
            statement_index: i,
        };
        match &stmt.kind {
            StatementKind::Assign((place, rvalue)) => {
                kill_moves(state, tracked, |v| v.visit_rvalue(rvalue, location));
                if let Some(i) = place.as_local().and_then(|l| tracked.get(l)) {
                    insert(state, i);
                }
            }
            StatementKind::StorageDead(local) => {
                if let Some(i) = tracked.get(*local) {
                    remove(state, i);
                }
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
            // Every dropped local is tracked.
            let dropped = tracked.get(place.local).is_some_and(|i| contains(state, i));
            on_drop(bb, dropped);
            if let Some(i) = place.as_local().and_then(|l| tracked.get(l)) {
                remove(state, i);
            }
        }
        TerminatorKind::Call { destination, .. } => {
            kill_moves(state, tracked, |v| v.visit_terminator(terminator, location));
            if let Some(i) = destination.as_local().and_then(|l| tracked.get(l)) {
                insert(state, i);
            }
        }
        _ => kill_moves(state, tracked, |v| v.visit_terminator(terminator, location)),
    }
}

/// Remove from `state` every local moved out as a whole by what `visit` walks.
fn kill_moves(state: &mut [u64], tracked: &Tracked, visit: impl FnOnce(&mut Moves<'_>)) {
    let mut moves = Moves { state, tracked };
    visit(&mut moves);
}

struct Moves<'a> {
    state: &'a mut [u64],
    tracked: &'a Tracked,
}

impl<'tcx> Visitor<'tcx> for Moves<'_> {
    fn visit_operand(&mut self, operand: &Operand<'tcx>, _: Location) {
        if let Operand::Move(place) = operand
            && let Some(i) = place.as_local().and_then(|l| self.tracked.get(l))
        {
            remove(self.state, i);
        }
    }
}
