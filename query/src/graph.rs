//! A petgraph view of a linked graph for queries: one node per function id (linked functions,
//! external functions, and callee ids known only from a call), one edge per call site, and
//! optionally one edge per candidate target of an unresolved call ([`CandidateMode`]). It
//! borrows the [`LinkedGraph`], so building it copies no records.

use std::collections::VecDeque;
use std::collections::hash_map::Entry;

use foldhash::{HashMap, HashMapExt};

use painter_schema::{Call, CallKind, CandidateTarget, Function, FunctionKind, LinkedGraph};
use petgraph::Direction;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

/// A function node.
#[derive(Debug, Clone)]
pub struct Node<'g> {
    pub id: &'g str,
    /// The function's path; for ids seen only as callees, the path the call gave.
    pub path: &'g str,
    /// Key of the linked crate defining it; `None` for external and unknown callees.
    pub crate_key: Option<&'g str>,
    /// Where it lives in its crate: the record and its index in `functions`.
    pub function: Option<(&'g Function, usize)>,
    /// Listed in `external_functions` (its crate is not in the graph).
    pub external: bool,
    /// For an external function: the rustc name of its crate (`alloc`, `libc`).
    pub external_crate: Option<&'g str>,
    /// Unsafe operations in its body.
    pub unsafe_ops: u32,
    /// A foreign (C) function: declared in an `extern` block, or the target of an `ffi` call.
    pub foreign: bool,
}

/// A call edge: the record and the key of the caller's crate. For a candidate edge, `call` is
/// the unresolved call (`dyn`, `trait_generic`, `fn_ptr`) and `candidate` says which possible
/// target the edge leads to and why.
#[derive(Debug, Clone, Copy)]
pub struct Edge<'g> {
    pub call: &'g Call,
    pub caller_crate: &'g str,
    pub kind: CallKind,
    pub candidate: Option<&'g CandidateTarget>,
}

impl Edge<'_> {
    /// A possible target of an unresolved call, not an edge the types prove.
    pub fn is_candidate(&self) -> bool {
        self.candidate.is_some_and(|c| !is_instance(c))
    }

    /// An edge a generic call takes in an instantiation of its body
    /// (docs/linker.md#instantiations): exact, like the edges the types prove.
    pub fn is_instance(&self) -> bool {
        self.candidate.is_some_and(is_instance)
    }
}

/// A target of a `trait_generic` call that an instantiation of the caller selects.
pub fn is_instance(target: &CandidateTarget) -> bool {
    target.via == Some(painter_schema::Via::Instantiation)
}

/// Whether [`call_graph_with`] adds the graph's candidate edges to the exact ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CandidateMode {
    /// Exact call edges only (what [`call_graph`] builds).
    #[default]
    Exclude,
    /// Exact edges plus one edge per candidate (marked: [`Edge::is_candidate`]); a query can
    /// still skip them per search ([`CallGraph::shortest_path_via`]).
    Include,
}

impl CandidateMode {
    /// Whether a call's candidate `target` becomes an edge: targets instantiations select are
    /// exact edges; the other candidates only on request.
    fn follows(self, target: &CandidateTarget) -> bool {
        self == CandidateMode::Include || is_instance(target)
    }
}

/// The call graph of a [`LinkedGraph`], with lookups by id and path.
#[derive(Debug)]
pub struct CallGraph<'g> {
    /// The linked graph the view is of.
    pub linked: &'g LinkedGraph,
    pub graph: DiGraph<Node<'g>, Edge<'g>>,
    /// foldhash, not std's SipHash: building the view of a large graph is mostly these
    /// lookups (two per call record; on `popular-100.txt` SipHash alone was a sixth of it),
    /// and the keys are our own ids, not an attacker's.
    by_id: HashMap<&'g str, NodeIndex>,
    by_path: HashMap<&'g str, Vec<NodeIndex>>,
}

/// Build the call graph of `linked` with its exact call edges only. Node and edge order follow
/// the graph's canonical order, so queries answer the same way for the same graph.
pub fn call_graph(linked: &LinkedGraph) -> CallGraph<'_> {
    call_graph_with(linked, CandidateMode::Exclude)
}

