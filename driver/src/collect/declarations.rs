//! Declarations collector: the items that introduce unsafe obligations rather than perform
//! unsafe operations — unsafe fns, traits and impls, extern blocks, `#[target_feature]` fns,
//! unsafe attributes, unsafe fields, and a crate-level `forbid`/`deny(unsafe_code)`.

use painter_schema::{self as schema, DeclarationKind, FunctionKind};
use rustc_hir::CRATE_HIR_ID;
use rustc_hir::def::DefKind;
use rustc_hir::def_id::{CRATE_DEF_ID, LocalDefId};
use rustc_middle::lint::LintLevelSource;
use rustc_middle::middle::codegen_fn_attrs::{CodegenFnAttrFlags, TargetFeatureKind};
use rustc_span::Span;

use super::common::Cx;
use super::functions;

/// The crate's declarations, each with its rustc span (for `--emit`).
pub fn collect(cx: &Cx<'_>) -> Vec<(schema::Declaration, Span)> {
    let tcx = cx.tcx;
    let mut out = Vec::new();
    for def in tcx.hir_crate_items(()).definitions() {
        declarations_of(cx, def, &mut out);
    }
    // `#![forbid(unsafe_code)]` / `#![deny(unsafe_code)]` written on the crate.
    let spec = tcx.lint_level_spec_at_node(rustc_lint::builtin::UNSAFE_CODE, CRATE_HIR_ID);
    if let LintLevelSource::Node { span, .. } = spec.src {
        let level = spec.level().as_str();
        if matches!(level, "deny" | "forbid") {
            out.push(decl(
                cx,
                DeclarationKind::CrateLint,
                CRATE_DEF_ID,
                Some(format!("{level}(unsafe_code)")),
                Some(span),
            ));
        }
    }
    out
}

fn declarations_of(cx: &Cx<'_>, def: LocalDefId, out: &mut Vec<(schema::Declaration, Span)>) {
    let tcx = cx.tcx;
    let def_id = def.to_def_id();
    match tcx.def_kind(def_id) {
        DefKind::Fn | DefKind::AssocFn if !tcx.is_foreign_item(def_id) => {
            let kind = if tcx.trait_of_assoc(def_id).is_some() {
                FunctionKind::TraitMethod
            } else if tcx.trait_impl_of_assoc(def_id).is_some() {
                FunctionKind::ImplMethod
            } else {
                FunctionKind::Fn
            };
            if functions::is_unsafe(cx, def, kind) {
                let detail = match kind {
                    FunctionKind::TraitMethod => "trait method",
                    FunctionKind::ImplMethod => "trait impl method",
                    _ => "fn",
                };
                out.push(decl(
                    cx,
                    DeclarationKind::UnsafeFn,
                    def,
                    Some(detail.into()),
                    None,
                ));
            }
            let attrs = tcx.codegen_fn_attrs(def_id);
            if !attrs.target_features.is_empty() {
                let features: Vec<String> = attrs
                    .target_features
                    .iter()
                    .filter(|f| f.kind == TargetFeatureKind::Enabled)
                    .map(|f| f.name.to_string())
                    .collect();
                if !features.is_empty() {
                    let detail = Some(format!("enable = \"{}\"", features.join(",")));
                    out.push(decl(
                        cx,
                        DeclarationKind::TargetFeatureFn,
                        def,
                        detail,
                        None,
                    ));
                }
            }
            unsafe_attributes(cx, def, out);
        }
        DefKind::Static { .. } if !tcx.is_foreign_item(def_id) => unsafe_attributes(cx, def, out),
        DefKind::Trait if tcx.trait_def(def_id).safety.is_unsafe() => {
            out.push(decl(cx, DeclarationKind::UnsafeTrait, def, None, None))
        }
        DefKind::Impl { of_trait: true } => {
            let header = tcx.impl_trait_header(def_id);
            if header.safety.is_unsafe() {
                let trait_path = cx.path(header.trait_ref.skip_binder().def_id);
                out.push(decl(
                    cx,
                    DeclarationKind::UnsafeImpl,
                    def,
                    Some(trait_path),
                    None,
                ));
            }
        }
        DefKind::ForeignMod => {
            let items = tcx.foreign_modules(rustc_hir::def_id::LOCAL_CRATE);
            if let Some(module) = items.get(&def_id) {
                let detail =
                    extern_block_detail(cx, def, module.abi.as_str(), &module.foreign_items);
                out.push(decl(
                    cx,
                    DeclarationKind::ExternBlock,
                    def,
                    Some(detail),
                    None,
                ));
            }
        }
        DefKind::Struct | DefKind::Union | DefKind::Enum => {
            for field in tcx.adt_def(def_id).all_fields() {
                if field.safety.is_unsafe() {
                    let detail = Some(format!("field `{}`", field.name));
                    let span = Some(tcx.def_span(field.did));
                    out.push(decl(cx, DeclarationKind::UnsafeField, def, detail, span));
                }
            }
        }
        _ => {}
    }
}

