//! Pruning: roots (functions, public API, main) with depth limits, dropped candidates, std
//! internals folded into their public entry points.

#[path = "../../linker/tests/common/mod.rs"]
mod common;

use common::*;
use painter_linker::{link_graphs, to_json_bytes};
use painter_query::{PruneOptions, Roots, prune};
use painter_schema::*;

fn ids(graph: &LinkedGraph) -> Vec<&str> {
    let mut ids: Vec<&str> = graph
        .crates
        .values()
        .flat_map(|k| k.functions.iter().map(|f| f.id.as_str()))
        .collect();
    ids.sort();
    ids
}

#[test]
fn nothing_asked_nothing_removed() {
    let linked = link_graphs(vec![crate_app(), crate_b()]);
    let same = prune(&linked, &PruneOptions::default());
    assert_eq!(to_json_bytes(&linked), to_json_bytes(&same));
}

#[test]
fn roots_keep_what_they_reach_within_the_depth() {
    let linked = link_graphs(vec![crate_app(), crate_b()]);
    let from_compute = PruneOptions {
        roots: Some(Roots {
            functions: vec!["lib_b::compute".into()],
            ..Roots::default()
        }),
        ..PruneOptions::default()
    };
    let pruned = prune(&linked, &from_compute);
    // app is not reached from compute and disappears with its records.
    assert_eq!(ids(&pruned), [B_COMPUTE, B_WRAPPER, B_WRITE]);
    assert!(!pruned.crates.contains_key(APP));
    assert_eq!(pruned.stats.unsafe_ops, 1);

    let shallow = PruneOptions {
        roots: Some(Roots {
            main: true,
            max_depth: Some(1),
            ..Roots::default()
        }),
        ..PruneOptions::default()
    };
    let pruned = prune(&linked, &shallow);
    assert_eq!(ids(&pruned), [APP_MAIN, APP_HELPER, B_COMPUTE]);
    // compute's call of the pruned ffi_wrapper went; its call of std (outside the graph)
    // stays; ffi_wrapper's import and unsafe op went with it.
    let b = &pruned.crates[LIB_B];
    let callees: Vec<&str> = b.calls.iter().map(|c| c.callee_path.as_str()).collect();
    assert_eq!(callees, ["std::vec::Vec::<T, A>::push"]);
    assert!(b.ffi.imports.is_empty() && b.unsafe_ops.is_empty());
    // The record of B_WRITE's declaration went with it.
    assert!(b.declarations.is_empty());
}

#[test]
fn public_api_roots() {
    let mut b = crate_b();
    b.functions[1].public = false; // ffi_wrapper
    b.functions[2].public = false; // sys::write
    let linked = link_graphs(vec![crate_app(), b]);
    let pruned = prune(
        &linked,
        &PruneOptions {
            roots: Some(Roots {
                public_api_of: vec!["lib_b".into()],
                max_depth: Some(1),
                ..Roots::default()
            }),
            ..PruneOptions::default()
        },
    );
    assert_eq!(ids(&pruned), [B_COMPUTE, B_WRAPPER]);
}

#[test]
fn dropped_candidates_leave_no_trace() {
    let mut app = crate_app();
    app.calls[3].detail = Some("fn(i32) -> i32".into());
    app.address_taken.push(AddressTaken {
        configs: Vec::new(),
        dyn_ty: None,
        passed_to: None,
        function: APP_MAIN.into(),
        kind: AddressTakenKind::FnPtr,
        target: Some(APP_HELPER.into()),
        target_path: Some("app::helper".into()),
        signature: Some("fn(i32) -> i32".into()),
        self_ty: None,
        trait_id: None,
        trait_path: None,
        span: span("src/lib.rs", 9),
    });
    let linked = link_graphs(vec![app, crate_b()]);
    assert_eq!(linked.candidate_sets.len(), 1);
    let pruned = prune(
        &linked,
        &PruneOptions {
            drop_candidates: true,
            ..PruneOptions::default()
        },
    );
    assert!(pruned.candidate_sets.is_empty());
    assert!(
        pruned.crates[APP]
            .calls
            .iter()
            .all(|c| c.candidates.is_none())
    );
}

/// A tiny analysed `core`: the public `Vec::push`-like entry calls a private `grow`, which
/// dereferences a raw pointer and calls the public `alloc`.
#[test]
fn std_internals_fold_into_public_entry_points() {
    let mut core = empty_crate(info("core", "0.0.0", "cccc", false));
    core.functions = vec![
        function(STD_PUSH, "core::push", FunctionKind::Fn, 1),
        Function {
            public: false,
            ..function("cccc:78", "core::grow", FunctionKind::Fn, 2)
        },
        function("cccc:79", "core::alloc", FunctionKind::Fn, 3),
    ];
    core.calls = vec![
        call(
            STD_PUSH,
            Some("cccc:78"),
            "core::grow",
            "core",
            CallKind::Static,
            1,
        ),
        call(
            "cccc:78",
            Some("cccc:79"),
            "core::alloc",
            "core",
            CallKind::Static,
            2,
        ),
    ];
    core.unsafe_ops = vec![op("cccc:78", UnsafeOpKind::DerefRawPointer, 2)];
    core.recount();
    let linked = link_graphs(vec![crate_app(), crate_b(), core]);
    let pruned = prune(
        &linked,
        &PruneOptions {
            collapse_std: true,
            ..PruneOptions::default()
        },
    );
    let core = &pruned.crates["core@0.0.0"];
    let paths: Vec<&str> = core.functions.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["core::alloc", "core::push"]);
    // push took over grow's op and its call of alloc.
    assert_eq!(core.unsafe_ops.len(), 1);
    assert_eq!(core.unsafe_ops[0].function, STD_PUSH);
    assert_eq!(core.calls.len(), 1);
    assert_eq!(
        (
            core.calls[0].caller.as_str(),
            core.calls[0].callee.as_deref()
        ),
        (STD_PUSH, Some("cccc:79"))
    );
    let push = core.functions.iter().find(|f| f.id == STD_PUSH).unwrap();
    assert_eq!(push.unsafe_ops, 1);
}
