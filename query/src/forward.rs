//! Forward reachability over a [`CallGraph`]: everything chosen start functions reach through
//! calls, how many calls away, and a shortest call chain to each. The dual of [`crate::reach`]
//! (which answers "what reaches a target" for every function at once); pruning to roots and the
//! diff's "new paths from the workspace" ask this question.

use std::collections::{HashMap, VecDeque};

use petgraph::Direction;
use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::graph::{CallGraph, Step};
use crate::reach::Edges;

/// What a set of starts reaches: per reached node, its distance and the call it was first
/// reached by (breadth-first, callees in canonical order, so the answer is deterministic).
#[derive(Debug, Clone, Default)]
pub struct Forward {
    reached: HashMap<NodeIndex, (u32, Option<EdgeIndex>)>,
}

/// Search from `starts` along `edges`, at most `max_depth` calls deep when given.
pub fn forward(
    cg: &CallGraph<'_>,
    starts: &[NodeIndex],
    edges: Edges,
    max_depth: Option<u32>,
) -> Forward {
    let mut reached: HashMap<NodeIndex, (u32, Option<EdgeIndex>)> = HashMap::new();
    let mut queue = VecDeque::new();
    for &start in starts {
        if reached.insert(start, (0, None)).is_none() {
            queue.push_back(start);
        }
    }
    let mut out = Vec::new();
    while let Some(node) = queue.pop_front() {
        let d = reached[&node].0;
        if max_depth.is_some_and(|max| d >= max) {
            continue;
        }
        out.clear();
        out.extend(
            cg.graph
                .edges_directed(node, Direction::Outgoing)
                .filter(|e| edges.follows(e.weight()))
                .map(|e| (e.id(), e.target())),
        );
        // Insertion (canonical) order, as the backward search does.
        out.sort_unstable();
        for &(edge, target) in &out {
            if let std::collections::hash_map::Entry::Vacant(slot) = reached.entry(target) {
                slot.insert((d + 1, Some(edge)));
                queue.push_back(target);
            }
        }
    }
    Forward { reached }
}

impl Forward {
    /// Whether a start reaches `node` (a start reaches itself).
    pub fn reaches(&self, node: NodeIndex) -> bool {
        self.reached.contains_key(&node)
    }

    /// Calls from the nearest start to `node`.
    pub fn distance(&self, node: NodeIndex) -> Option<u32> {
        self.reached.get(&node).map(|&(d, _)| d)
    }

    /// Every reached node (starts included), in no particular order.
    pub fn nodes(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        self.reached.keys().copied()
    }

    /// A shortest call chain from a start to `node`; empty when `node` is a start.
    pub fn path_to<'g>(&self, cg: &CallGraph<'g>, node: NodeIndex) -> Option<Vec<Step<'g>>> {
        let mut chain = Vec::new();
        let mut at = node;
        loop {
            match self.reached.get(&at)? {
                (_, None) => break,
                (_, Some(edge)) => {
                    let step = cg.step(*edge);
                    at = step.from;
                    chain.push(step);
                }
            }
        }
        chain.reverse();
        Some(chain)
    }
}
