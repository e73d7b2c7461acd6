//! Linking in memory: cross-crate resolution, external callees, order independence, merging
//! copies of one crate, stats.

mod common;

use common::*;
use painter_linker::{link_graphs, to_json_bytes};
use painter_schema::*;

#[test]
fn cross_crate_call_is_resolved_to_the_callee_crate() {
    let graph = link_graphs(vec![crate_app(), crate_b()]);
    let to_b = find_call(&graph, APP, APP_MAIN, "lib_b::compute");
    assert_eq!(to_b.target_crate.as_deref(), Some(LIB_B));
    assert!(!to_b.external);
    let internal = find_call(&graph, APP, APP_MAIN, "app::helper");
    assert_eq!(internal.target_crate.as_deref(), Some(APP));
    assert_eq!(graph.stats.calls_cross_crate_resolved, 1);
}

#[test]
fn std_call_is_external_with_one_node_per_callee() {
    let graph = link_graphs(vec![crate_app(), crate_b()]);
    for (key, caller) in [(APP, APP_MAIN), (LIB_B, B_COMPUTE)] {
        let push = find_call(&graph, key, caller, "std::vec::Vec::<T, A>::push");
        assert!(push.external, "{key}");
        assert_eq!(push.target_crate, None);
    }
    // Two calls of `Vec::push`, one node.
    assert_eq!(
        graph.external_functions,
        vec![ExternalFunction {
            id: STD_PUSH.into(),
            path: "std::vec::Vec::<T, A>::push".into(),
            krate: "alloc".into(),
        }]
    );
    assert_eq!(graph.stats.calls_external, 2);
}

#[test]
fn call_without_callee_id_is_left_alone() {
    let graph = link_graphs(vec![crate_app(), crate_b()]);
    let fn_ptr = find_call(&graph, APP, APP_MAIN, "fn(i32) -> i32");
    assert_eq!(
        (fn_ptr.target_crate.as_deref(), fn_ptr.external),
        (None, false)
    );
}

#[test]
fn callee_crate_missing_from_graph_is_external() {
    // Without lib-b, app's call into it has nowhere to land.
    let graph = link_graphs(vec![crate_app()]);
    assert!(find_call(&graph, APP, APP_MAIN, "lib_b::compute").external);
    let ids: Vec<&str> = graph
        .external_functions
        .iter()
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(ids, [B_COMPUTE, STD_PUSH]);
}

#[test]
fn stats_count_the_records() {
    let graph = link_graphs(vec![crate_app(), crate_b()]);
    assert_eq!(
        graph.stats,
        LinkStats {
            crates: 2,
            failed_crates: 0,
            functions: 5,
            calls: 7,
            calls_cross_crate_resolved: 1,
            calls_external: 2,
            unsafe_ops: 2,
        }
    );
    assert_eq!(graph.format, LINKED_FORMAT);
    assert_eq!(graph.schema_version, SCHEMA_VERSION);
}

#[test]
fn input_order_does_not_change_the_bytes() {
    let forward = to_json_bytes(&link_graphs(vec![crate_app(), crate_b()]));
    // Reversed crates and reversed record lists inside each crate.
    let mut app = crate_app();
    app.functions.reverse();
    app.calls.reverse();
    let mut b = crate_b();
    b.calls.reverse();
    b.functions.reverse();
    let backward = to_json_bytes(&link_graphs(vec![b, app]));
    assert_eq!(
        String::from_utf8(forward).unwrap(),
        String::from_utf8(backward).unwrap()
    );
}

#[test]
fn identical_copies_collapse() {
    let once = link_graphs(vec![crate_app(), crate_b()]);
    let twice = link_graphs(vec![crate_b(), crate_app(), crate_b(), crate_app()]);
    assert_eq!(once, twice);
}

