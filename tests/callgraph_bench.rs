//! The call-graph benchmark (docs/callgraph-benchmark.md): the fixture workspace
//! `tests/fixtures/callgraph-bench` annotates every expected edge at its call site; this test
//! analyses it in both of its configurations, links them, and requires every expected edge to
//! be found (recall 100 % in every category) with at most 5 % extra targets at those sites.

#[path = "callgraph_bench/annotations.rs"]
mod annotations;
#[path = "callgraph_bench/score.rs"]
mod score;

use std::path::Path;

use annotations::{Expected, parse_workspace};
use painter_tests::{assert_success, cargo_painter, linked_graph, scratch_fixture};
use score::{found_edges, score};

/// The configurations analysed: a name (as `cfg[NAME]` annotations use it) and the cargo flags.
/// When `cargo painter --configuration NAME=FLAGS` lands, one run with both replaces the two
/// runs and the link below.
const CONFIGURATIONS: &[(&str, &[&str])] = &[("default", &[]), ("extra", &["--features", "extra"])];

const MIN_PRECISION: f64 = 0.95;

/// `cargo painter` in one configuration, into `<dir>/painter-<name>`; returns that directory.
fn analyse(dir: &Path, name: &str, flags: &[&str]) -> std::path::PathBuf {
    let out = dir.join(format!("painter-{name}"));
    let mut args: Vec<&str> = flags.to_vec();
    let out_arg = out.display().to_string();
    args.extend(["--out", &out_arg]);
    assert_success(&cargo_painter(dir, &args));
    out
}

/// Expected edges of one configuration: those of every configuration plus its own.
fn in_config(expected: &[Expected], name: &str) -> Vec<Expected> {
    expected
        .iter()
        .filter(|e| e.config.as_deref().is_none_or(|c| c == name))
        .cloned()
        .collect()
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

    let outs: Vec<_> = CONFIGURATIONS
        .iter()
        .map(|(name, flags)| (*name, analyse(root, name, flags)))
        .collect();

    // Each configuration alone has its own cfg'd edges and not the other's: both are needed.
    let mut problems = Vec::new();
    for (name, out) in &outs {
        let graph = linked_graph(&out.join("graph.json"));
        let found = found_edges(&graph, root);
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

    // Both configurations merged: every expected edge, and precision at the annotated sites.
    let merged = root.join("merged.json");
    let mut link_args = vec!["link".to_string()];
    link_args.extend(
        outs.iter()
            .map(|(_, out)| out.join("crates").display().to_string()),
    );
    link_args.extend(["-o".to_string(), merged.display().to_string()]);
    let link_args: Vec<&str> = link_args.iter().map(String::as_str).collect();
    assert_success(&cargo_painter(root, &link_args));
    let graph = linked_graph(&merged);
    let result = score(&expected, &found_edges(&graph, root));
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
