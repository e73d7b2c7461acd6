//! `cargo painter --configuration`: one run analyses several feature sets, and every fact of the
//! linked graph says in which configurations it holds (tests/fixtures/configurations).

use painter_schema::{CallKind, CrateGraph, UnsafeOpKind};
use painter_tests::{assert_success, cargo_painter, crate_graphs, linked_graph, scratch_fixture};

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn function_configs<'a>(krate: &'a CrateGraph, path: &str) -> Vec<&'a str> {
    let f = krate
        .functions
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no function {path}"));
    strs(&f.configs)
}

#[test]
fn configurations_are_merged_and_tagged() {
    let dir = scratch_fixture("configurations");
    let output = cargo_painter(
        dir.path(),
        &[
            "--configuration",
            "default",
            "--configuration",
            "extra=--features extra",
        ],
    );
    assert_success(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("configuration default: 1 crates")
            && stdout.contains("configuration extra: 2 crates"),
        "{stdout}"
    );

    let out = dir.path().join("target/painter");
    let graph = linked_graph(&out.join("graph"));
    let described: Vec<(&str, Vec<&str>)> = graph
        .configurations
        .iter()
        .map(|c| (c.name.as_str(), strs(&c.cargo_args)))
        .collect();
    assert_eq!(
        described,
        [("default", vec![]), ("extra", vec!["--features", "extra"])]
    );

    // The fixture: both copies merged into one crate, one id space.
    let krate = &graph.crates["configurations@0.1.0"];
    assert_eq!(strs(&krate.krate.configurations), ["default", "extra"]);
    assert_eq!(function_configs(krate, "configurations::entry"), [""; 0]);
    assert_eq!(function_configs(krate, "configurations::render"), ["extra"]);
    // `variant` is defined twice, once per configuration, under one path: one node.
    assert_eq!(function_configs(krate, "configurations::variant"), [""; 0]);
    let ids: std::collections::BTreeSet<&str> = krate
        .functions
        .iter()
        .map(|f| f.id.split_once(':').unwrap().0)
        .collect();
    assert_eq!(ids.len(), 1, "copies keep separate id spaces: {ids:?}");

    // The raw-pointer read exists with `extra` only; the calls of `entry` everywhere.
    let derefs: Vec<Vec<&str>> = krate
        .unsafe_ops
        .iter()
        .filter(|o| o.kind == UnsafeOpKind::DerefRawPointer)
        .map(|o| strs(&o.configs))
        .collect();
    assert_eq!(derefs, [vec!["extra"]]);
    let entry_calls: Vec<(&str, Vec<&str>)> = krate
        .calls
        .iter()
        .filter(|c| c.callee_path.starts_with("configurations::") && c.kind == CallKind::Static)
        .map(|c| (c.callee_path.as_str(), strs(&c.configs)))
        .collect();
    assert!(
        entry_calls.contains(&("configurations::common", vec![]))
            && entry_calls.contains(&("configurations::variant", vec![])),
        "{entry_calls:?}"
    );
    // The call into the optional dependency holds in `extra` and lands on its crate.
    let into_itoa: Vec<_> = krate
        .calls
        .iter()
        .filter(|c| c.callee_crate == "itoa")
        .collect();
    assert!(!into_itoa.is_empty());
    for call in &into_itoa {
        assert_eq!(strs(&call.configs), ["extra"], "{call:?}");
    }
    assert!(into_itoa.iter().any(|c| {
        c.target_crate
            .as_deref()
            .is_some_and(|k| k.starts_with("itoa@"))
    }));

    // The optional dependency is analysed in `extra` only; its records need no tags.
    let (_, itoa) = graph
        .crates
        .iter()
        .find(|(k, _)| k.starts_with("itoa@"))
        .expect("itoa is in the graph");
    assert_eq!(strs(&itoa.krate.configurations), ["extra"]);
    assert!(itoa.functions.iter().all(|f| f.configs.is_empty()));

    // The per-crate files name the configurations that built them.
    let files = crate_graphs(&out);
    let mut named: Vec<(String, Vec<String>)> = files
        .iter()
        .map(|g| (g.krate.package.clone(), g.krate.configurations.clone()))
        .collect();
    named.sort();
    assert_eq!(
        named,
        [
            ("configurations".into(), vec!["default".into()]),
            ("configurations".into(), vec!["extra".into()]),
            ("itoa".into(), vec!["extra".into()]),
        ]
    );

    // A run of one configuration afterwards leaves no tags and no stale files behind.
    assert_success(&cargo_painter(dir.path(), &[]));
    let graph = linked_graph(&out.join("graph"));
    assert!(graph.configurations.is_empty());
    assert_eq!(graph.crates.len(), 1);
    assert!(
        graph.crates["configurations@0.1.0"]
            .krate
            .configurations
            .is_empty()
    );
}

#[test]
fn bad_configurations_are_refused_before_building() {
    let dir = scratch_fixture("configurations");
    for (args, expected) in [
        (
            vec!["--configuration", "fast"],
            "`fast` is neither NAME=FLAGS",
        ),
        (
            vec!["--configuration", "rel=--release"],
            "configuration `rel`",
        ),
        (
            vec!["--configuration", "default", "--configuration", "default="],
            "configuration `default` is given twice",
        ),
    ] {
        let output = cargo_painter(dir.path(), &args);
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!dir.path().join("target/painter/graph").exists());
    }
}
