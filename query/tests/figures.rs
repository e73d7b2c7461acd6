//! The figures: unsafe users, their direct callers, FFI reach, public functions reaching
//! unsafe code, top crates and kinds — over every crate or a chosen population — and that
//! `docs/figures.md` defines each exactly as the code does.

#[path = "../../linker/tests/common/mod.rs"]
mod common;

use common::*;
use painter_linker::link_graphs;
use painter_query::figures::{CalledUnsafeFn, DEFINITIONS, Population, Share, figures};
use painter_query::table::render_figures;
use painter_schema::*;

#[test]
fn figures_of_app_and_lib_b() {
    let mut c = empty_crate(info("lib-c", "0.1.0", "dddd", false));
    c.functions = vec![function("dddd:01", "lib_c::pure", FunctionKind::Fn, 1)];
    c.recount();
    let graph = link_graphs(vec![crate_app(), crate_b(), c]);
    let f = figures(&graph, Population::All);
    assert_eq!(f.crates, 3);
    // app (helper's deref) and lib-b (the unsafe call of write) have unsafe ops; lib-c does
    // not. Both also use the keyword: app an unsafe block, lib-b its `unsafe fn write`.
    assert_eq!(f.has_unsafe_ops.crates, 2);
    assert_eq!(f.uses_unsafe.crates, 2);
    // app calls lib_b::compute directly.
    assert_eq!(f.calls_unsafe_crate.crates, 1);
    let app = f.per_crate.iter().find(|r| r.key == APP).unwrap();
    assert_eq!(app.calls_unsafe_crates, [LIB_B]);
    // app reaches C through lib-b; lib-b itself through ffi_wrapper.
    assert_eq!(f.reaches_ffi.crates, 2);
    // Public fns (all of common's are public; the foreign one is no API fn): main, helper,
    // compute, ffi_wrapper, lib_c::pure. All but pure reach unsafe code.
    assert_eq!(f.public_functions, 5);
    assert_eq!(f.public_functions_reaching_unsafe, 4);
    assert_eq!(
        f.top_by_unsafe_ops,
        [(APP.to_string(), 1), (LIB_B.to_string(), 1)]
    );
    assert_eq!(f.unsafe_ops_by_kind["deref_raw_pointer"], 1);
    assert_eq!(f.unsafe_ops_by_kind["call_unsafe_fn"], 1);
    let text = render_figures(&f);
    assert!(text.contains("uses_unsafe"), "{text}");
    assert!(text.contains("2 of 3 (66.67%)"), "{text}");

    // The same graph, counting only the workspace member (app): the graph's other crates are
    // still the targets its calls reach.
    let primary = figures(&graph, Population::Primary);
    assert_eq!(primary.crates, 1);
    assert_eq!(primary.per_crate.len(), 1);
    assert_eq!(primary.per_crate[0], *app);
    assert_eq!(primary.reaches_ffi.percent, 100.0);
}

fn span() -> serde_json::Value {
    serde_json::json!({"file": "src/lib.rs", "line": 1, "col": 1, "end_line": 1, "end_col": 2})
}

fn crate_json(name: &str, records: serde_json::Value) -> CrateGraph {
    let mut base = serde_json::json!({
        "schema_version": 1, "painter_version": "t", "toolchain": "t",
        "crate": {"name": name, "package": name, "version": "1.0.0", "kind": "lib",
                  "stable_id": name, "features": [], "target": "t", "source": "registry",
                  "primary": false, "edition": "2021"},
        "status": "ok"
    });
    for (k, v) in records.as_object().unwrap() {
        base[k] = v.clone();
    }
    serde_json::from_value(base).unwrap()
}

fn call(caller: &str, callee: &str, krate: &str, kind: &str) -> serde_json::Value {
    serde_json::json!({"caller": caller, "callee": callee, "callee_path": callee,
                       "callee_crate": krate, "kind": kind, "span": span()})
}

fn public_fn(id: &str, path: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "path": path, "kind": "fn", "unsafe": false, "public": true,
                       "span": span()})
}