/// The same package analysed twice with different features: records are united, functions by
/// id, and the result is independent of which copy came first.
#[test]
fn differing_copies_are_united() {
    let mut b2 = crate_b();
    b2.krate.features = vec!["extra".into()];
    b2.functions
        .push(function("bbbb:13", "lib_b::extra", FunctionKind::Fn, 30));
    b2.calls.push(call(
        "bbbb:13",
        Some(STD_PUSH),
        "std::vec::Vec::<T, A>::push",
        "alloc",
        CallKind::Static,
        31,
    ));
    b2.recount();

    let one = link_graphs(vec![crate_app(), crate_b(), b2.clone()]);
    let other = link_graphs(vec![b2, crate_app(), crate_b()]);
    assert_eq!(to_json_bytes(&one), to_json_bytes(&other));

    let b = &one.crates[LIB_B];
    assert_eq!(b.krate.features, ["default", "extra"]);
    let paths: Vec<&str> = b.functions.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "lib_b::compute",
            "lib_b::extra",
            "lib_b::ffi_wrapper",
            "lib_b::sys::write"
        ]
    );
    // 3 shared calls once each + the new one; counts follow the records.
    assert_eq!(b.calls.len(), 4);
    assert_eq!(b.counts.calls, 4);
    assert_eq!(b.unsafe_ops.len(), 1);
    assert_eq!(one.stats.calls_external, 3);
}

/// A second copy of lib-b (another stable crate id, as built with other features) and the app
/// calling into that copy.
fn app_calling_a_copy_of_b() -> (CrateGraph, CrateGraph) {
    let mut b2 = empty_crate(info("lib-b", "1.2.3", "b2b2", false));
    b2.functions
        .push(function("b2b2:10", "lib_b::compute", FunctionKind::Fn, 1));
    let mut app = crate_app();
    app.calls.push(call(
        APP_MAIN,
        Some("b2b2:10"),
        "lib_b::compute",
        "lib_b",
        CallKind::Static,
        6,
    ));
    (app, b2)
}

/// Copies built with other features have another stable crate id; calls into either copy still
/// resolve to the merged crate.
#[test]
fn calls_into_a_merged_copy_with_another_stable_id_resolve() {
    let (app, b2) = app_calling_a_copy_of_b();

    let graph = link_graphs(vec![app, crate_b(), b2]);
    let targets: Vec<Option<&str>> = graph.crates[APP]
        .calls
        .iter()
        .filter(|c| c.callee_path == "lib_b::compute")
        .map(|c| c.target_crate.as_deref())
        .collect();
    assert_eq!(targets, [Some(LIB_B), Some(LIB_B)]);
    assert_eq!(graph.stats.calls_cross_crate_resolved, 2);
}

#[test]
fn other_versions_stay_separate() {
    let mut b_old = crate_b();
    b_old.krate.version = "1.0.0".into();
    b_old.krate.stable_id = "b0b0".into();
    let graph = link_graphs(vec![crate_app(), crate_b(), b_old]);
    let keys: Vec<&str> = graph.crates.keys().map(String::as_str).collect();
    assert_eq!(keys, [APP, "lib-b@1.0.0", LIB_B]);
}

/// `as_prepared` names the units that are their one input crate as `prepare_unit` leaves it:
/// what `cargo painter` computed from that crate during the build (its encoded files) holds
/// for them. A unit joined from two copies, one whose ids were renamed, or one tagged with
/// configurations is not such a unit.
#[test]
fn as_prepared_units_are_their_one_crate_prepared() {
    let alone = painter_linker::merge_units(vec![crate_app(), crate_b()]);
    let keys: Vec<&str> = alone.as_prepared.iter().map(String::as_str).collect();
    assert_eq!(keys, [APP, LIB_B]);
    for krate in [crate_app(), crate_b()] {
        let mut prepared = krate.clone();
        painter_linker::prepare_unit(&mut prepared);
        assert_eq!(alone.units[&krate.krate.key()], prepared);
    }

    // lib-b twice (another stable id), and the app calling into the copy: renamed.
    let (app, b2) = app_calling_a_copy_of_b();
    let mut tagged = empty_crate(info("other", "1.0.0", "cccc", false));
    tagged.krate.configurations = vec!["default".into()];
    let joined = painter_linker::merge_units(vec![app, crate_b(), b2, tagged]);
    assert_eq!(joined.units.len(), 3);
    assert!(joined.as_prepared.is_empty(), "{:?}", joined.as_prepared);
}
