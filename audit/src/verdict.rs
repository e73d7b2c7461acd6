//! Reachability of matched functions from the roots, in two searches over one call-graph view
//! built with candidate edges: first along calls the types prove (`static`, `trait_resolved`,
//! `closure`, `drop`, …), then, only if that finds nothing, along every edge, candidates
//! included. A `dyn`, fn-pointer or generic (`trait_generic`) call leaves its target open, so
//! a path using one, even through its exact edge to the trait method, is a candidate path.

use std::collections::HashSet;

use painter_query::graph::{CallGraph, Edge, Step};
use painter_schema::CallKind;
use petgraph::graph::NodeIndex;

/// How the roots reach a set of functions.
#[derive(Debug)]
pub enum Reached<'g> {
    /// A shortest path of calls the types prove, from a root.
    Exact(Vec<Step<'g>>),
    /// A shortest path that needs at least one unresolved call ([`is_unresolved`]).
    Candidates(Vec<Step<'g>>),
    /// No path, not even through candidates.
    No,
}

/// A call whose target the types leave open: its edge (exact to the trait method, or to a
/// candidate) is a possibility, not a proof.
pub fn is_unresolved(step_kind: CallKind, candidate: bool) -> bool {
    candidate
        || matches!(
            step_kind,
            CallKind::Dyn | CallKind::FnPtr | CallKind::TraitGeneric
        )
}

fn proven(edge: &Edge<'_>) -> bool {
    !is_unresolved(edge.kind, edge.is_candidate())
}

/// Search from `roots` to any of `targets` in `cg` (a view built with
/// `CandidateMode::Include`). A root that is a target itself is reached with an empty path.
pub fn search<'g>(cg: &CallGraph<'g>, roots: &[NodeIndex], targets: &[NodeIndex]) -> Reached<'g> {
    let ids: HashSet<&str> = targets.iter().map(|&t| cg.node(t).id).collect();
    let is_target = |n: &painter_query::graph::Node<'g>| ids.contains(n.id);
    if let Some(path) = cg.shortest_path_via(roots, is_target, proven) {
        return Reached::Exact(path);
    }
    match cg.shortest_path_via(roots, is_target, |_| true) {
        Some(path) => Reached::Candidates(path),
        None => Reached::No,
    }
}
