//! Calls collector: walks a body's MIR as built (`mir_promoted`: before inlining, drop
//! elaboration and intrinsic lowering, so every call of the source is still a call) and records
//! each call edge with how far its callee can be resolved, plus drops that run `Drop` impls and
//! Rust functions handed to foreign code as `extern` fn pointers.

use painter_schema::{self as schema, CallKind};
use rustc_abi::ExternAbi;
use rustc_data_structures::fx::FxHashSet;
use rustc_hir::def_id::{DefId, LocalDefId};
use rustc_middle::mir::{self, Body, CastKind, Rvalue, TerminatorKind};
use rustc_middle::ty::adjustment::PointerCoercion;
use rustc_middle::ty::{self, GenericArgsRef, Instance, InstanceKind, ShimKind, Ty, TyCtxt};
use rustc_span::Span;

use super::common::Cx;
use super::ffi;

#[derive(Default)]
pub struct BodyCalls {
    pub calls: Vec<(schema::Call, Span)>,
    pub imports: Vec<schema::FfiImport>,
    pub callbacks: Vec<schema::FfiCallback>,
}

pub fn visit_body<'tcx>(cx: &Cx<'tcx>, def: LocalDefId, body: &Body<'tcx>, out: &mut BodyCalls) {
    let mut v = Visit {
        cx,
        caller: cx.id(def.to_def_id()),
        typing_env: ty::TypingEnv::post_analysis(cx.tcx, def.to_def_id()),
        body,
        seen_drops: FxHashSet::default(),
        out,
    };
    // Uses of extern statics: MIR keeps which locals are references to statics.
    for decl in body.local_decls.iter() {
        if let mir::ClearCrossCrate::Set(info) = &decl.local_info
            && let mir::LocalInfo::StaticRef { def_id, .. } = **info
            && cx.tcx.is_foreign_item(def_id)
        {
            let span = decl.source_info.span;
            v.out
                .imports
                .push(ffi::import(cx, Some(&v.caller), def_id, span));
        }
    }
    for data in body.basic_blocks.iter() {
        for stmt in &data.statements {
            if let mir::StatementKind::Assign((_, rvalue)) = &stmt.kind {
                v.visit_rvalue(rvalue, stmt.source_info.span);
            }
        }
        if let Some(term) = &data.terminator {
            v.visit_terminator(term);
        }
    }
}

struct Visit<'a, 'tcx> {
    cx: &'a Cx<'tcx>,
    caller: String,
    typing_env: ty::TypingEnv<'tcx>,
    body: &'a Body<'tcx>,
    /// (span, target) pairs already recorded: unwind paths repeat the same drops.
    seen_drops: FxHashSet<(Span, Option<DefId>)>,
    out: &'a mut BodyCalls,
}

