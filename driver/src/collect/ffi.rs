//! FFI collector: what a crate imports from foreign code (calls of foreign fns and uses of
//! extern statics, with ABI, link symbol and native library), what it exports to C
//! (`no_mangle` / `export_name` definitions) and which native libraries it links.

use painter_schema as schema;
use rustc_hir::def::DefKind;
use rustc_hir::def_id::{CrateNum, DefId, LOCAL_CRATE};
use rustc_middle::middle::codegen_fn_attrs::CodegenFnAttrFlags;
use rustc_span::Span;

use super::common::Cx;

/// A use of the foreign item `item` (a fn call or a static use) at `span` in `caller`.
pub fn import(cx: &Cx<'_>, caller: Option<&str>, item: DefId, span: Span) -> schema::FfiImport {
    let tcx = cx.tcx;
    let is_static = matches!(tcx.def_kind(item), DefKind::Static { .. });
    let (library, library_source, link_kind) = library_of(cx, item);
    schema::FfiImport {
        configs: Vec::new(),
        function: caller.map(str::to_string),
        item: cx.id(item),
        item_path: cx.path(item),
        symbol: link_symbol(cx, item),
        abi: foreign_abi(cx, item),
        library,
        library_source,
        link_kind,
        item_kind: if is_static { "static" } else { "fn" }.to_string(),
        span: cx.span(span),
    }
}

/// The symbol the linker will look for: `#[link_name]` if given, else the item's name.
fn link_symbol(cx: &Cx<'_>, item: DefId) -> String {
    let attrs = cx.tcx.codegen_fn_attrs(item);
    match attrs.symbol_name {
        Some(name) => name.to_string(),
        None => cx.tcx.item_name(item).to_string(),
    }
}

/// The ABI of the `extern` block that declares `item`.
fn foreign_abi(cx: &Cx<'_>, item: DefId) -> String {
    let tcx = cx.tcx;
    let module = tcx.parent(item);
    match tcx.foreign_modules(item.krate).get(&module) {
        Some(m) => m.abi.as_str().to_string(),
        None => tcx.fn_sig(item).skip_binder().abi().as_str().to_string(),
    }
}

/// The native library that provides `item`: the `#[link]` on its extern block, or — when the
/// block has none — the libraries its crate links through build-script `-l` flags
/// (`tcx.native_libraries` covers both; `tcx.native_library` only the first).
fn library_of(cx: &Cx<'_>, item: DefId) -> (Option<String>, Option<String>, Option<String>) {
    let tcx = cx.tcx;
    if let Some(lib) = tcx.native_library(item) {
        return (
            Some(lib.name.to_string()),
            Some("link_attr".into()),
            Some(kind_name(&lib.kind)),
        );
    }
    let unattributed: Vec<_> = tcx
        .native_libraries(item.krate)
        .iter()
        .filter(|lib| lib.foreign_module.is_none() && kind_name(&lib.kind) != "link-arg")
        .collect();
    match unattributed.as_slice() {
        [] => (None, None, None),
        [one] => (
            Some(one.name.to_string()),
            Some("build_script".into()),
            Some(kind_name(&one.kind)),
        ),
        many => {
            let names: Vec<String> = many.iter().map(|l| l.name.to_string()).collect();
            (
                None,
                Some(format!("build_script: one of {}", names.join(", "))),
                None,
            )
        }
    }
}

/// Native libraries the crate itself links.
pub fn native_libraries(cx: &Cx<'_>, krate: CrateNum) -> Vec<schema::NativeLibrary> {
    cx.tcx
        .native_libraries(krate)
        .iter()
        .map(|lib| schema::NativeLibrary {
            configs: Vec::new(),
            name: lib.name.to_string(),
            kind: kind_name(&lib.kind),
            source: if lib.foreign_module.is_some() {
                "link_attr"
            } else {
                "build_script"
            }
            .to_string(),
        })
        .collect()
}

/// `Static { bundle: None, .. }` -> `static`, `RawDylib { .. }` -> `raw-dylib`.
fn kind_name(kind: &impl std::fmt::Debug) -> String {
    let debug = format!("{kind:?}");
    let variant: String = debug.chars().take_while(|c| c.is_alphanumeric()).collect();
    let mut out = String::new();
    for (i, c) in variant.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Functions and statics this crate exports under a C symbol: `#[no_mangle]`,
/// `#[export_name]`, and the `extern "ABI"` definitions among them; each with its rustc span
/// for `--emit`.
pub fn exports(cx: &Cx<'_>) -> Vec<(schema::FfiExport, Span)> {
    let tcx = cx.tcx;
    let mut out = Vec::new();
    for def in tcx.hir_crate_items(()).definitions() {
        let def_id = def.to_def_id();
        let is_fn = matches!(tcx.def_kind(def_id), DefKind::Fn | DefKind::AssocFn);
        let is_static = matches!(tcx.def_kind(def_id), DefKind::Static { .. });
        if !(is_fn || is_static) || tcx.is_foreign_item(def_id) {
            continue;
        }
        let attrs = tcx.codegen_fn_attrs(def_id);
        let no_mangle = attrs.flags.contains(CodegenFnAttrFlags::NO_MANGLE);
        if !no_mangle && attrs.symbol_name.is_none() {
            continue;
        }
        let symbol = attrs
            .symbol_name
            .map(|s| s.to_string())
            .unwrap_or_else(|| tcx.item_name(def_id).to_string());
        let abi = if is_fn {
            tcx.fn_sig(def_id).skip_binder().abi().as_str().to_string()
        } else {
            "static".to_string()
        };
        let span = tcx.def_span(def_id);
        let export = schema::FfiExport {
            configs: Vec::new(),
            function: cx.id(def_id),
            symbol,
            abi,
            span: cx.span(span),
        };
        out.push((export, span));
    }
    out
}

pub fn local_libraries(cx: &Cx<'_>) -> Vec<schema::NativeLibrary> {
    native_libraries(cx, LOCAL_CRATE)
}
