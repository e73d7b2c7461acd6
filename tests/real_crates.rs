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
    let graph = linked_graph(&out.join("graph"));
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
    // The binary calls libc::getpid (defined in libc::unix): an FFI edge.
    let root = graph
        .crates
        .values()
        .find(|g| g.krate.package == "real-crates")
        .unwrap();
    assert!(
        root.calls
            .iter()
            .any(|c| c.kind == CallKind::Ffi && c.callee_path == "libc::unix::getpid")
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

    // Every call resolved into another crate lands on a function node of that crate.
    let nodes: std::collections::HashMap<&str, &str> = graph
        .crates
        .iter()
        .flat_map(|(key, k)| {
            k.functions
                .iter()
                .map(move |f| (f.id.as_str(), key.as_str()))
        })
        .collect();
    let mut cross = 0;
    for (key, krate) in &graph.crates {
        for call in &krate.calls {
            if let Some(target) = call.target_crate.as_deref().filter(|t| t != key) {
                cross += 1;
                let callee = call.callee.as_deref().unwrap();
                assert_eq!(nodes.get(callee), Some(&target), "{key}: {call:?}");
            }
        }
    }
    assert!(cross > 500, "{cross} cross-crate calls");

    paths_into_dependencies(&out.join("graph"));
}

/// `cargo painter path` on the real tree: from the binary's `main` to a raw-pointer
/// dereference inside a dependency (regex's pool, smallvec, …), and to libc's C `getpid`.
fn paths_into_dependencies(graph: &std::path::Path) {
    let path = |to: &str| {
        let output = std::process::Command::new(&painter_tests::binaries().cargo_painter)
            .args(["painter", "path"])
            .arg(graph)
            .args([
                "--from",
                "real_crates::main",
                "--to",
                to,
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        assert_success(&output);
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };
    let deref = path("unsafe:deref_raw_pointer");
    let first = &deref["paths"][0];
    let steps = first["steps"].as_array().unwrap();
    assert!(steps.len() >= 2, "{first}");
    // The chain leaves the workspace crate and ends in a dependency's body with the deref.
    let end_crate = steps.last().unwrap()["callee"]["crate"].as_str().unwrap();
    assert!(!end_crate.starts_with("real-crates@"), "{first}");
    let ops = first["unsafe_ops"].as_array().unwrap();
    assert!(ops.iter().all(|op| op["kind"] == "deref_raw_pointer") && !ops.is_empty());
    for step in steps {
        assert!(step["span"]["line"].as_u64().unwrap() > 0, "{step}");
    }
    let ffi = path("ffi");
    let first = &ffi["paths"][0]["steps"];
    assert_eq!(first[0]["kind"], "ffi");
    assert_eq!(first[0]["callee"]["path"], "libc::unix::getpid");
    assert_eq!(first[0]["callee"]["foreign"], true);
}
