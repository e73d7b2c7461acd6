//! Reachability over a [`CallGraph`]: for every function at once, whether it reaches (through
//! calls, transitively) a target — a body with unsafe operations, a foreign function, or chosen
//! functions — how many calls away the nearest one is, and a witness path to it.
//!
//! One breadth-first search backwards from all targets at once (multi-source BFS over the
//! callers) answers the question for every node in O(nodes + edges); a forward search per
//! function would cost that per function. [`Reach::paths`] then enumerates several call paths
//! from chosen starts, shortest first, using the distances to prune every branch that cannot
//! reach a target within the length being enumerated.

use std::collections::VecDeque;

use petgraph::Direction;
use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

use painter_schema::UnsafeOpKind;

use crate::graph::{CallGraph, Edge, Node, Step};

/// What a search looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A body containing at least one unsafe operation.
    Unsafe,
    /// A body containing an unsafe operation of this kind.
    UnsafeKind(UnsafeOpKind),
    /// A foreign (C) function: declared in an `extern` block or called with an `ffi` call.
    Ffi,
    /// Functions whose path matches the pattern ([`CallGraph::find`]).
    Functions(String),
}

impl Target {
    /// `unsafe`, `unsafe:<kind>` (e.g. `unsafe:deref_raw_pointer`), `ffi`, or anything else
    /// as a path pattern (what `--to` accepts). An unknown kind is an error.
    pub fn parse(text: &str) -> Result<Target, String> {
        Ok(match text {
            "unsafe" => Target::Unsafe,
            "ffi" => Target::Ffi,
            _ => match text.strip_prefix("unsafe:") {
                Some(kind) => Target::UnsafeKind(
                    UnsafeOpKind::ALL
                        .iter()
                        .copied()
                        .find(|k| k.as_str() == kind)
                        .ok_or_else(|| {
                            let kinds: Vec<&str> =
                                UnsafeOpKind::ALL.iter().map(|k| k.as_str()).collect();
                            format!(
                                "unknown unsafe op kind `{kind}`; kinds: {}",
                                kinds.join(", ")
                            )
                        })?,
                ),
                None => Target::Functions(text.to_owned()),
            },
        })
    }

    /// Whether `node` is one of the targets.
    pub fn matches(&self, cg: &CallGraph<'_>, node: NodeIndex) -> bool {
        let n = cg.node(node);
        match self {
            Target::Unsafe => n.unsafe_ops > 0,
            Target::Ffi => n.foreign,
            Target::UnsafeKind(_) | Target::Functions(_) => self.nodes(cg).contains(&node),
        }
    }

    /// The target nodes of `cg`, in node order.
    pub fn nodes(&self, cg: &CallGraph<'_>) -> Vec<NodeIndex> {
        match self {
            Target::Functions(pattern) => cg.find(pattern),
            Target::Unsafe => cg.nodes_where(|n| n.unsafe_ops > 0),
            Target::Ffi => cg.nodes_where(|n| n.foreign),
            Target::UnsafeKind(kind) => {
                let mut nodes: Vec<NodeIndex> = cg
                    .linked
                    .crates
                    .values()
                    .flat_map(|k| &k.unsafe_ops)
                    .filter(|op| op.kind == *kind)
                    .filter_map(|op| cg.by_id(&op.function))
                    .collect();
                nodes.sort_unstable();
                nodes.dedup();
                nodes
            }
        }
    }
}

/// Which edges a search follows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Edges {
    /// Only calls the types prove.
    #[default]
    Exact,
    /// Exact calls and candidate targets of `dyn`/`fn_ptr`/`trait_generic` calls (needs a view
    /// built with [`crate::CandidateMode::Include`] to have any).
    WithCandidates,
}

impl Edges {
    pub fn follows(self, edge: &Edge<'_>) -> bool {
        self == Edges::WithCandidates || !edge.is_candidate()
    }
}

/// Not reachable.
const UNREACHED: u32 = u32::MAX;

/// The answer of one reachability question for every node of a [`CallGraph`].
#[derive(Debug, Clone)]
pub struct Reach {
    /// Calls to the nearest target per node index; [`UNREACHED`] when none is reachable.
    dist: Vec<u32>,
    /// The first call of a shortest path to a target (`None` for targets and unreached nodes).
    next: Vec<Option<EdgeIndex>>,
    edges: Edges,
}

/// Answer `target` for every node of `cg`, following `edges`.
pub fn reach(cg: &CallGraph<'_>, target: &Target, edges: Edges) -> Reach {
    reach_from_targets(cg, &target.nodes(cg), edges)
}

/// [`reach`] with the target nodes given.
pub fn reach_from_targets(cg: &CallGraph<'_>, targets: &[NodeIndex], edges: Edges) -> Reach {
    let n = cg.graph.node_count();
    let mut dist = vec![UNREACHED; n];
    let mut next = vec![None; n];
    let mut queue = VecDeque::with_capacity(targets.len());
    for &t in targets {
        if dist[t.index()] == UNREACHED {
            dist[t.index()] = 0;
            queue.push_back(t);
        }
    }
    let mut callers = Vec::new();
    while let Some(current) = queue.pop_front() {
        let d = dist[current.index()] + 1;
        // Callers in insertion (canonical) order, so witnesses do not depend on how petgraph
        // happens to chain its edge lists.
        callers.clear();
        callers.extend(
            cg.graph
                .edges_directed(current, Direction::Incoming)
                .filter(|e| edges.follows(e.weight()))
                .map(|e| (e.id(), e.source())),
        );
        callers.sort_unstable();
        for &(edge, caller) in &callers {
            let slot = &mut dist[caller.index()];
            if *slot == UNREACHED {
                *slot = d;
                next[caller.index()] = Some(edge);
                queue.push_back(caller);
            }
        }
    }
    Reach { dist, next, edges }
}