impl<'a, 'tcx> Visit<'a, 'tcx> {
    fn tcx(&self) -> TyCtxt<'tcx> {
        self.cx.tcx
    }

    fn visit_terminator(&mut self, term: &mir::Terminator<'tcx>) {
        let span = term.source_info.span;
        match &term.kind {
            TerminatorKind::Call { func, .. } | TerminatorKind::TailCall { func, .. } => {
                let fn_ty = func.ty(self.body, self.tcx());
                self.visit_call(fn_ty, span)
            }
            TerminatorKind::Drop { place, .. } => {
                let ty = place.ty(self.body, self.tcx()).ty;
                self.visit_drop(ty, span)
            }
            _ => {}
        }
    }

    fn visit_call(&mut self, fn_ty: Ty<'tcx>, span: Span) {
        let tcx = self.tcx();
        match *fn_ty.kind() {
            ty::FnDef(def_id, args) => {
                // Regions are not erased yet in built MIR; the args carry no late-bound vars
                // in practice (the collector in rustc_monomorphize unwraps the same way).
                let args = args.no_bound_vars().unwrap_or_else(|| args.skip_binder());
                self.visit_fn_def_call(def_id, args, span)
            }
            ty::FnPtr(..) => {
                let sig = fn_ty.fn_sig(tcx);
                self.push(CallKind::FnPtr, None, span, None, Some(format!("{sig}")));
            }
            // Closures called directly are `Fn*::call*` calls in MIR; anything else here is a
            // type we cannot resolve: keep the edge, unresolved.
            _ => self.push(CallKind::FnPtr, None, span, None, Some(format!("{fn_ty}"))),
        }
    }

    fn visit_fn_def_call(&mut self, def_id: DefId, args: GenericArgsRef<'tcx>, span: Span) {
        let tcx = self.tcx();
        if tcx.is_foreign_item(def_id) {
            self.out
                .imports
                .push(ffi::import(self.cx, Some(&self.caller), def_id, span));
            return self.push(CallKind::Ffi, Some(def_id), span, None, None);
        }
        if tcx.intrinsic(def_id).is_some() {
            return self.push(CallKind::Intrinsic, Some(def_id), span, None, None);
        }
        if tcx.trait_of_assoc(def_id).is_none() {
            return self.push(CallKind::Static, Some(def_id), span, None, None);
        }
        // A trait method: resolve it as far as the caller's generics allow.
        let self_ty = args.types().next().map(|t| format!("{t}"));
        match Instance::try_resolve(tcx, self.typing_env, def_id, args) {
            Ok(Some(instance)) => self.visit_resolved(def_id, instance, span, self_ty),
            Ok(None) | Err(_) => self.push(
                CallKind::TraitGeneric,
                Some(def_id),
                span,
                Some(def_id),
                self_ty,
            ),
        }
    }

    fn visit_resolved(
        &mut self,
        trait_fn: DefId,
        instance: Instance<'tcx>,
        span: Span,
        self_ty: Option<String>,
    ) {
        let tcx = self.tcx();
        let trait_method = Some(trait_fn);
        match instance.def {
            InstanceKind::Item(callee) if tcx.is_closure_like(callee) => {
                self.push(CallKind::Closure, Some(callee), span, trait_method, self_ty)
            }
            InstanceKind::Item(callee) => self.push(
                CallKind::TraitResolved,
                Some(callee),
                span,
                trait_method,
                self_ty,
            ),
            InstanceKind::Virtual(..) => {
                self.push(CallKind::Dyn, Some(trait_fn), span, trait_method, self_ty)
            }
            InstanceKind::Intrinsic(callee) | InstanceKind::LlvmIntrinsic(callee) => self.push(
                CallKind::Intrinsic,
                Some(callee),
                span,
                trait_method,
                self_ty,
            ),
            InstanceKind::Shim(ShimKind::ClosureOnce { closure, .. }) => self.push(
                CallKind::Closure,
                Some(closure),
                span,
                trait_method,
                self_ty,
            ),
            InstanceKind::Shim(ShimKind::DropGlue(_, Some(ty))) => self.visit_drop(ty, span),
            InstanceKind::Shim(_) => {
                let detail = Some(format!("{instance}"));
                self.push(CallKind::Shim, Some(trait_fn), span, trait_method, detail)
            }
        }
    }

    /// A drop of a value of type `ty`: one edge per `Drop` impl its drop glue runs.
    fn visit_drop(&mut self, ty: Ty<'tcx>, span: Span) {
        let tcx = self.tcx();
        let ty = tcx
            .try_normalize_erasing_regions(self.typing_env, ty::Unnormalized::new_wip(ty))
            .unwrap_or(ty);
        if !ty.needs_drop(tcx, self.typing_env) {
            return;
        }
        let mut targets = Vec::new();
        let mut visited = FxHashSet::default();
        drop_targets(tcx, self.typing_env, ty, 0, &mut visited, &mut targets);
        for target in targets {
            let key = (span, target.impl_fn);
            if !self.seen_drops.insert(key) {
                continue;
            }
            self.push(
                CallKind::Drop,
                target.impl_fn,
                span,
                None,
                Some(target.detail),
            );
        }
    }

    fn visit_rvalue(&mut self, rvalue: &Rvalue<'tcx>, span: Span) {
        // A Rust fn item turned into an `extern "C"` (non-Rust ABI) fn pointer can be called
        // back from foreign code.
        let Rvalue::Cast(CastKind::PointerCoercion(PointerCoercion::ReifyFnPointer(_), _), op, to) =
            rvalue
        else {
            return;
        };
        let ty::FnDef(callback, _) = *op.ty(self.body, self.tcx()).kind() else {
            return;
        };
        let abi = to.fn_sig(self.tcx()).abi();
        if matches!(abi, ExternAbi::Rust | ExternAbi::RustCall) {
            return;
        }
        self.out.callbacks.push(schema::FfiCallback {
            function: self.caller.clone(),
            callback: self.cx.id(callback),
            callback_path: self.cx.path(callback),
            abi: abi.as_str().to_string(),
            span: self.cx.span(span),
        });
    }

    fn push(
        &mut self,
        kind: CallKind,
        callee: Option<DefId>,
        span: Span,
        trait_method: Option<DefId>,
        detail: Option<String>,
    ) {
        let cx = self.cx;
        let (callee_path, callee_crate) = match callee {
            Some(def) => (cx.path(def), cx.tcx.crate_name(def.krate).to_string()),
            None => (String::new(), String::new()),
        };
        let call = schema::Call {
            caller: self.caller.clone(),
            callee: callee.map(|d| cx.id(d)),
            callee_path,
            callee_crate,
            kind,
            span: cx.span(span),
            trait_method: trait_method.map(|d| cx.path(d)),
            detail,
            from_macro: cx.macro_origin(span),
            target_crate: None,
            external: false,
        };
        self.out.calls.push((call, span));
    }
}

