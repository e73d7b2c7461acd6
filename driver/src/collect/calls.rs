//! Calls collector: walks a body's MIR as built (`mir_promoted`: before inlining, drop
//! elaboration and intrinsic lowering, so every call of the source is still a call) and records
//! each call edge with how far its callee can be resolved, plus drops that run `Drop` impls and
//! Rust functions handed to foreign code as `extern` fn pointers.

use painter_schema::{self as schema, AddressTakenKind, CallKind, Sym};
use rustc_abi::ExternAbi;
use rustc_data_structures::fx::FxHashSet;
use rustc_hir::def_id::{DefId, LocalDefId};
use rustc_middle::mir::{self, Body, CastKind, Rvalue, TerminatorKind};
use rustc_middle::ty::adjustment::PointerCoercion;
use rustc_middle::ty::{
    self, GenericArgsRef, Instance, InstanceKind, ShimKind, Ty, TyCtxt, TypeVisitableExt,
};
use rustc_span::Span;

use super::common::{Cx, reveal_opaques};
use super::{drops, ffi, fnflow, instances, moves};

#[derive(Default)]
pub struct BodyCalls {
    pub calls: Vec<(schema::Call, Span)>,
    /// With the rustc span, for `--emit` (as calls).
    pub imports: Vec<(schema::FfiImport, Span)>,
    pub callbacks: Vec<(schema::FfiCallback, Span)>,
    /// Drop-glue nodes first needed by this body.
    pub glue_functions: Vec<schema::Function>,
    pub address_taken: Vec<schema::AddressTaken>,
}

pub fn visit_body<'tcx>(cx: &Cx<'tcx>, def: LocalDefId, body: &Body<'tcx>, out: &mut BodyCalls) {
    let mut v = Visit {
        cx,
        caller: cx.id(def.to_def_id()),
        caller_sym: cx.id_sym(def.to_def_id()),
        typing_env: ty::TypingEnv::post_analysis(cx.tcx, def.to_def_id()),
        body,
        seen_drops: FxHashSet::default(),
        drops: drops::Drops::new(ty::TypingEnv::post_analysis(cx.tcx, def.to_def_id())),
        args: Vec::new(),
        flows: None,
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
                .push((ffi::import(cx, Some(&v.caller), def_id, span), span));
        }
    }
    // The dataflow only matters for bodies with drops; most small bodies have none.
    let has_drops = body
        .basic_blocks
        .iter()
        .any(|b| matches!(b.terminator().kind, TerminatorKind::Drop { .. }));
    let live_drops = has_drops.then(|| moves::live_drops(body));
    for (bb, data) in body.basic_blocks.iter_enumerated() {
        for stmt in &data.statements {
            if let mir::StatementKind::Assign((_, rvalue)) = &stmt.kind {
                v.visit_rvalue(rvalue, stmt.source_info.span);
            }
        }
        if let Some(term) = &data.terminator {
            // A drop of a value moved away on every path never runs.
            if matches!(term.kind, TerminatorKind::Drop { .. })
                && !live_drops.as_ref().is_some_and(|live| live.contains(bb))
            {
                continue;
            }
            v.visit_terminator(term);
        }
    }
    let drops = std::mem::replace(&mut v.drops, drops::Drops::new(v.typing_env));
    out.glue_functions.extend(drops.glue_functions);
    out.calls.extend(drops.glue_calls);
}

struct Visit<'a, 'tcx> {
    cx: &'a Cx<'tcx>,
    caller: String,
    /// `caller` interned, for the call records.
    caller_sym: Sym,
    typing_env: ty::TypingEnv<'tcx>,
    body: &'a Body<'tcx>,
    /// (span, target) pairs already recorded: unwind paths repeat the same drops.
    seen_drops: FxHashSet<(Span, String)>,
    drops: drops::Drops<'tcx>,
    /// The generic arguments of the call being recorded (`Call::args`), printed for the
    /// linker's instantiation; taken by the record pushed for it.
    args: Vec<String>,
    /// The body's single assignments, computed at its first fn-pointer call (`fnflow`).
    flows: Option<fnflow::Assignments<'a, 'tcx>>,
    out: &'a mut BodyCalls,
}

