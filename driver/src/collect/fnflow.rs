//! A fn pointer whose pointee a local flow fixes (docs/linker.md#instantiations): the pointer
//! called is a local assigned once, from a fn item or closure reified in the same body, or a
//! field of a struct or tuple literal built once in the same body from one
//! (`let f: fn(u32) -> u32 = triple; f(3)`, `let h = Hook { run: triple }; (h.run)(3)`).
//! Only locals that are assigned exactly once, as a whole, are not arguments and are never
//! borrowed (so nothing writes them behind the body's back) are followed.

use rustc_index::IndexVec;
use rustc_middle::mir::visit::{MutatingUseContext, NonMutatingUseContext, PlaceContext, Visitor};
use rustc_middle::mir::{
    AggregateKind, Body, CastKind, Local, Location, Operand, Place, ProjectionElem, Rvalue,
};
use rustc_middle::ty::adjustment::PointerCoercion;
use rustc_middle::ty::{self, TyCtxt};

/// What a fn pointer points to: a fn item (with its arguments) or a closure.
pub enum Pointee<'tcx> {
    FnItem(
        rustc_hir::def_id::DefId,
        ty::Binder<'tcx, ty::GenericArgsRef<'tcx>>,
    ),
    Closure(rustc_hir::def_id::DefId),
}

/// The one assignment of each local, when it has exactly one and nothing else can write it.
pub struct Assignments<'a, 'tcx> {
    single: IndexVec<Local, Option<&'a Rvalue<'tcx>>>,
}

impl<'a, 'tcx> Assignments<'a, 'tcx> {
    pub fn of(body: &'a Body<'tcx>) -> Self {
        let mut count: IndexVec<Local, u32> = IndexVec::from_elem(0, &body.local_decls);
        let mut single: IndexVec<Local, Option<&'a Rvalue<'tcx>>> =
            IndexVec::from_elem(None, &body.local_decls);
        for block in body.basic_blocks.iter() {
            for statement in &block.statements {
                if let rustc_middle::mir::StatementKind::Assign(assign) = &statement.kind {
                    let (place, rvalue) = &**assign;
                    if place.projection.is_empty() {
                        single[place.local] = Some(rvalue);
                    }
                }
            }
        }
        let mut writes = Writes {
            count: &mut count,
            arg_count: body.arg_count,
        };
        writes.visit_body(body);
        for (local, n) in count.iter_enumerated() {
            if *n != 1 {
                single[local] = None;
            }
        }
        Assignments { single }
    }

    /// The pointee of the fn pointer `func` a call goes through, if a local flow fixes it.
    pub fn pointee(
        &self,
        tcx: TyCtxt<'tcx>,
        body: &Body<'tcx>,
        func: &Operand<'tcx>,
    ) -> Option<Pointee<'tcx>> {
        self.operand(tcx, body, func, 0)
    }

    fn operand(
        &self,
        tcx: TyCtxt<'tcx>,
        body: &Body<'tcx>,
        op: &Operand<'tcx>,
        depth: u32,
    ) -> Option<Pointee<'tcx>> {
        match op {
            Operand::Copy(place) | Operand::Move(place) => self.place(tcx, body, *place, depth),
            _ => None,
        }
    }

    fn place(
        &self,
        tcx: TyCtxt<'tcx>,
        body: &Body<'tcx>,
        place: Place<'tcx>,
        depth: u32,
    ) -> Option<Pointee<'tcx>> {
        if depth > 8 {
            return None;
        }
        let rvalue = self.single.get(place.local).copied().flatten()?;
        match (place.projection.as_slice(), rvalue) {
            ([], Rvalue::Use(op, _)) => self.operand(tcx, body, op, depth + 1),
            ([], Rvalue::Cast(CastKind::PointerCoercion(coercion, _), Operand::Constant(c), _)) => {
                match (coercion, *c.ty().kind()) {
                    (PointerCoercion::ReifyFnPointer(_), ty::FnDef(def, args)) => {
                        Some(Pointee::FnItem(def, args))
                    }
                    _ => None,
                }
            }
            (
                [],
                Rvalue::Cast(
                    CastKind::PointerCoercion(PointerCoercion::ClosureFnPointer(_), _),
                    op,
                    _,
                ),
            ) => match *op.ty(body, tcx).kind() {
                ty::Closure(def, _) => Some(Pointee::Closure(def)),
                _ => None,
            },
            ([ProjectionElem::Field(field, _)], Rvalue::Aggregate(kind, operands)) => {
                if !matches!(**kind, AggregateKind::Adt(..) | AggregateKind::Tuple) {
                    return None;
                }
                // A struct literal of an enum variant or a union is not followed.
                if let AggregateKind::Adt(def, variant, _, _, active) = **kind
                    && (active.is_some() || !tcx.adt_def(def).is_struct() || variant.as_u32() != 0)
                {
                    return None;
                }
                self.operand(tcx, body, operands.get(*field)?, depth + 1)
            }
            _ => None,
        }
    }
}

/// Counts whole-local assignments; any other write or any borrow makes a local unfollowable
/// (counted as a second write), as do arguments.
struct Writes<'c> {
    count: &'c mut IndexVec<Local, u32>,
    arg_count: usize,
}

impl<'tcx> Visitor<'tcx> for Writes<'_> {
    fn visit_place(&mut self, place: &Place<'tcx>, context: PlaceContext, _: Location) {
        let local = place.local;
        if local.as_usize() >= 1 && local.as_usize() <= self.arg_count {
            self.count[local] = 2;
            return;
        }
        match context {
            PlaceContext::MutatingUse(MutatingUseContext::Store) if place.projection.is_empty() => {
                self.count[local] += 1;
            }
            PlaceContext::MutatingUse(_)
            | PlaceContext::NonMutatingUse(
                NonMutatingUseContext::SharedBorrow
                | NonMutatingUseContext::FakeBorrow
                | NonMutatingUseContext::RawBorrow,
            ) => {
                self.count[local] = 2;
            }
            _ => {}
        }
    }
}