struct DropTarget {
    /// The `Drop::drop` impl method; `None` when the glue cannot be known (`dyn`, generic).
    impl_fn: Option<DefId>,
    detail: String,
}

/// The `Drop` impls that the drop glue of `ty` runs, field by field, as far as types are known.
/// Generic containers with their own `Drop` impl (`Vec<T>`) drop their type arguments through
/// code we cannot see here, so their type arguments are followed too: a marked
/// over-approximation rather than a silent omission.
fn drop_targets<'tcx>(
    tcx: TyCtxt<'tcx>,
    typing_env: ty::TypingEnv<'tcx>,
    ty: Ty<'tcx>,
    depth: u32,
    visited: &mut FxHashSet<Ty<'tcx>>,
    out: &mut Vec<DropTarget>,
) {
    const MAX_DEPTH: u32 = 8;
    if depth > MAX_DEPTH || !visited.insert(ty) || !ty.needs_drop(tcx, typing_env) {
        return;
    }
    let mut recurse = |t: Ty<'tcx>, out: &mut Vec<DropTarget>| {
        drop_targets(tcx, typing_env, t, depth + 1, visited, out)
    };
    match *ty.kind() {
        ty::Adt(adt, args) => {
            if adt.is_manually_drop() {
                return;
            }
            if let Some(dtor) = adt.destructor(tcx) {
                out.push(DropTarget {
                    impl_fn: Some(dtor.did),
                    detail: format!("drop glue of {ty}"),
                });
                for arg in args.types() {
                    recurse(arg, out);
                }
            }
            for field in adt.all_fields() {
                recurse(field.ty(tcx, args).skip_normalization(), out);
            }
        }
        ty::Tuple(tys) => tys.iter().for_each(|t| recurse(t, out)),
        ty::Array(elem, _) | ty::Slice(elem) => recurse(elem, out),
        ty::Closure(_, args) => args
            .as_closure()
            .upvar_tys()
            .iter()
            .for_each(|t| recurse(t, out)),
        ty::Dynamic(..) => out.push(DropTarget {
            impl_fn: None,
            detail: format!("virtual drop of {ty}"),
        }),
        _ => out.push(DropTarget {
            impl_fn: None,
            detail: format!("drop of {ty} (not resolved)"),
        }),
    }
}
