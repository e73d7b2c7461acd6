//! The call-graph benchmark (docs/callgraph-benchmark.md): the fixture workspace
//! `tests/fixtures/callgraph-bench` annotates every expected edge at its call site; this test
//! analyses it in both of its configurations, links them, and requires every expected edge to
//! be found (recall 100 % in every category) with at most 1 % extra targets at those sites.

#[path = "callgraph_bench/annotations.rs"]
mod annotations;
#[path = "callgraph_bench/public.rs"]
mod public;
#[path = "callgraph_bench/score.rs"]
mod score;

use std::path::Path;

use annotations::{Expected, Mode, parse_workspace};
use painter_schema::LinkedGraph;
use painter_tests::{assert_success, cargo_painter, linked_graph, scratch_fixture};
use score::{exact_edge_targets, found_edges, score};

/// The configurations analysed, as `cfg[NAME]` annotations name them, with their cargo flags.
const CONFIGURATIONS: &[(&str, &str)] = &[("default", ""), ("extra", "--features extra")];

const MIN_PRECISION: f64 = 0.99;

/// One `cargo painter` run over all configurations (`--configuration NAME=FLAGS`); returns
/// its linked graph.
fn analyse(dir: &Path) -> LinkedGraph {
    let specs: Vec<String> = CONFIGURATIONS
        .iter()
        .map(|(name, flags)| format!("{name}={flags}"))
        .collect();
    let mut args = Vec::new();
    for spec in &specs {
        args.extend(["--configuration", spec.as_str()]);
    }
    assert_success(&cargo_painter(dir, &args));
    linked_graph(&dir.join("target/painter/graph"))
}

/// Expected edges of one configuration: those of every configuration plus its own.
fn in_config(expected: &[Expected], name: &str) -> Vec<Expected> {
    expected
        .iter()
        .filter(|e| e.config.as_deref().is_none_or(|c| c == name))
        .cloned()
        .collect()
}

/// docs/callgraph-benchmark.md's claim: every call form of the public benchmark is in the
/// fixture, annotated (so `callgraph_benchmark` requires its edge).
#[test]
fn public_benchmark_forms_are_covered() {
    let root = painter_tests::repo_root().join("tests/fixtures/callgraph-bench");
    let expected = parse_workspace(&root).unwrap_or_else(|e| panic!("bad annotation: {e}"));
    let uncovered = public::uncovered(&root, &expected);
    assert!(
        uncovered.is_empty(),
        "forms of the public benchmark not in the fixture:\n{}",
        uncovered.join("\n")
    );
}

#[test]
fn callgraph_benchmark() {
    let dir = scratch_fixture("callgraph-bench");
    let root = dir.path();
    let expected = parse_workspace(root).unwrap_or_else(|e| panic!("bad annotation: {e}"));
    for e in &expected {
        if let Some(config) = &e.config {
            assert!(
                CONFIGURATIONS.iter().any(|(name, _)| name == config),
                "unknown configuration in `{e}`"
            );
        }
    }

    let graph = analyse(root);

    // Each configuration alone (the records tagged as holding in it) has its own cfg'd edges
    // and not the other's: both are needed.
    let mut problems = Vec::new();
    for (name, _) in CONFIGURATIONS {
        let found = found_edges(&graph, root, Some(name));
        let mine = in_config(&expected, name);
        for e in score(&mine, &found).missing {
            if e.known_miss.is_none() {
                problems.push(format!("configuration {name}: missing {e}"));
            }
        }
        for e in expected.iter().filter(|e| e.config.is_some()) {
            let here = found.iter().any(|f| {
                (f.file.as_str(), f.line, f.mode, f.callee.as_str())
                    == (e.file.as_str(), e.line, e.mode, e.callee.as_str())
            });
            if e.config.as_deref() != Some(name) && here {
                problems.push(format!("configuration {name}: unexpectedly has {e}"));
            }
        }
    }

    // Both configurations: every expected edge, and precision at the annotated sites.
    let result = score(&expected, &found_edges(&graph, root, None));
    println!(
        "call-graph benchmark, both configurations merged:\n{}",
        result.table()
    );
    print!("{}", result.details());

    for row in &result.rows {
        if row.found + row.known_misses < row.expected {
            problems.push(format!(
                "category {}: recall {:.1}% ({} of {}, {} known misses)",
                row.category,
                100.0 * row.recall(),
                row.found,
                row.expected,
                row.known_misses
            ));
        }
    }
    for e in &result.found_known_misses {
        problems.push(format!("known miss now found, drop its marker: {e}"));
    }
    // Every exact edge into the workspace lands on a function node (derived methods included).
    let (landed, dangling) = exact_edge_targets(&graph, root);
    for edge in dangling {
        problems.push(format!("exact edge to no function node: {edge}"));
    }
    for e in expected
        .iter()
        .filter(|e| e.mode == Mode::Exact && e.callee.contains("zoo_"))
    {
        if !landed.contains(&(e.file.clone(), e.line, e.callee.clone())) {
            problems.push(format!(
                "expected edge does not land on a function node: {e}"
            ));
        }
    }
    let total = result.total();
    if total.precision() < MIN_PRECISION {
        problems.push(format!(
            "precision {:.1}% < {:.0}%",
            100.0 * total.precision(),
            100.0 * MIN_PRECISION
        ));
    }
    assert!(
        problems.is_empty(),
        "{}\n{}",
        problems.join("\n"),
        result.details()
    );
}