/// app → wrap (safe) → sys (unsafe block + FFI); `lone` has only what other crates' macros and
/// derives wrote; `dyncall` calls sys only through `dyn`; `gone` is not in the population.
#[test]
fn figures_follow_their_definitions() {
    let sys = crate_json(
        "sys",
        serde_json::json!({
            "functions": [public_fn("sys:f", "sys::f"),
                          {"id": "sys:c", "path": "sys::ffi::c_fn", "kind": "foreign_fn",
                           "unsafe": true, "public": false, "span": span()},
                          {"id": "sys:m", "path": "sys::Trait::m", "kind": "trait_method",
                           "unsafe": false, "public": true, "span": span()}],
            "calls": [call("sys:f", "sys:c", "sys", "ffi")],
            "unsafe_ops": [{"function": "sys:f", "kind": "call_unsafe_fn", "span": span(),
                            "context": {"kind": "unsafe_block"},
                            "callee": {"id": "sys:c", "path": "sys::ffi::c_fn", "foreign": true}}],
            "unsafe_blocks": [{"function": "sys:f", "span": span(), "generated": false, "ops": 1}],
            "ffi": {"imports": [{"function": "sys:f", "item": "sys:c", "item_path": "sys::ffi::c_fn",
                                 "symbol": "c_fn", "abi": "C", "item_kind": "fn", "span": span()}],
                    "exports": []}
        }),
    );
    let wrap = crate_json(
        "wrap",
        serde_json::json!({
            "functions": [public_fn("wrap:g", "wrap::g")],
            "calls": [call("wrap:g", "sys:f", "sys", "static")]
        }),
    );
    let app = crate_json(
        "app",
        serde_json::json!({
            "functions": [public_fn("app:main", "app::main")],
            "calls": [call("app:main", "wrap:g", "wrap", "static")],
            // A block from another crate's macro is not the crate's own unsafe code.
            "unsafe_blocks": [{"function": "app:main", "span": span(), "generated": false,
                               "ops": 0, "macro": {"name": "m", "krate": "other",
                                                   "call_site": span()}}]
        }),
    );
    // What `derive(Clone)` (core) and another crate's macro write, and std's format_args!:
    // none of it is the crate's own unsafe code; its own macro's unsafe fn would be.
    let lone = crate_json(
        "lone",
        serde_json::json!({
            "functions": [public_fn("lone:f", "lone::f")],
            "declarations": [
                {"kind": "unsafe_impl", "path": "<lone::A as core::clone::TrivialClone>",
                 "span": span(), "detail": "core::clone::TrivialClone",
                 "macro": {"name": "derive(Clone)", "krate": "core", "call_site": span()}},
                {"kind": "unsafe_fn", "path": "lone::generated", "span": span(),
                 "macro": {"name": "make_unsafe", "krate": "other", "call_site": span()}}],
            "unsafe_ops": [{"function": "lone:f", "kind": "call_unsafe_fn", "span": span(),
                            "context": {"kind": "generated_block"},
                            "callee": {"id": "std:new", "path": "core::fmt::Arguments::new"}}]
        }),
    );
    let own_macro = crate_json(
        "own",
        serde_json::json!({
            "declarations": [{"kind": "unsafe_fn", "path": "own::generated", "span": span(),
                              "macro": {"name": "make_unsafe", "krate": "own", "call_site": span()}}]
        }),
    );
    // Calls into sys only through `dyn` (its callee is the trait method, which has no
    // body): not an exact call, and no path to C.
    let dyncall = crate_json(
        "dyncall",
        serde_json::json!({
            "functions": [public_fn("dyncall:h", "dyncall::h")],
            "calls": [call("dyncall:h", "sys:m", "sys", "dyn")]
        }),
    );
    let graph = link_graphs(vec![sys, wrap, app, lone, own_macro, dyncall]);
    let keys = ["sys", "wrap", "app", "lone", "own", "dyncall"]
        .map(|k| format!("{k}@1.0.0"))
        .into_iter()
        .collect();
    let f = figures(&graph, Population::Keys(&keys));
    assert_eq!(f.crates, 6);
    let share = |crates: u64| Share {
        crates,
        percent: (crates as f64 * 10000.0 / 6.0).round() / 100.0,
    };
    // sys (its block) and own (its own macro's unsafe fn).
    assert_eq!(f.uses_unsafe, share(2));
    assert_eq!(f.user_unsafe_blocks, share(1));
    assert_eq!(f.has_unsafe_ops, share(2));
    // wrap calls sys directly; app only through wrap; dyncall only through dyn.
    assert_eq!(f.calls_unsafe_crate, share(1));
    // sys, wrap and app reach the foreign call by exact calls.
    assert_eq!(f.reaches_ffi, share(3));
    assert_eq!(f.unsafe_ops_by_kind["call_unsafe_fn"], 2);
    assert_eq!(f.unsafe_ops_by_context["generated_block"], 1);
    assert_eq!(f.top_by_ffi_imports, [("sys@1.0.0".to_string(), 1)]);
    assert_eq!(
        f.most_called_unsafe_fns,
        [CalledUnsafeFn {
            path: "sys::ffi::c_fn".into(),
            crates: 1,
            call_sites: 1
        }]
    );
    // A population without sys: its figures are not counted, its code is still reached.
    let keys = ["wrap", "app"]
        .map(|k| format!("{k}@1.0.0"))
        .into_iter()
        .collect();
    let f = figures(&graph, Population::Keys(&keys));
    assert_eq!(
        (f.crates, f.reaches_ffi.crates, f.uses_unsafe.crates),
        (2, 2, 0)
    );
    assert_eq!(f.calls_unsafe_crate.crates, 1);
}

/// `docs/figures.md` has a section per figure whose text is the definition the code uses.
#[test]
fn docs_define_every_figure_as_the_code_does() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/figures.md"))
        .unwrap();
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let docs = flat(&docs);
    for (name, definition) in DEFINITIONS {
        assert!(
            docs.contains(&format!("`{name}`")),
            "docs/figures.md lacks `{name}`"
        );
        assert!(
            docs.contains(&flat(definition)),
            "docs/figures.md does not define `{name}` as the code does: {definition}"
        );
    }
}
