//! Reachability for every function at once, witnesses, and several paths shortest first.

#[path = "../../linker/tests/common/mod.rs"]
mod common;

use common::*;
use painter_linker::link_graphs;
use painter_query::{CandidateMode, Edges, PathLimits, Target, call_graph, call_graph_with, reach};
use painter_schema::*;

#[test]
fn every_function_knows_whether_it_reaches_ffi() {
    let linked = link_graphs(vec![crate_app(), crate_b()]);
    let cg = call_graph(&linked);
    let r = reach(&cg, &Target::Ffi, Edges::Exact);
    let dist = |id: &str| r.distance(cg.by_id(id).unwrap());
    assert_eq!(dist(APP_MAIN), Some(3));
    assert_eq!(dist(B_COMPUTE), Some(2));
    assert_eq!(dist(B_WRAPPER), Some(1));
    assert_eq!(dist(B_WRITE), Some(0));
    assert_eq!(dist(APP_HELPER), None);
    assert_eq!(dist(STD_PUSH), None);
    // main, compute, wrapper and the C function itself.
    assert_eq!(r.count(), 4);

    let witness = r.witness(&cg, cg.by_id(APP_MAIN).unwrap()).unwrap();
    let hops: Vec<&str> = witness.iter().map(|s| cg.node(s.to).path).collect();
    assert_eq!(
        hops,
        ["lib_b::compute", "lib_b::ffi_wrapper", "lib_b::sys::write"]
    );
    assert_eq!(witness[2].call.kind, CallKind::Ffi);
    assert!(r.witness(&cg, cg.by_id(APP_HELPER).unwrap()).is_none());
}

#[test]
fn targets_parse_and_select() {
    assert_eq!(Target::parse("unsafe"), Ok(Target::Unsafe));
    assert_eq!(Target::parse("ffi"), Ok(Target::Ffi));
    assert_eq!(
        Target::parse("unsafe:deref_raw_pointer"),
        Ok(Target::UnsafeKind(UnsafeOpKind::DerefRawPointer))
    );
    assert!(Target::parse("unsafe:nonsense").is_err());
    assert_eq!(
        Target::parse("lib_b::compute"),
        Ok(Target::Functions("lib_b::compute".into()))
    );

    let linked = link_graphs(vec![crate_app(), crate_b()]);
    let cg = call_graph(&linked);
    let main = cg.by_id(APP_MAIN).unwrap();
    // Only app::helper dereferences a raw pointer; ffi_wrapper calls an unsafe fn.
    let deref = reach(
        &cg,
        &Target::UnsafeKind(UnsafeOpKind::DerefRawPointer),
        Edges::Exact,
    );
    let path = deref.witness(&cg, main).unwrap();
    assert_eq!(cg.node(path[0].to).path, "app::helper");
    let call = reach(
        &cg,
        &Target::UnsafeKind(UnsafeOpKind::CallUnsafeFn),
        Edges::Exact,
    );
    assert_eq!(call.distance(main), Some(2));
    // An exact path wins over substring matches; an id works as a pattern too.
    assert_eq!(cg.find("lib_b::compute").len(), 1);
    assert_eq!(cg.find("lib_b::").len(), 3);
    assert_eq!(cg.find(B_WRITE), [cg.by_id(B_WRITE).unwrap()]);
}

#[test]
fn paths_come_shortest_first_and_respect_limits() {
    let linked = link_graphs(vec![crate_app(), crate_b()]);
    let cg = call_graph(&linked);
    let main = cg.by_id(APP_MAIN).unwrap();
    let r = reach(&cg, &Target::Unsafe, Edges::Exact);
    let paths = r.paths(&cg, &[main], PathLimits::default());
    let ends: Vec<(usize, &str)> = paths
        .iter()
        .map(|p| (p.len(), cg.node(p.last().unwrap().to).path))
        .collect();
    // helper (1 call), then compute -> ffi_wrapper (2 calls); ffi_wrapper is a target, so no
    // path continues through it to the C function.
    assert_eq!(ends, [(1, "app::helper"), (2, "lib_b::ffi_wrapper")]);

    let one = r.paths(
        &cg,
        &[main],
        PathLimits {
            max_paths: 1,
            ..PathLimits::default()
        },
    );
    assert_eq!(one.len(), 1);
    let shallow = r.paths(
        &cg,
        &[main],
        PathLimits {
            max_depth: 1,
            ..PathLimits::default()
        },
    );
    assert_eq!(shallow.len(), 1);
    // A start with unsafe code of its own: a 0-call path first, then what it calls.
    let helper = cg.by_id(APP_HELPER).unwrap();
    let own = r.paths(&cg, &[helper], PathLimits::default());
    assert_eq!(own.len(), 1);
    assert!(own[0].is_empty());
}

/// `app` calls a trait method through `dyn`; only the candidate edge leads to lib-b's impl,
/// which reaches C.
#[test]
fn candidate_edges_are_followed_only_when_asked() {
    let mut app = crate_app();
    app.calls.push(Call {
        trait_method: Some("lib_b::Sink::put".into()),
        detail: Some("dyn lib_b::Sink".into()),
        ..call(
            APP_MAIN,
            Some("bbbb:20"),
            "lib_b::Sink::put",
            "lib_b",
            CallKind::Dyn,
            7,
        )
    });
    let mut b = crate_b();
    b.functions.push(function(
        "bbbb:20",
        "lib_b::Sink::put",
        FunctionKind::TraitMethod,
        30,
    ));
    b.functions.push(Function {
        implements: Some("bbbb:20".into()),
        impl_self_ty: Some("lib_b::File".into()),
        ..function(
            "bbbb:21",
            "<lib_b::File as lib_b::Sink>::put",
            FunctionKind::ImplMethod,
            40,
        )
    });
    b.calls.push(call(
        "bbbb:21",
        Some(B_WRITE),
        "lib_b::sys::write",
        "lib_b",
        CallKind::Ffi,
        41,
    ));
    b.recount();
    let linked = link_graphs(vec![app, b]);
    let cg = call_graph_with(&linked, CandidateMode::Include);
    let main = cg.by_id(APP_MAIN).unwrap();
    let exact = reach(&cg, &Target::Ffi, Edges::Exact);
    let all = reach(&cg, &Target::Ffi, Edges::WithCandidates);
    // Exactly: main -> compute -> wrapper -> write (3). With candidates: main -> impl -> write.
    assert_eq!(exact.distance(main), Some(3));
    assert_eq!(all.distance(main), Some(2));
    let path = all.witness(&cg, main).unwrap();
    assert!(path[0].candidate.is_some());
    assert_eq!(
        cg.node(path[0].to).path,
        "<lib_b::File as lib_b::Sink>::put"
    );
    assert!(exact.witness(&cg, main).unwrap()[0].candidate.is_none());
}
