//! Ecosystem figures of a linked graph (what `cargo painter stats` prints after the per-crate
//! table): which crates use unsafe code themselves, which call straight into such a crate,
//! which reach FFI, how many public functions reach unsafe code, the crates with the most
//! unsafe operations and the operations by kind. Reachability comes from [`crate::reach`]:
//! one backward search per question for the whole graph.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use painter_schema::{FunctionKind, LinkedGraph};
use serde::Serialize;

use crate::graph::{CandidateMode, call_graph_with};
use crate::reach::{Edges, Reach, Target, reach};

/// How many crates [`EcosystemFigures::top_crates_by_unsafe_ops`] lists.
pub const TOP_CRATES: usize = 10;

/// Graph-wide figures; "with candidates" counts also follow candidate edges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EcosystemFigures {
    pub crates: u64,
    /// Crates with at least one unsafe operation of their own.
    pub crates_using_unsafe: u64,
    /// Crates with a resolved call into another crate that uses unsafe itself.
    pub crates_calling_unsafe_crates: u64,
    /// Crates with a function that reaches a foreign function (exact calls).
    pub crates_reaching_ffi: u64,
    pub crates_reaching_ffi_with_candidates: u64,
    /// Public functions (kind `fn`, `method`, `impl_method`, `trait_method`) of all crates.
    pub public_functions: u64,
    /// Of those, the ones with unsafe operations of their own or calling, transitively, a
    /// function that has some.
    pub public_functions_reaching_unsafe: u64,
    pub public_functions_reaching_unsafe_with_candidates: u64,
    /// `(crate key, unsafe ops)`, most first, ties by key; crates without ops are left out.
    pub top_crates_by_unsafe_ops: Vec<(String, u64)>,
    pub unsafe_ops_by_kind: BTreeMap<String, u64>,
    /// One row per crate, in key order.
    pub per_crate: Vec<CrateFigures>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CrateFigures {
    pub key: String,
    pub uses_unsafe: bool,
    /// Other crates it calls directly that use unsafe themselves.
    pub calls_unsafe_crates: Vec<String>,
    pub reaches_ffi: bool,
    pub public_functions: u64,
    pub public_functions_reaching_unsafe: u64,
}