/// `unsafe extern "C", 3 items (1 safe, 2 unsafe)`. HIR does not keep the `unsafe` keyword of
/// the block (required since edition 2024), so it is read from the source.
fn extern_block_detail(
    cx: &Cx<'_>,
    def: LocalDefId,
    abi: &str,
    items: &[rustc_hir::def_id::DefId],
) -> String {
    let tcx = cx.tcx;
    let snippet = tcx
        .sess
        .source_map()
        .span_to_snippet(tcx.def_span(def))
        .unwrap_or_default();
    let keyword = if snippet.trim_start().starts_with("unsafe") {
        "unsafe extern"
    } else {
        "extern"
    };
    let safe = items
        .iter()
        .filter(|&&item| {
            let kind = if matches!(tcx.def_kind(item), DefKind::Static { .. }) {
                FunctionKind::ForeignStatic
            } else {
                FunctionKind::ForeignFn
            };
            item.as_local()
                .is_some_and(|local| !functions::is_unsafe(cx, local, kind))
        })
        .count();
    let n = items.len();
    format!(
        "{keyword} \"{abi}\", {n} items ({safe} safe, {} unsafe)",
        n - safe
    )
}

/// `no_mangle`, `export_name` and `link_section` are unsafe attributes (`#[unsafe(..)]` in
/// edition 2024; equally unsafe, if unmarked, before).
fn unsafe_attributes(cx: &Cx<'_>, def: LocalDefId, out: &mut Vec<(schema::Declaration, Span)>) {
    let attrs = cx.tcx.codegen_fn_attrs(def.to_def_id());
    let mut push = |detail: String| {
        out.push(decl(
            cx,
            DeclarationKind::UnsafeAttribute,
            def,
            Some(detail),
            None,
        ))
    };
    if attrs.flags.contains(CodegenFnAttrFlags::NO_MANGLE) {
        push("no_mangle".into());
    }
    if let Some(name) = attrs.symbol_name {
        push(format!("export_name = \"{name}\""));
    }
    if let Some(section) = attrs.link_section {
        push(format!("link_section = \"{section}\""));
    }
}

/// One declaration at `span` (the item's `def_span` when `None`). Its macro provenance is
/// that of the span, exactly as for unsafe blocks and ops (`Cx::macro_origin`): an `unsafe impl`
/// written by a derive (`derive(Clone)` also writes `unsafe impl TrivialClone`) or an
/// `unsafe fn` written by a `macro_rules!` names the macro and its crate.
fn decl(
    cx: &Cx<'_>,
    kind: DeclarationKind,
    def: LocalDefId,
    detail: Option<String>,
    span: Option<Span>,
) -> (schema::Declaration, Span) {
    let tcx = cx.tcx;
    let def_id = def.to_def_id();
    let is_fn = matches!(tcx.def_kind(def_id), DefKind::Fn | DefKind::AssocFn);
    let span = span.unwrap_or_else(|| tcx.def_span(def_id));
    let declaration = schema::Declaration {
        configs: Vec::new(),
        kind,
        path: cx.path(def_id),
        span: cx.span(span),
        id: is_fn.then(|| cx.id(def_id)),
        detail,
        public: tcx.effective_visibilities(()).is_exported(def),
        from_macro: cx.macro_origin(span),
    };
    (declaration, span)
}
