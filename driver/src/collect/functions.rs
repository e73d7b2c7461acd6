//! Function-node collector: every fn, method, closure, coroutine, const/static body and foreign
//! item of the crate, with its stable id, path, kind, safety and visibility.

use painter_schema::{self as schema, FunctionKind};
use rustc_data_structures::fx::FxIndexSet;
use rustc_hir as hir;
use rustc_hir::def::DefKind;
use rustc_hir::def_id::LocalDefId;
use rustc_middle::ty;
use rustc_middle::ty::print::PrintTraitRefExt;

use super::common::Cx;

/// Every definition that can be a call target or contain code.
pub fn all_bodies_and_fns(cx: &Cx<'_>) -> FxIndexSet<LocalDefId> {
    let items = cx.tcx.hir_crate_items(());
    let mut defs: FxIndexSet<LocalDefId> = items.definitions().collect();
    defs.extend(cx.tcx.hir_body_owners());
    defs
}

pub fn collect(cx: &Cx<'_>, defs: &FxIndexSet<LocalDefId>) -> Vec<schema::Function> {
    defs.iter().filter_map(|&def| function(cx, def)).collect()
}

fn function(cx: &Cx<'_>, def: LocalDefId) -> Option<schema::Function> {
    let tcx = cx.tcx;
    let def_id = def.to_def_id();
    let foreign = tcx.is_foreign_item(def_id);
    let kind = match tcx.def_kind(def_id) {
        DefKind::Fn if foreign => FunctionKind::ForeignFn,
        DefKind::Fn => FunctionKind::Fn,
        DefKind::AssocFn if tcx.trait_of_assoc(def_id).is_some() => FunctionKind::TraitMethod,
        DefKind::AssocFn if tcx.trait_impl_of_assoc(def_id).is_some() => FunctionKind::ImplMethod,
        DefKind::AssocFn => FunctionKind::Method,
        DefKind::Closure if tcx.is_coroutine(def_id) => FunctionKind::Coroutine,
        DefKind::Closure => FunctionKind::Closure,
        DefKind::Const | DefKind::AssocConst => FunctionKind::Const,
        DefKind::Static { .. } if foreign => FunctionKind::ForeignStatic,
        DefKind::Static { .. } => FunctionKind::Static,
        DefKind::AnonConst if tcx.is_typeck_child(def_id) => FunctionKind::InlineConst,
        DefKind::AnonConst => FunctionKind::AnonConst,
        _ => return None,
    };
    let parent = matches!(
        kind,
        FunctionKind::Closure | FunctionKind::Coroutine | FunctionKind::InlineConst
    )
    .then(|| cx.id(tcx.parent(def_id)));
    // A method of a trait impl: which trait method it implements, and for which type (the
    // linker's candidates for `dyn` and generic calls).
    let mut impl_args = Vec::new();
    let mut impl_generics = 0;
    let (implements, impl_self_ty, impl_trait) = match kind {
        FunctionKind::ImplMethod => {
            let trait_item = tcx.associated_item(def_id).trait_item_def_id();
            let impl_def = tcx.parent(def_id);
            let self_ty = tcx
                .type_of(impl_def)
                .instantiate_identity()
                .skip_normalization();
            let trait_ref = tcx.impl_opt_trait_ref(impl_def).map(|t| {
                let t = t.instantiate_identity().skip_normalization();
                // The impl's header with its parameters as placeholders: what an
                // instantiated generic call is matched against.
                let env = ty::TypingEnv::post_analysis(tcx, impl_def);
                impl_args = super::instances::args(cx, env, t.args);
                impl_generics = tcx.generics_of(impl_def).count() as u32;
                cx.print(t.print_only_trait_path())
            });
            (
                trait_item.map(|t| cx.id(t)),
                Some(cx.print(self_ty)),
                trait_ref,
            )
        }
        _ => (None, None, None),
    };
    Some(schema::Function {
        configs: Vec::new(),
        id: cx.id(def_id).into(),
        path: cx.path(def_id).into(),
        kind,
        is_unsafe: is_unsafe(cx, def, kind),
        public: tcx.effective_visibilities(()).is_exported(def),
        span: cx.span(tcx.def_span(def_id)),
        parent,
        unsafe_ops: 0,
        unsafe_blocks: 0,
        implements,
        impl_self_ty,
        impl_trait,
        impl_args: impl_args.into_iter().map(Into::into).collect(),
        impl_generics,
    })
}

/// Declared unsafe: `unsafe fn` (not a safe `#[target_feature]` fn, whose signature rustc
/// marks unsafe internally), or a foreign item not declared `safe`.
pub fn is_unsafe(cx: &Cx<'_>, def: LocalDefId, kind: FunctionKind) -> bool {
    let tcx = cx.tcx;
    match kind {
        FunctionKind::ForeignFn => tcx.fn_sig(def).skip_binder().safety().is_unsafe(),
        FunctionKind::ForeignStatic => !matches!(
            tcx.def_kind(def),
            DefKind::Static {
                safety: hir::Safety::Safe,
                ..
            }
        ),
        FunctionKind::Fn
        | FunctionKind::Method
        | FunctionKind::TraitMethod
        | FunctionKind::ImplMethod => tcx
            .hir_fn_sig_by_hir_id(tcx.local_def_id_to_hir_id(def))
            .is_some_and(|sig| {
                matches!(
                    sig.header.safety,
                    hir::HeaderSafety::Normal(hir::Safety::Unsafe)
                )
            }),
        _ => false,
    }
}