impl<'a, 'tcx> Visit<'a, 'tcx> {
    fn tcx(&self) -> TyCtxt<'tcx> {
        self.cx.tcx
    }

    /// Where to normalise and resolve `args`: in the body's environment if they name its
    /// generic parameters, else in the empty one (same typing mode). The body's where-clauses
    /// say nothing about types without parameters, and rustc's caches of both queries are
    /// keyed by the environment too (`TypingEnv::as_query_input`): with the body's, a call
    /// of `Vec::<u8>::push` was resolved again in every body that makes it.
    fn env_for(&self, args: GenericArgsRef<'tcx>) -> ty::TypingEnv<'tcx> {
        if args.has_param() {
            self.typing_env
        } else {
            ty::TypingEnv::new(ty::ParamEnv::empty(), self.typing_env.typing_mode())
        }
    }

    fn visit_terminator(&mut self, term: &mir::Terminator<'tcx>) {
        let span = term.source_info.span;
        match &term.kind {
            TerminatorKind::Call { func, .. } | TerminatorKind::TailCall { func, .. } => {
                let fn_ty = func.ty(self.body, self.tcx());
                if let ty::FnPtr(..) = fn_ty.kind()
                    && let Some(pointee) = self
                        .flows
                        .get_or_insert_with(|| fnflow::Assignments::of(self.body))
                        .pointee(self.cx.tcx, self.body, func)
                {
                    return self.visit_fixed_fn_ptr_call(fn_ty, pointee, span);
                }
                self.visit_call(fn_ty, span)
            }
            TerminatorKind::Drop { place, .. } => {
                let ty = place.ty(self.body, self.tcx()).ty;
                self.visit_drop(ty, span)
            }
            _ => {}
        }
    }

    /// A call through a fn pointer whose pointee a local flow in this body fixes: an exact
    /// edge to it (kind `fn_ptr`, with a callee; the linker asks no candidates for it).
    fn visit_fixed_fn_ptr_call(
        &mut self,
        fn_ty: Ty<'tcx>,
        pointee: fnflow::Pointee<'tcx>,
        span: Span,
    ) {
        let target = match pointee {
            fnflow::Pointee::FnItem(def, args) => self.resolve_fn_item(def, args),
            fnflow::Pointee::Closure(def) => def,
        };
        let sig = signature(self.cx, fn_ty);
        self.push(CallKind::FnPtr, Some(target), span, None, Some(sig));
    }

    fn visit_call(&mut self, fn_ty: Ty<'tcx>, span: Span) {
        match *fn_ty.kind() {
            ty::FnDef(def_id, args) => {
                // Regions are not erased yet in built MIR; the args carry no late-bound vars
                // in practice (the collector in rustc_monomorphize unwraps the same way).
                let args = args.no_bound_vars().unwrap_or_else(|| args.skip_binder());
                if !args.is_empty() {
                    self.args = instances::args(self.cx, self.typing_env, args);
                }
                self.visit_fn_def_call(def_id, args, span);
                self.args.clear();
            }
            ty::FnPtr(..) => {
                let sig = signature(self.cx, fn_ty);
                // A signature naming the body's type parameters (`fn(&T) -> u32`): also in
                // the linker's substitutable form, so each instantiation narrows it.
                if fn_ty.has_param() {
                    self.args = vec![instances::signature(self.cx, fn_ty)];
                }
                self.push(CallKind::FnPtr, None, span, None, Some(sig));
            }
            // Closures called directly are `Fn*::call*` calls in MIR; anything else here is a
            // type we cannot resolve: keep the edge, unresolved.
            _ => self.push(
                CallKind::FnPtr,
                None,
                span,
                None,
                Some(self.cx.print_ty(fn_ty)),
            ),
        }
    }

    fn visit_fn_def_call(&mut self, def_id: DefId, args: GenericArgsRef<'tcx>, span: Span) {
        let tcx = self.tcx();
        self.generic_args(def_id, args, span);
        if tcx.is_foreign_item(def_id) {
            self.out
                .imports
                .push((ffi::import(self.cx, Some(&self.caller), def_id, span), span));
            return self.push(CallKind::Ffi, Some(def_id), span, None, None);
        }
        if tcx.intrinsic(def_id).is_some() {
            return self.push(CallKind::Intrinsic, Some(def_id), span, None, None);
        }
        if tcx.trait_of_assoc(def_id).is_none() {
            return self.push(CallKind::Static, Some(def_id), span, None, None);
        }
        // A trait method: resolve it as far as the caller's generics allow. The receiver type
        // is printed only where it is the information (generic and virtual calls).
        let self_ty = || args.types().next().map(|t| self.cx.print_ty(t));
        let trait_method = Some(def_id);
        // Calling a `&dyn Fn`/`Box<dyn Fn>` resolves to std's forwarding impl (`impl Fn for &F`),
        // whose body is a virtual call of the closure inside: record that virtual call, so the
        // closures put behind `dyn Fn` are its candidates even when std is not analysed.
        if let Some(trait_id) = tcx.trait_of_assoc(def_id)
            && tcx.is_fn_trait(trait_id)
            && let Some(dyn_ty) = args.types().next().and_then(|t| behind_pointers_dyn(t))
        {
            let detail = Some(self.cx.print_ty(dyn_ty));
            return self.push(CallKind::Dyn, Some(def_id), span, trait_method, detail);
        }
        // Normalised first: an opaque `impl Fn` returned by another function is revealed to
        // its concrete closure type, projections to their types.
        let args = reveal_opaques(tcx, args);
        let env = self.env_for(args);
        let args = tcx
            .try_normalize_erasing_regions(env, ty::Unnormalized::new_wip(args))
            .unwrap_or(args);
        let instance = match Instance::try_resolve(tcx, env, def_id, args) {
            Ok(Some(instance)) => instance,
            Ok(None) | Err(_) => {
                // The trait with its arguments (`<F as std::ops::Fn<(u32,)>>`): candidates
                // must implement the trait with these arguments, closures must take them.
                let trait_id = tcx.trait_of_assoc(def_id).expect("a trait method");
                let trait_args = args.truncate_to(tcx, tcx.generics_of(trait_id));
                let trait_ref = ty::TraitRef::new_from_args(tcx, trait_id, trait_args);
                let detail = Some(self.cx.print_trait_ref(trait_ref));
                return self.push(
                    CallKind::TraitGeneric,
                    Some(def_id),
                    span,
                    trait_method,
                    detail,
                );
            }
        };
        match instance.def {
            InstanceKind::Item(callee) if tcx.is_closure_like(callee) => {
                self.push(CallKind::Closure, Some(callee), span, trait_method, None)
            }
            InstanceKind::Item(callee) => self.push(
                CallKind::TraitResolved,
                Some(callee),
                span,
                trait_method,
                None,
            ),
            InstanceKind::Virtual(..) => {
                self.push(CallKind::Dyn, Some(def_id), span, trait_method, self_ty())
            }
            InstanceKind::Intrinsic(callee) | InstanceKind::LlvmIntrinsic(callee) => {
                self.push(CallKind::Intrinsic, Some(callee), span, trait_method, None)
            }
            InstanceKind::Shim(ShimKind::ClosureOnce { closure, .. }) => {
                self.push(CallKind::Closure, Some(closure), span, trait_method, None)
            }
            // `ptr::drop_in_place::<T>(p)` called by hand.
            InstanceKind::Shim(ShimKind::DropGlue(_, Some(ty))) => self.visit_drop(ty, span),
            InstanceKind::Shim(_) => {
                let detail = Some(self.cx.print(instance));
                self.push(CallKind::Shim, Some(def_id), span, trait_method, detail)
            }
        }
    }

    /// A drop of a value of type `ty`: one edge to the type's drop glue (see `drops.rs`).
    fn visit_drop(&mut self, ty: Ty<'tcx>, span: Span) {
        let cx = self.cx;
        self.args.clear();
        match self.drops.target(cx, ty, span) {
            None => {}
            Some(drops::Target::Glue { id, path }) => {
                if self.seen_drops.insert((span, id.clone())) {
                    let krate = cx.crate_sym(rustc_hir::def_id::LOCAL_CRATE);
                    let (id, path) = (Some(Sym::from(id)), Sym::from(path));
                    self.push_raw(CallKind::Drop, id, path, krate, span, None, None);
                }
            }
            Some(drops::Target::Unknown(detail)) => {
                if self.seen_drops.insert((span, detail.clone())) {
                    self.push_raw(
                        CallKind::Drop,
                        None,
                        Sym::default(),
                        Sym::default(),
                        span,
                        None,
                        Some(detail),
                    );
                }
            }
        }
    }

    /// Functions whose address is taken and types put behind `dyn`: the possible targets of
    /// indirect calls. A Rust fn reified to a non-Rust-ABI pointer is also an FFI callback.
    fn visit_rvalue(&mut self, rvalue: &Rvalue<'tcx>, span: Span) {
        let Rvalue::Cast(CastKind::PointerCoercion(coercion, _), op, to) = rvalue else {
            return;
        };
        let tcx = self.tcx();
        let from = op.ty(self.body, tcx);
        match (coercion, *from.kind()) {
            (PointerCoercion::ReifyFnPointer(_), ty::FnDef(target, args)) => {
                let target = self.resolve_fn_item(target, args);
                self.address_taken(AddressTakenKind::FnPtr, target, *to, span);
                let abi = to.fn_sig(tcx).abi();
                if !matches!(abi, ExternAbi::Rust | ExternAbi::RustCall) {
                    let callback = schema::FfiCallback {
                        configs: Vec::new(),
                        function: self.caller.clone(),
                        callback: self.cx.id(target),
                        callback_path: self.cx.path(target),
                        abi: abi.as_str().to_string(),
                        span: self.cx.span(span),
                    };
                    self.out.callbacks.push((callback, span));
                }
            }
            (PointerCoercion::ClosureFnPointer(_), ty::Closure(closure, _)) => {
                self.address_taken(AddressTakenKind::ClosureFnPtr, closure, *to, span);
            }
            (PointerCoercion::Unsize, _) => {
                if let Some((concrete, dyn_ty)) = unsized_pair(from, *to, 0)
                    && let ty::Dynamic(predicates, ..) = dyn_ty.kind()
                    && let Some(principal) = predicates.principal_def_id()
                {
                    let cx = self.cx;
                    // A closure or fn item behind `dyn Fn*`: its body is what the vtable calls.
                    let body = match *concrete.kind() {
                        ty::Closure(def, _) => Some(def),
                        ty::FnDef(def, args) => Some(self.resolve_fn_item(def, args)),
                        _ => None,
                    };
                    self.out.address_taken.push(schema::AddressTaken {
                        configs: Vec::new(),
                        function: self.caller.clone(),
                        kind: AddressTakenKind::Vtable,
                        target: body.map(|d| cx.id(d)),
                        target_path: body.map(|d| cx.path(d)),
                        signature: None,
                        self_ty: Some(cx.print_ty(concrete)),
                        trait_id: Some(cx.id(principal)),
                        trait_path: Some(cx.path(principal)),
                        dyn_ty: Some(cx.print_ty(dyn_ty)),
                        passed_to: None,
                        span: cx.span(span),
                    });
                }
            }
            _ => {}
        }
    }

    /// The function a fn item names, for taking its address: a trait method named on a
    /// concrete type (`Animal::speak` as `fn(&Dog) -> u32`, `<Dog as Trick>::roll`) is the
    /// impl's method, which is what the pointer calls; a default method not overridden, or a
    /// method still generic in the caller, stays the trait method.
    fn resolve_fn_item(&self, def: DefId, args: ty::Binder<'tcx, GenericArgsRef<'tcx>>) -> DefId {
        let tcx = self.tcx();
        if tcx.trait_of_assoc(def).is_none() {
            return def;
        }
        // As for calls: regions are not erased yet, the args carry no late-bound vars.
        let args = args.no_bound_vars().unwrap_or_else(|| args.skip_binder());
        let args = reveal_opaques(tcx, args);
        let env = self.env_for(args);
        let args = tcx
            .try_normalize_erasing_regions(env, ty::Unnormalized::new_wip(args))
            .unwrap_or(args);
        match Instance::try_resolve(tcx, env, def, args) {
            Ok(Some(Instance {
                def: InstanceKind::Item(callee),
                ..
            })) => callee,
            _ => def,
        }
    }

    /// Closures and fn items among a call's type arguments (through `impl Fn` returned by
    /// another function too): the targets of `Fn*` calls on the callee's type parameters.
    fn generic_args(&mut self, callee: DefId, args: GenericArgsRef<'tcx>, span: Span) {
        let tcx = self.tcx();
        use rustc_middle::ty::TypeVisitableExt;
        if !args.types().any(|t| t.has_opaque_types() || is_fn_like(t)) {
            return;
        }
        for ty in reveal_opaques(tcx, args).types() {
            let (target, fn_ptr) = match *ty.kind() {
                ty::Closure(def, closure_args) => {
                    let sig = closure_args.as_closure().sig();
                    let sig = tcx.signature_unclosure(sig, rustc_hir::Safety::Safe);
                    (def, Ty::new_fn_ptr(tcx, sig))
                }
                ty::FnDef(def, fn_args) => {
                    let bare = fn_args
                        .no_bound_vars()
                        .unwrap_or_else(|| fn_args.skip_binder());
                    let sig = tcx.fn_sig(def).instantiate(tcx, bare).skip_norm_wip();
                    let target = self.resolve_fn_item(def, fn_args);
                    (target, Ty::new_fn_ptr(tcx, sig))
                }
                _ => continue,
            };
            self.address_taken(AddressTakenKind::GenericArg, target, fn_ptr, span);
            let passed_to = Some(self.cx.id(callee));
            if let Some(record) = self.out.address_taken.last_mut() {
                record.passed_to = passed_to;
            }
        }
    }

    fn address_taken(
        &mut self,
        kind: AddressTakenKind,
        target: DefId,
        fn_ptr: Ty<'tcx>,
        span: Span,
    ) {
        let cx = self.cx;
        self.out.address_taken.push(schema::AddressTaken {
            configs: Vec::new(),
            function: self.caller.clone(),
            kind,
            target: Some(cx.id(target)),
            target_path: Some(cx.path(target)),
            signature: Some(signature(cx, fn_ptr)),
            self_ty: None,
            trait_id: None,
            trait_path: None,
            dyn_ty: None,
            passed_to: None,
            span: cx.span(span),
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
        let (id, path, krate) = match callee {
            Some(def) => (
                Some(cx.id_sym(def)),
                cx.path_sym(def),
                cx.crate_sym(def.krate),
            ),
            None => (None, Sym::default(), Sym::default()),
        };
        let trait_method = trait_method.map(|d| cx.path_sym(d));
        self.push_raw(kind, id, path, krate, span, trait_method, detail);
    }

    #[allow(clippy::too_many_arguments)]
    fn push_raw(
        &mut self,
        kind: CallKind,
        callee: Option<Sym>,
        callee_path: Sym,
        callee_crate: Sym,
        span: Span,
        trait_method: Option<Sym>,
        detail: Option<String>,
    ) {
        let cx = self.cx;
        let call = schema::Call {
            configs: Vec::new(),
            caller: self.caller_sym.clone(),
            callee,
            callee_path,
            callee_crate,
            kind,
            span: cx.span(span),
            trait_method,
            detail: detail.map(Into::into),
            args: std::mem::take(&mut self.args)
                .into_iter()
                .map(Into::into)
                .collect(),
            from_macro: cx.macro_origin(span),
            target_crate: None,
            external: false,
            candidates: None,
        };
        self.out.calls.push((call, span));
    }
}

/// A fn-pointer type as `fn_ptr` calls and address-taken records both print it (regions
/// erased, so that `for<'a> fn(&'a u8)` and `fn(&u8)` compare equal).
fn is_fn_like(ty: Ty<'_>) -> bool {
    matches!(ty.kind(), ty::Closure(..) | ty::FnDef(..))
}

fn signature<'tcx>(cx: &Cx<'tcx>, fn_ptr: Ty<'tcx>) -> String {
    let sig = cx
        .tcx
        .instantiate_bound_regions_with_erased(fn_ptr.fn_sig(cx.tcx));
    cx.print(sig)
}

/// In an unsizing coercion `from -> to` (`&T -> &dyn Trait`, `Box<T> -> Box<dyn Trait>`,
/// `Rc<T> -> Rc<dyn Trait>`…), the concrete type and the unsized type it becomes.
fn unsized_pair<'tcx>(from: Ty<'tcx>, to: Ty<'tcx>, depth: u32) -> Option<(Ty<'tcx>, Ty<'tcx>)> {
    if depth > 4 {
        return None;
    }
    if let ty::Dynamic(..) = to.kind() {
        return Some((from, to));
    }
    match (from.kind(), to.kind()) {
        (ty::Ref(_, a, _), ty::Ref(_, b, _)) | (ty::RawPtr(a, _), ty::RawPtr(b, _)) => {
            unsized_pair(*a, *b, depth + 1)
        }
        (ty::Ref(_, a, _), ty::RawPtr(b, _)) => unsized_pair(*a, *b, depth + 1),
        (ty::Adt(a, a_args), ty::Adt(b, b_args)) if a.did() == b.did() => a_args
            .types()
            .zip(b_args.types())
            .filter(|(x, y)| x != y)
            .find_map(|(x, y)| unsized_pair(x, y, depth + 1)),
        _ => None,
    }
}

/// The `dyn` type behind references and boxes (`&&dyn Fn(u8)`, `Box<dyn FnMut()>`), if any.
fn behind_pointers_dyn(ty: Ty<'_>) -> Option<Ty<'_>> {
    let mut ty = ty;
    for _ in 0..4 {
        match ty.kind() {
            ty::Dynamic(..) => return Some(ty),
            ty::Ref(_, inner, _) => ty = *inner,
            _ => ty = ty.boxed_ty()?,
        }
    }
    None
}