/// Compute the figures of `graph`.
pub fn ecosystem_figures(graph: &LinkedGraph) -> EcosystemFigures {
    let cg = call_graph_with(graph, CandidateMode::Include);
    let unsafe_exact = reach(&cg, &Target::Unsafe, Edges::Exact);
    let unsafe_all = reach(&cg, &Target::Unsafe, Edges::WithCandidates);
    let ffi_exact = reach(&cg, &Target::Ffi, Edges::Exact);
    let ffi_all = reach(&cg, &Target::Ffi, Edges::WithCandidates);

    let using_unsafe: BTreeSet<&str> = graph
        .crates
        .iter()
        .filter(|(_, k)| !k.unsafe_ops.is_empty())
        .map(|(key, _)| key.as_str())
        .collect();
    let mut per_crate: BTreeMap<&str, CrateFigures> = graph
        .crates
        .iter()
        .map(|(key, krate)| {
            let calls_unsafe_crates: BTreeSet<&str> = krate
                .calls
                .iter()
                .filter_map(|c| c.target_crate.as_deref())
                .filter(|target| target != key && using_unsafe.contains(target))
                .collect();
            let row = CrateFigures {
                key: key.clone(),
                uses_unsafe: using_unsafe.contains(key.as_str()),
                calls_unsafe_crates: calls_unsafe_crates.into_iter().map(String::from).collect(),
                ..CrateFigures::default()
            };
            (key.as_str(), row)
        })
        .collect();

    let mut figures = EcosystemFigures {
        crates: graph.crates.len() as u64,
        ..EcosystemFigures::default()
    };
    let mut ffi_with_candidates: BTreeSet<&str> = BTreeSet::new();
    for node in cg.graph.node_indices() {
        let n = cg.node(node);
        let (Some(key), Some((function, _))) = (n.crate_key, n.function) else {
            continue;
        };
        let row = per_crate.get_mut(key).expect("every crate has a row");
        // A foreign declaration is the FFI boundary itself, not a function that reaches it.
        if !n.foreign {
            row.reaches_ffi |= calls_target(&ffi_exact, node);
            if calls_target(&ffi_all, node) {
                ffi_with_candidates.insert(key);
            }
        }
        let api = matches!(
            function.kind,
            FunctionKind::Fn
                | FunctionKind::Method
                | FunctionKind::ImplMethod
                | FunctionKind::TraitMethod
        );
        if function.public && api {
            row.public_functions += 1;
            figures.public_functions += 1;
            if unsafe_exact.reaches(node) {
                row.public_functions_reaching_unsafe += 1;
                figures.public_functions_reaching_unsafe += 1;
            }
            if unsafe_all.reaches(node) {
                figures.public_functions_reaching_unsafe_with_candidates += 1;
            }
        }
    }

    figures.per_crate = per_crate.into_values().collect();
    figures.crates_using_unsafe = using_unsafe.len() as u64;
    figures.crates_calling_unsafe_crates = figures
        .per_crate
        .iter()
        .filter(|r| !r.calls_unsafe_crates.is_empty())
        .count() as u64;
    figures.crates_reaching_ffi = figures.per_crate.iter().filter(|r| r.reaches_ffi).count() as u64;
    figures.crates_reaching_ffi_with_candidates = ffi_with_candidates.len() as u64;

    let mut top: Vec<(String, u64)> = graph
        .crates
        .iter()
        .filter(|(_, k)| !k.unsafe_ops.is_empty())
        .map(|(key, k)| (key.clone(), k.unsafe_ops.len() as u64))
        .collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    top.truncate(TOP_CRATES);
    figures.top_crates_by_unsafe_ops = top;
    for krate in graph.crates.values() {
        for op in &krate.unsafe_ops {
            *figures
                .unsafe_ops_by_kind
                .entry(op.kind.to_string())
                .or_default() += 1;
        }
    }
    figures
}

/// Reaches a target through at least one call (its own ops or foreign-ness do not count).
fn calls_target(reach: &Reach, node: petgraph::graph::NodeIndex) -> bool {
    reach.distance(node).is_some_and(|d| d > 0)
}

/// The figures as text, for the end of `cargo painter stats`.
pub fn render_figures(f: &EcosystemFigures) -> String {
    let mut out = String::from("\necosystem\n");
    let pct = |n: u64, of: u64| {
        if of == 0 {
            String::new()
        } else {
            format!(" ({:.1}%)", 100.0 * n as f64 / of as f64)
        }
    };
    let lines = [
        (
            "crates using unsafe themselves",
            f.crates_using_unsafe,
            f.crates,
        ),
        (
            "crates calling into a crate that uses unsafe",
            f.crates_calling_unsafe_crates,
            f.crates,
        ),
        ("crates reaching FFI", f.crates_reaching_ffi, f.crates),
        (
            "  with candidate edges",
            f.crates_reaching_ffi_with_candidates,
            f.crates,
        ),
        (
            "public functions reaching unsafe",
            f.public_functions_reaching_unsafe,
            f.public_functions,
        ),
        (
            "  with candidate edges",
            f.public_functions_reaching_unsafe_with_candidates,
            f.public_functions,
        ),
    ];
    for (label, n, of) in lines {
        let _ = writeln!(out, "  {label:<46} {n:>8} of {of}{}", pct(n, of));
    }
    if !f.top_crates_by_unsafe_ops.is_empty() {
        out.push_str("top crates by unsafe ops\n");
        for (key, n) in &f.top_crates_by_unsafe_ops {
            let _ = writeln!(out, "  {key:<46} {n:>8}");
        }
    }
    if !f.unsafe_ops_by_kind.is_empty() {
        out.push_str("unsafe ops by kind\n");
        let mut kinds: Vec<(&String, &u64)> = f.unsafe_ops_by_kind.iter().collect();
        kinds.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        for (kind, n) in kinds {
            let _ = writeln!(out, "  {kind:<46} {n:>8}");
        }
    }
    out
}
