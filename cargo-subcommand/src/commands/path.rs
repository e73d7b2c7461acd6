//! `cargo painter path GRAPH --from PATTERN --to unsafe|ffi|PATTERN`: call paths, shortest
//! first, each call with its kind and call-site span; candidate hops marked. The search is
//! `painter_query::reach`; this file only prints.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use anyhow::{Result, bail};
use painter_query::graph::{CallGraph, Node, Step};
use painter_query::{CandidateMode, Edges, PathLimits, Target, call_graph_with, reach};
use painter_schema::{LinkedGraph, UnsafeOp};
use serde_json::{Value, json};

use super::load_graph;
use crate::cli::{PathArgs, PathFormat};

/// Ops listed under a path that ends in unsafe code, before `(+N more)`.
const OPS_SHOWN: usize = 3;

pub fn run(args: &PathArgs) -> Result<ExitCode> {
    let graph = load_graph(&args.graph)?;
    let (mode, edges) = if args.candidates {
        (CandidateMode::Include, Edges::WithCandidates)
    } else {
        (CandidateMode::Exclude, Edges::Exact)
    };
    let cg = call_graph_with(&graph, mode);
    let starts = cg.find(&args.from);
    if starts.is_empty() {
        bail!(
            "no function in {} matches `{}`",
            args.graph.display(),
            args.from
        );
    }
    let target = Target::parse(&args.to).map_err(anyhow::Error::msg)?;
    if let Target::Functions(pattern) = &target
        && cg.find(pattern).is_empty()
    {
        bail!(
            "no function in {} matches `{pattern}`",
            args.graph.display()
        );
    }
    let reach = reach(&cg, &target, edges);
    let limits = PathLimits {
        max_paths: args.max_paths,
        max_depth: args.max_depth,
        ..PathLimits::default()
    };
    let paths = reach.paths(&cg, &starts, limits);
    let what = match &target {
        Target::Unsafe => "unsafe code".to_string(),
        Target::UnsafeKind(kind) => format!("a `{kind}` unsafe op"),
        Target::Ffi => "an FFI call".to_string(),
        Target::Functions(p) => format!("`{p}`"),
    };
    let edges_text = if args.candidates {
        "exact and candidate calls"
    } else {
        "exact calls only"
    };
    let text = match args.format {
        PathFormat::Json => {
            let json = json!({
                "from": args.from,
                "to": args.to,
                "candidates": args.candidates,
                "paths": paths.iter().map(|p| path_json(&graph, &cg, p, &starts, &target))
                    .collect::<Vec<_>>(),
            });
            serde_json::to_string_pretty(&json)? + "\n"
        }
        PathFormat::Text if paths.is_empty() => String::new(),
        PathFormat::Text => {
            let mut out = format!(
                "{} path{} from `{}` to {what} ({edges_text}), shortest first\n",
                paths.len(),
                if paths.len() == 1 { "" } else { "s" },
                args.from
            );
            for (i, path) in paths.iter().enumerate() {
                render_path(&mut out, &graph, &cg, i + 1, path, &starts, &target);
            }
            out
        }
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if paths.is_empty() {
        eprintln!(
            "no call path from `{}` to {what} within {} calls ({edges_text}{})",
            args.from,
            args.max_depth,
            if args.candidates {
                ""
            } else {
                "; --candidates also follows dyn, fn-pointer and generic calls"
            }
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn node_label(node: &Node<'_>) -> String {
    let place = match (node.crate_key, node.external_crate) {
        (Some(key), _) => key.to_string(),
        (None, Some(name)) => format!("external: {name}"),
        (None, None) => "not in the graph".to_string(),
    };
    let path = if node.path.is_empty() {
        node.id
    } else {
        node.path
    };
    let foreign = if node.foreign { ", foreign" } else { "" };
    format!("{path}  [{place}{foreign}]")
}

fn render_path(
    out: &mut String,
    graph: &LinkedGraph,
    cg: &CallGraph<'_>,
    number: usize,
    path: &[Step<'_>],
    starts: &[petgraph::graph::NodeIndex],
    target: &Target,
) {
    let first = path.first().map_or(starts[0], |s| s.from);
    let start = match path.first() {
        Some(_) => first,
        // A start that is a target itself: find which one.
        None => *starts
            .iter()
            .find(|&&n| target.matches(cg, n))
            .unwrap_or(&first),
    };
    let calls = path.len();
    let _ = writeln!(
        out,
        "\n#{number}  {calls} call{}",
        if calls == 1 { "" } else { "s" }
    );
    let _ = writeln!(out, "    {}", node_label(cg.node(start)));
    for step in path {
        let call = step.call;
        let candidate = match step.candidate {
            Some(c) if painter_query::is_instance(c) => "  (via instantiation)".to_string(),
            Some(c) => format!("  (candidate: {})", c.reason),
            None => String::new(),
        };
        let _ = writeln!(out, "      --{}--> at {}{candidate}", call.kind, call.span);
        let _ = writeln!(out, "    {}", node_label(cg.node(step.to)));
    }
    let end = path.last().map_or(start, |s| s.to);
    {
        let ops = ops_of(graph, cg.node(end), target);
        for op in ops.iter().take(OPS_SHOWN) {
            let _ = writeln!(out, "      unsafe: {} at {}", op.kind, op.span);
        }
        if ops.len() > OPS_SHOWN {
            let _ = writeln!(out, "      (+{} more)", ops.len() - OPS_SHOWN);
        }
    }
}

/// The unsafe ops of `node` that make it a target (all of them for `unsafe`, those of the
/// kind for `unsafe:<kind>`, none otherwise).
fn ops_of<'g>(graph: &'g LinkedGraph, node: &Node<'_>, target: &Target) -> Vec<&'g UnsafeOp> {
    let kind = match target {
        Target::Unsafe => None,
        Target::UnsafeKind(kind) => Some(*kind),
        _ => return Vec::new(),
    };
    let Some(key) = node.crate_key else {
        return Vec::new();
    };
    graph.crates[key]
        .unsafe_ops
        .iter()
        .filter(|op| op.function == node.id && kind.is_none_or(|k| op.kind == k))
        .collect()
}

fn path_json(
    graph: &LinkedGraph,
    cg: &CallGraph<'_>,
    path: &[Step<'_>],
    starts: &[petgraph::graph::NodeIndex],
    target: &Target,
) -> Value {
    let node = |n: petgraph::graph::NodeIndex| {
        let node = cg.node(n);
        json!({"id": node.id, "path": node.path, "crate": node.crate_key,
               "external": node.external, "foreign": node.foreign})
    };
    let start = match path.first() {
        Some(step) => step.from,
        None => *starts
            .iter()
            .find(|&&n| target.matches(cg, n))
            .unwrap_or(&starts[0]),
    };
    let end = path.last().map_or(start, |s| s.to);
    let mut value = json!({
        "calls": path.len(),
        "start": node(start),
        "steps": path.iter().map(|s| json!({
            "caller": cg.node(s.from).path,
            "callee": node(s.to),
            "kind": s.call.kind,
            "span": s.call.span,
            "candidate": s.candidate.filter(|c| !painter_query::is_instance(c)).map(|c| &c.reason),
            "via": s.candidate.filter(|c| painter_query::is_instance(c)).map(|_| "instantiation"),
        })).collect::<Vec<_>>(),
    });
    let ops = ops_of(graph, cg.node(end), target);
    if !ops.is_empty() {
        value["unsafe_ops"] = json!(ops);
    }
    value
}
