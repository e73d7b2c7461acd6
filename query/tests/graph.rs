//! The call-graph view: lookups and shortest call chains.

#[path = "../../linker/tests/common/mod.rs"]
mod common;

use common::*;
use painter_linker::link_graphs;
use painter_query::call_graph;
use painter_schema::CallKind;

#[test]
fn lookups_by_id_exact_path_and_pattern() {
    let linked = link_graphs(vec![crate_app(), crate_b()]);
    let cg = call_graph(&linked);
    // 5 functions + the external `Vec::push`.
    assert_eq!(cg.graph.node_count(), 6);
    // Every call with a callee id is an edge (the fn-pointer call is not).
    assert_eq!(cg.graph.edge_count(), 6);

    let compute = cg.by_id(B_COMPUTE).unwrap();
    assert_eq!(cg.node(compute).path, "lib_b::compute");
    assert_eq!(cg.node(compute).crate_key, Some(LIB_B));
    assert_eq!(cg.by_path("lib_b::compute"), [compute]);
    assert!(cg.by_path("lib_b::comp").is_empty());

    let push = cg.by_id(STD_PUSH).unwrap();
    assert!(cg.node(push).external);
    assert_eq!(cg.node(push).crate_key, None);

    let mut matched: Vec<&str> = cg
        .matching("lib_b::")
        .into_iter()
        .map(|n| cg.node(n).path)
        .collect();
    matched.sort();
    assert_eq!(
        matched,
        ["lib_b::compute", "lib_b::ffi_wrapper", "lib_b::sys::write"]
    );

    assert_eq!(cg.node(cg.by_id(APP_HELPER).unwrap()).unsafe_ops, 1);
    assert!(cg.node(cg.by_id(B_WRITE).unwrap()).foreign);
}

#[test]
fn shortest_path_to_ffi_crosses_crates() {
    let linked = link_graphs(vec![crate_app(), crate_b()]);
    let cg = call_graph(&linked);
    let main = cg.by_id(APP_MAIN).unwrap();

    let chain = cg
        .shortest_path(&[main], |n| n.foreign)
        .expect("main reaches C");
    let hops: Vec<(&str, &str)> = chain
        .iter()
        .map(|s| (cg.node(s.from).path, cg.node(s.to).path))
        .collect();
    assert_eq!(
        hops,
        [
            ("app::main", "lib_b::compute"),
            ("lib_b::compute", "lib_b::ffi_wrapper"),
            ("lib_b::ffi_wrapper", "lib_b::sys::write"),
        ]
    );
    assert_eq!(chain[0].call.target_crate.as_deref(), Some(LIB_B));
    assert_eq!(chain[0].call.span.line, 3);
    assert_eq!(chain[2].call.kind, CallKind::Ffi);
}

#[test]
fn shortest_path_prefers_fewer_calls() {
    let linked = link_graphs(vec![crate_app(), crate_b()]);
    let cg = call_graph(&linked);
    let main = cg.by_id(APP_MAIN).unwrap();
    // Both helper (1 call away) and ffi_wrapper (2 calls away) contain unsafe ops.
    let chain = cg.shortest_path(&[main], |n| n.unsafe_ops > 0).unwrap();
    assert_eq!(chain.len(), 1);
    assert_eq!(cg.node(chain[0].to).path, "app::helper");
}

#[test]
fn shortest_path_edge_cases() {
    let linked = link_graphs(vec![crate_app(), crate_b()]);
    let cg = call_graph(&linked);
    let main = cg.by_id(APP_MAIN).unwrap();
    let write = cg.by_id(B_WRITE).unwrap();
    // A start that already matches: an empty chain.
    assert_eq!(
        cg.shortest_path(&[main], |n| n.path == "app::main")
            .unwrap()
            .len(),
        0
    );
    // Nothing is reachable from a leaf, and nothing calls main.
    assert!(
        cg.shortest_path(&[write], |n| n.path == "app::main")
            .is_none()
    );
    // Several starts: the nearest match from any of them.
    let compute = cg.by_id(B_COMPUTE).unwrap();
    let chain = cg
        .shortest_path(&[main, compute], |n| n.path == "lib_b::ffi_wrapper")
        .unwrap();
    assert_eq!(chain.len(), 1);
    assert_eq!(chain[0].from, compute);
}
