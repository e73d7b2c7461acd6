//! The report's data, as the pages read it: the index (every crate's numbers, the treemap, the
//! figures with their definitions) and one document per crate (its ops with their context and
//! source excerpts, declarations, FFI boundary). Numbers and predicates come from
//! painter-query (`summary`, `figures`); nothing is counted twice.

use std::collections::BTreeMap;

use painter_query::figures::{DEFINITIONS, Figures, is_own_expansion, is_own_op, uses_unsafe};
use painter_query::summary::crate_row;
use painter_schema::{CrateGraph, FunctionKind, LinkedGraph, Span};
use serde_json::{Value, json};

use super::source::{Excerpts, SourceRoots};
use super::treemap::squarify;

/// The treemap's box, in SVG user units.
pub const TREEMAP: (f64, f64) = (1000.0, 560.0);

pub fn index(graph: &LinkedGraph, figures: &Figures, title: &str, has_diff: bool) -> Value {
    let crates: Vec<Value> = graph
        .crates
        .iter()
        .enumerate()
        .map(|(i, (key, krate))| {
            let row = crate_row(key, krate);
            let own = krate
                .unsafe_ops
                .iter()
                .filter(|op| is_own_op(krate, op))
                .count();
            json!({
                "i": i,
                "key": key,
                "package": krate.krate.package,
                "version": krate.krate.version,
                "kind": krate.krate.kind,
                "primary": krate.krate.primary,
                "status": row.status,
                "functions": row.functions,
                "ops": row.unsafe_ops,
                "own_ops": own,
                "uses_unsafe": uses_unsafe(krate),
                "kinds": row.unsafe_ops_by_kind,
                "ffi_imports": krate.ffi.imports.len(),
                "ffi_exports": krate.ffi.exports.len(),
                "libs": row.native_libraries,
                "unsafe_fns": row.unsafe_fns,
                "unsafe_impls": row.unsafe_impls,
                "unsafe_traits": row.unsafe_traits,
            })
        })
        .collect();
    let ops: Vec<u64> = graph
        .crates
        .values()
        .map(|k| k.unsafe_ops.len() as u64)
        .collect();
    let definitions: Vec<(&str, &str)> = DEFINITIONS.to_vec();
    json!({
        "title": title,
        "painter_version": graph.painter_version,
        "stats": graph.stats,
        "crates": crates,
        "treemap": {"width": TREEMAP.0, "height": TREEMAP.1, "tiles": squarify(&ops, TREEMAP.0, TREEMAP.1)},
        "figures": figures,
        "definitions": definitions,
        "has_diff": has_diff,
    })
}

/// One crate's page data.
pub fn krate(key: &str, krate: &CrateGraph, roots: &SourceRoots) -> Value {
    let dir = krate.krate.manifest_dir.as_deref();
    let mut excerpts = Excerpts::new(roots);
    let functions: BTreeMap<&str, &painter_schema::Function> =
        krate.functions.iter().map(|f| (f.id.as_str(), f)).collect();
    // Functions with ops, in order of their first op.
    let mut order: Vec<&str> = Vec::new();
    let mut ops_of: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut ops: Vec<&painter_schema::UnsafeOp> = krate.unsafe_ops.iter().collect();
    ops.sort_by(|a, b| a.span.cmp(&b.span));
    for op in ops {
        // A std macro's op is shown where the user wrote the macro.
        let shown = match &op.from_macro {
            Some(m) if op.span.outside_package() => &m.call_site,
            _ => &op.span,
        };
        let found = excerpts.keep(dir, shown);
        let list = ops_of.entry(&op.function).or_insert_with(|| {
            order.push(&op.function);
            Vec::new()
        });
        list.push(json!({
            "kind": op.kind,
            "callee": op.callee.as_ref().map(|c| &c.path),
            "foreign": op.callee.as_ref().is_some_and(|c| c.foreign),
            "target": op.target,
            "context": op.context.kind,
            "block": op.context.block,
            "in_unsafe_fn": op.context.in_unsafe_fn,
            "macro": op.from_macro.as_ref().map(|m| json!({"name": m.name, "krate": m.krate, "call_site": m.call_site})),
            "own": is_own_op(krate, op),
            "span": op.span,
            "shown": shown,
            "excerpt": found,
        }));
    }
    let function_rows: Vec<Value> = order
        .iter()
        .map(|id| {
            let f = functions.get(id);
            json!({
                "path": f.map_or(*id, |f| f.path.as_str()),
                "kind": f.map(|f| f.kind),
                "unsafe": f.is_some_and(|f| f.is_unsafe),
                "public": f.is_some_and(|f| f.public),
                "span": f.map(|f| &f.span),
                "ops": ops_of.remove(id).unwrap_or_default(),
            })
        })
        .collect();
    let declarations: Vec<Value> = krate
        .declarations
        .iter()
        .map(|d| {
            let found = excerpts.keep(dir, &d.span);
            json!({
                "kind": d.kind, "path": d.path, "detail": d.detail, "public": d.public,
                "span": d.span, "own": is_own_expansion(krate, d.from_macro.as_deref()),
                "macro": d.from_macro.as_ref().map(|m| &m.name), "excerpt": found,
            })
        })
        .collect();
    let path_of = |id: &str| {
        functions
            .get(id)
            .map_or(id.to_string(), |f| f.path.to_string())
    };
    let mut imports: BTreeMap<(&str, &str), Value> = BTreeMap::new();
    for i in &krate.ffi.imports {
        let entry = imports.entry((&i.symbol, &i.item_kind)).or_insert_with(|| {
            json!({"symbol": i.symbol, "item_path": i.item_path, "item_kind": i.item_kind,
                   "abi": i.abi, "library": i.library, "library_source": i.library_source,
                   "uses": []})
        });
        if let Some(uses) = entry["uses"].as_array_mut() {
            uses.push(json!({"function": i.function.as_deref().map(path_of), "span": i.span}));
        }
    }
    let foreign: Vec<Value> = krate
        .functions
        .iter()
        .filter(|f| {
            matches!(
                f.kind,
                FunctionKind::ForeignFn | FunctionKind::ForeignStatic
            )
        })
        .map(|f| json!({"path": f.path, "kind": f.kind, "unsafe": f.is_unsafe, "span": f.span}))
        .collect();
    json!({
        "key": key,
        "dir": dir,
        "primary": krate.krate.primary,
        "status": krate.status,
        "error": krate.error,
        "uses_unsafe": uses_unsafe(krate),
        "functions": function_rows,
        "declarations": declarations,
        "ffi": {
            "libraries": krate.ffi.native_libraries,
            "imports": imports.into_values().collect::<Vec<_>>(),
            "declared": foreign,
            "exports": krate.ffi.exports.iter().map(|e| json!({"symbol": e.symbol, "abi": e.abi, "function": path_of(&e.function), "span": e.span})).collect::<Vec<_>>(),
            "callbacks": krate.ffi.callbacks.iter().map(|c| json!({"callback": c.callback_path, "abi": c.abi, "function": path_of(&c.function), "span": c.span})).collect::<Vec<_>>(),
        },
        "blocks": krate.unsafe_blocks.iter().filter(|b| !b.generated).map(|b| &b.span).collect::<Vec<&Span>>(),
        "sources": excerpts.kept,
    })
}
