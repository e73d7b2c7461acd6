//! `cargo painter` on a small project depending on real crates.io crates (regex, flate2, libc,
//! smallvec, serde_json): every crate of the tree gets a graph with real content, and the facts
//! we know these crates have are there.

use painter_schema::{CallKind, Status, UnsafeOpKind};
use painter_tests::{assert_success, cargo_painter, crate_graphs, linked_graph, scratch_fixture};

/// The libraries of the tree that must have graphs with real content.
const LIBRARIES: [&str; 8] = [
    "regex",
    "regex-syntax",
    "flate2",
    "libc",
    "smallvec",
    "serde_json",
    "memchr",
    "miniz_oxide",
];

#[test]
fn real_dependency_tree() {
    let dir = scratch_fixture("real-crates");
    let output = cargo_painter(dir.path(), &["--locked"]);
    assert_success(&output);
    let out = dir.path().join("target/painter");
    let graphs = crate_graphs(&out);
    let packages: std::collections::BTreeSet<&str> =
        graphs.iter().map(|g| g.krate.package.as_str()).collect();
    for expected in std::iter::once("real-crates").chain(LIBRARIES) {
        assert!(
            packages.contains(expected),
            "no graph for {expected}: {packages:?}"
        );
    }
    for graph in &graphs {
        assert_eq!(
            graph.status,
            Status::Ok,
            "{}: {:?}",
            graph.krate.key(),
            graph.error
        );
    }
    for package in LIBRARIES {
        let graph = graphs
            .iter()
            .find(|g| g.krate.package == package && g.krate.kind == "lib")
            .unwrap();
        assert!(
            graph.functions.len() > 20 && graph.calls.len() > 20,
            "{} has no real content",
            graph.krate.key()
        );
    }
    let get = |package: &str| {
        graphs
            .iter()
            .find(|g| g.krate.package == package && g.krate.kind == "lib")
            .unwrap()
    };

    // memchr is SIMD code: hundreds of unsafe pointer-method calls and calls of
    // `#[target_feature]` fns from bodies that check the CPU at run time.
    let memchr = get("memchr");
    let count = |kind| {
        memchr
            .unsafe_ops
            .iter()
            .filter(|op| op.kind == kind)
            .count()
    };
    assert!(
        count(UnsafeOpKind::CallUnsafeFn) > 100,
        "{:?}",
        memchr.counts.unsafe_ops_by_kind
    );
    assert!(
        count(UnsafeOpKind::CallTargetFeatureFn) > 0,
        "{:?}",
        memchr.counts.unsafe_ops_by_kind
    );
    // libc declares the C library: foreign fns, no bodies.
    let libc = get("libc");
    assert!(
        libc.functions
            .iter()
            .filter(|f| f.kind == painter_schema::FunctionKind::ForeignFn)
            .count()
            > 100
    );
    // flate2 calls into its deflate backend (miniz_oxide by default): resolved edges across crates.
    let graph = linked_graph(&out.join("graph.json"));
    let flate2 = graph
        .crates
        .values()
        .find(|g| g.krate.package == "flate2")
        .unwrap();
    let into_backend = flate2
        .calls
        .iter()
        .filter(|c| {
            c.target_crate
                .as_deref()
                .is_some_and(|k| k.starts_with("miniz_oxide@"))
        })
        .count();
    assert!(into_backend > 0, "flate2 calls miniz_oxide");
    // The binary calls libc::getpid: an FFI edge.
    let root = graph
        .crates
        .values()
        .find(|g| g.krate.package == "real-crates")
        .unwrap();
    assert!(
        root.calls
            .iter()
            .any(|c| c.kind == CallKind::Ffi && c.callee_path == "libc::getpid")
    );
    assert!(root.ffi.imports.iter().any(|i| i.symbol == "getpid"));
    // Dynamic dispatch and trait calls exist somewhere in the tree.
    let all_calls = graph.crates.values().flat_map(|g| &g.calls);
    let kinds: std::collections::BTreeSet<CallKind> = all_calls.map(|c| c.kind).collect();
    for kind in [
        CallKind::Static,
        CallKind::TraitResolved,
        CallKind::TraitGeneric,
        CallKind::Dyn,
        CallKind::Closure,
        CallKind::Drop,
        CallKind::Ffi,
    ] {
        assert!(kinds.contains(&kind), "no {kind} call in the tree");
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("memchr@") && stdout.contains("total"),
        "summary table: {stdout}"
    );
}