/// Build the call graph of `linked`, with or without its candidate edges. Candidate edges come
/// after every exact edge, so a breadth-first search prefers exact edges between equally short
/// paths.
pub fn call_graph_with(linked: &LinkedGraph, mode: CandidateMode) -> CallGraph<'_> {
    // Sized up front: growing vectors of millions of nodes and edges copies them each time.
    let functions = linked.external_functions.len()
        + linked
            .crates
            .values()
            .map(|k| k.functions.len())
            .sum::<usize>();
    let calls: usize = linked.crates.values().map(|k| k.calls.len()).sum();
    // Candidate edges too: one more doubling of the edge vector was 3 % of an ecosystem
    // run's end (docs/benchmarks.md).
    let candidate_edges: usize = linked
        .crates
        .values()
        .flat_map(|k| &k.calls)
        .filter_map(|c| {
            c.candidates
                .and_then(|n| linked.candidate_sets.get(n as usize))
        })
        .map(|set| set.targets.iter().filter(|t| mode.follows(t)).count())
        .sum();
    let mut cg = CallGraph {
        linked,
        graph: DiGraph::with_capacity(functions, calls + candidate_edges),
        by_id: HashMap::with_capacity(functions),
        by_path: HashMap::with_capacity(functions),
    };
    for (key, krate) in &linked.crates {
        for (index, function) in krate.functions.iter().enumerate() {
            let node = cg.intern(&function.id, &function.path);
            let node = &mut cg.graph[node];
            node.crate_key = Some(key);
            node.function = Some((function, index));
            node.foreign |= matches!(
                function.kind,
                FunctionKind::ForeignFn | FunctionKind::ForeignStatic
            );
        }
    }
    for external in &linked.external_functions {
        let node = cg.intern(&external.id, &external.path);
        cg.graph[node].external = true;
        cg.graph[node].external_crate = Some(&external.krate);
    }
    for (key, krate) in &linked.crates {
        for op in &krate.unsafe_ops {
            let node = cg.intern(&op.function, "");
            cg.graph[node].unsafe_ops += 1;
        }
        for call in &krate.calls {
            // Calls without a callee id (fn pointers, drops of `dyn`) have no target node.
            let Some(callee) = &call.callee else { continue };
            let from = cg.intern(&call.caller, "");
            let to = cg.intern(callee, &call.callee_path);
            if call.kind == CallKind::Ffi {
                cg.graph[to].foreign = true;
            }
            cg.graph.add_edge(
                from,
                to,
                Edge {
                    call,
                    caller_crate: key,
                    kind: call.kind,
                    candidate: None,
                },
            );
        }
    }
    // Candidate edges (`CandidateMode::follows`) come after the exact edges the types prove,
    // so those stay first in every order.
    for (caller_crate, krate) in &linked.crates {
        for call in &krate.calls {
            let Some(set) = call
                .candidates
                .and_then(|n| linked.candidate_sets.get(n as usize))
            else {
                continue;
            };
            let from = cg.intern(&call.caller, "");
            for target in &set.targets {
                if mode.follows(target) {
                    let to = cg.intern(&target.callee, &target.callee_path);
                    cg.graph.add_edge(
                        from,
                        to,
                        Edge {
                            call,
                            caller_crate,
                            kind: call.kind,
                            candidate: Some(target),
                        },
                    );
                }
            }
        }
    }
    cg
}

impl<'g> CallGraph<'g> {
    /// The node of `id`, created (with `path`) if it does not exist yet.
    fn intern(&mut self, id: &'g str, path: &'g str) -> NodeIndex {
        if let Some(&index) = self.by_id.get(id) {
            let node = &mut self.graph[index];
            if node.path.is_empty() && !path.is_empty() {
                node.path = path;
                self.by_path.entry(path).or_default().push(index);
            }
            return index;
        }
        let index = self.graph.add_node(Node {
            id,
            path,
            crate_key: None,
            function: None,
            external: false,
            external_crate: None,
            unsafe_ops: 0,
            foreign: false,
        });
        self.by_id.insert(id, index);
        if !path.is_empty() {
            self.by_path.entry(path).or_default().push(index);
        }
        index
    }