impl Reach {
    /// Whether `node` reaches a target (a target reaches itself).
    pub fn reaches(&self, node: NodeIndex) -> bool {
        self.dist[node.index()] != UNREACHED
    }

    /// Calls from `node` to its nearest target (0 for a target).
    pub fn distance(&self, node: NodeIndex) -> Option<u32> {
        Some(self.dist[node.index()]).filter(|&d| d != UNREACHED)
    }

    /// How many nodes reach a target.
    pub fn count(&self) -> usize {
        self.dist.iter().filter(|&&d| d != UNREACHED).count()
    }

    /// A shortest call path from `node` to a target; empty when `node` is one.
    pub fn witness<'g>(&self, cg: &CallGraph<'g>, node: NodeIndex) -> Option<Vec<Step<'g>>> {
        if !self.reaches(node) {
            return None;
        }
        let mut chain = Vec::new();
        let mut at = node;
        while let Some(edge) = self.next[at.index()] {
            let step = cg.step(edge);
            at = step.to;
            chain.push(step);
        }
        Some(chain)
    }

    /// Up to `limits.max_paths` call paths from any of `from` to a target, shortest first, each
    /// at most `limits.max_depth` calls and ending at the first target on it. Paths are simple
    /// (no function twice) and differ in their functions: of several calls from one function
    /// to the same callee only the first (in canonical order) is shown.
    pub fn paths<'g>(
        &self,
        cg: &CallGraph<'g>,
        from: &[NodeIndex],
        limits: PathLimits,
    ) -> Vec<Vec<Step<'g>>> {
        let mut search = PathSearch {
            cg,
            reach: self,
            found: Vec::new(),
            stack: Vec::new(),
            on_stack: vec![false; cg.graph.node_count()],
            limits,
            work: 0,
        };
        let Some(shortest) = from.iter().filter_map(|&n| self.distance(n)).min() else {
            return Vec::new();
        };
        for length in shortest..=limits.max_depth {
            for &start in from {
                if self.distance(start).is_some_and(|d| d <= length) {
                    search.walk(start, length);
                }
                if search.done() {
                    return search.found;
                }
            }
        }
        search.found
    }
}

/// Bounds of [`Reach::paths`].
#[derive(Debug, Clone, Copy)]
pub struct PathLimits {
    pub max_paths: usize,
    pub max_depth: u32,
    /// Edges examined before the search gives up (dense graphs have astronomically many
    /// paths of equal length; the shortest ones are found long before this).
    pub max_work: u64,
}

impl Default for PathLimits {
    fn default() -> Self {
        PathLimits {
            max_paths: 5,
            max_depth: 12,
            max_work: 5_000_000,
        }
    }
}

struct PathSearch<'a, 'g> {
    cg: &'a CallGraph<'g>,
    reach: &'a Reach,
    found: Vec<Vec<Step<'g>>>,
    stack: Vec<Step<'g>>,
    on_stack: Vec<bool>,
    limits: PathLimits,
    work: u64,
}

impl<'g> PathSearch<'_, 'g> {
    fn done(&self) -> bool {
        self.found.len() >= self.limits.max_paths || self.work >= self.limits.max_work
    }

    /// Extend the current path at `node` by every call that can still end at a target after
    /// exactly `length` calls in total; record the paths that do.
    fn walk(&mut self, node: NodeIndex, length: u32) {
        let depth = self.stack.len() as u32;
        if self.reach.dist[node.index()] == 0 {
            if depth == length {
                self.found.push(self.stack.clone());
                return;
            }
            // A path stops at its first target (shorter ones were found in earlier rounds),
            // except at its start: a start with unsafe code of its own is reported (0 calls)
            // and the search goes on to what it calls.
            if depth > 0 {
                return;
            }
        }
        self.on_stack[node.index()] = true;
        let mut out: Vec<(EdgeIndex, NodeIndex)> = self
            .cg
            .graph
            .edges_directed(node, Direction::Outgoing)
            .filter(|e| self.reach.edges.follows(e.weight()))
            .map(|e| (e.id(), e.target()))
            .collect();
        out.sort_unstable();
        let mut tried: Vec<NodeIndex> = Vec::new();
        for (edge, callee) in out {
            self.work += 1;
            if self.done() {
                break;
            }
            let d = self.reach.dist[callee.index()];
            if d == UNREACHED
                || depth + 1 + d > length
                || self.on_stack[callee.index()]
                || tried.contains(&callee)
            {
                continue;
            }
            tried.push(callee);
            self.stack.push(self.cg.step(edge));
            self.walk(callee, length);
            self.stack.pop();
        }
        self.on_stack[node.index()] = false;
    }
}

impl<'g> CallGraph<'g> {
    /// Nodes satisfying `keep`, in node order.
    pub fn nodes_where(&self, keep: impl Fn(&Node<'g>) -> bool) -> Vec<NodeIndex> {
        self.graph
            .node_indices()
            .filter(|&n| keep(&self.graph[n]))
            .collect()
    }

    /// The functions a user means by `pattern`: those whose path is exactly `pattern` if there
    /// are any, otherwise those whose path contains it. An id (`<crate>:<hash>`) works too.
    pub fn find(&self, pattern: &str) -> Vec<NodeIndex> {
        if let Some(node) = self.by_id(pattern) {
            return vec![node];
        }
        let exact = self.by_path(pattern);
        if !exact.is_empty() {
            let mut exact = exact.to_vec();
            exact.sort_unstable();
            return exact;
        }
        self.matching(pattern)
    }
}