    pub fn by_id(&self, id: &str) -> Option<NodeIndex> {
        self.by_id.get(id).copied()
    }

    /// Nodes whose path is exactly `path` (several when versions of a crate coexist).
    pub fn by_path(&self, path: &str) -> &[NodeIndex] {
        self.by_path.get(path).map_or(&[], Vec::as_slice)
    }

    /// Nodes whose path contains `pattern`, in node order.
    pub fn matching(&self, pattern: &str) -> Vec<NodeIndex> {
        self.graph
            .node_indices()
            .filter(|&n| self.graph[n].path.contains(pattern))
            .collect()
    }

    pub fn node(&self, index: NodeIndex) -> &Node<'g> {
        &self.graph[index]
    }

    pub fn edge(&self, index: EdgeIndex) -> &Edge<'g> {
        &self.graph[index]
    }

    /// Shortest chain of calls from any of `from` to a node satisfying `to` (breadth-first),
    /// along every edge of the view. `Some(vec![])` when a start node itself satisfies `to`;
    /// `None` when nothing is reachable.
    pub fn shortest_path(
        &self,
        from: &[NodeIndex],
        to: impl Fn(&Node<'g>) -> bool,
    ) -> Option<Vec<Step<'g>>> {
        self.shortest_path_via(from, to, |_| true)
    }

    /// [`shortest_path`](Self::shortest_path) along the edges `follow` accepts only, e.g.
    /// `|e| !e.is_candidate()` for exact edges in a view built with candidates.
    pub fn shortest_path_via(
        &self,
        from: &[NodeIndex],
        to: impl Fn(&Node<'g>) -> bool,
        follow: impl Fn(&Edge<'g>) -> bool,
    ) -> Option<Vec<Step<'g>>> {
        let mut came_by: HashMap<NodeIndex, Option<EdgeIndex>> = HashMap::new();
        let mut queue = VecDeque::new();
        for &start in from {
            if came_by.insert(start, None).is_none() {
                queue.push_back(start);
            }
        }
        while let Some(current) = queue.pop_front() {
            if to(&self.graph[current]) {
                return Some(self.chain_to(current, &came_by));
            }
            // petgraph lists a node's edges newest first; visit them in insertion (canonical)
            // order so ties between equally short paths break the same way as the records.
            let mut edges: Vec<_> = self
                .graph
                .edges_directed(current, Direction::Outgoing)
                .collect();
            edges.reverse();
            for edge in edges.into_iter().filter(|e| follow(e.weight())) {
                if let Entry::Vacant(slot) = came_by.entry(edge.target()) {
                    slot.insert(Some(edge.id()));
                    queue.push_back(edge.target());
                }
            }
        }
        None
    }

    fn chain_to(
        &self,
        mut node: NodeIndex,
        came_by: &HashMap<NodeIndex, Option<EdgeIndex>>,
    ) -> Vec<Step<'g>> {
        let mut chain = Vec::new();
        while let Some(&Some(edge)) = came_by.get(&node) {
            let step = self.step(edge);
            node = step.from;
            chain.push(step);
        }
        chain.reverse();
        chain
    }

    /// The call `edge` as a step of a path.
    pub fn step(&self, edge: EdgeIndex) -> Step<'g> {
        let (from, to) = self.graph.edge_endpoints(edge).expect("edge exists");
        Step {
            from,
            to,
            edge,
            call: self.graph[edge].call,
            candidate: self.graph[edge].candidate,
        }
    }
}

/// One call in a path: `from` calls `to` at `call.span`.
#[derive(Debug, Clone, Copy)]
pub struct Step<'g> {
    pub from: NodeIndex,
    pub to: NodeIndex,
    pub edge: EdgeIndex,
    pub call: &'g Call,
    /// Set when this step follows a candidate edge (a possible target of `call`).
    pub candidate: Option<&'g CandidateTarget>,
}
