//! What the workspace newly reaches: public functions of the primary crates that reach unsafe
//! code or FFI now and did not, and the functions with unsafe operations (and the foreign
//! functions) that the primary crates' functions reach now and did not. Exact calls only, as
//! the figures count them; every question is painter-query's ([`reach`], [`forward`]).

use std::collections::{BTreeMap, HashSet};

use painter_query::figures::{self};
use painter_query::graph::{CallGraph, Step};
use painter_query::{Edges, Target, call_graph, forward, reach};
use painter_schema::LinkedGraph;
use petgraph::graph::NodeIndex;

use super::MAX_REACH_ITEMS;
use super::model::{Hop, ReachDiff, ReachItem, ReachTotals};

/// A function as both sides can name it: its crate's identity on the new side and its path.
type FnKey = (String, String);

/// The answers of one side, by function.
struct SideReach {
    /// Public API functions of primary crates, by key: (reaches unsafe, reaches FFI).
    public: BTreeMap<FnKey, (bool, bool)>,
    /// Functions with unsafe ops / foreign functions reached from the primary crates.
    unsafe_reached: HashSet<FnKey>,
    ffi_reached: HashSet<FnKey>,
    /// Every function of the side.
    functions: HashSet<FnKey>,
}

/// `rename` maps a crate key of this side to the key used for comparing (the new side's key
/// of the matched crate).
fn side(graph: &LinkedGraph, rename: &dyn Fn(&str) -> String) -> SideReach {
    let cg = call_graph(graph);
    let unsafe_reach = reach(&cg, &Target::Unsafe, Edges::Exact);
    let ffi_reach = reach(&cg, &Target::Ffi, Edges::Exact);
    let starts = primary_nodes(&cg);
    let from_ws = forward(&cg, &starts, Edges::Exact, None);
    let mut side = SideReach {
        public: BTreeMap::new(),
        unsafe_reached: HashSet::new(),
        ffi_reached: HashSet::new(),
        functions: HashSet::new(),
    };
    for node in cg.graph.node_indices() {
        let Some(key) = fn_key(&cg, node, rename) else {
            continue;
        };
        let n = cg.node(node);
        if let Some((f, _)) = n.function
            && is_public_api(&cg, node, f)
        {
            side.public.insert(
                key.clone(),
                (unsafe_reach.reaches(node), ffi_reach.reaches(node)),
            );
        }
        if from_ws.reaches(node) {
            if n.unsafe_ops > 0 {
                side.unsafe_reached.insert(key.clone());
            }
            if n.foreign {
                side.ffi_reached.insert(key.clone());
            }
        }
        side.functions.insert(key);
    }
    side
}

fn primary_nodes(cg: &CallGraph<'_>) -> Vec<NodeIndex> {
    cg.nodes_where(|n| {
        n.crate_key
            .is_some_and(|k| cg.linked.crates[k].krate.primary)
            && !n.foreign
    })
}

fn is_public_api(cg: &CallGraph<'_>, node: NodeIndex, f: &painter_schema::Function) -> bool {
    let n = cg.node(node);
    f.public
        && figures::is_api(f.kind)
        && n.crate_key
            .is_some_and(|k| cg.linked.crates[k].krate.primary)
}

fn fn_key(cg: &CallGraph<'_>, node: NodeIndex, rename: &dyn Fn(&str) -> String) -> Option<FnKey> {
    let n = cg.node(node);
    Some((rename(n.crate_key?), n.path.to_string()))
}

pub fn diff_reach<'g>(
    old: &LinkedGraph,
    new: &'g LinkedGraph,
    old_to_new: &BTreeMap<String, String>,
) -> ReachDiff {
    let before = side(old, &|k| {
        old_to_new
            .get(k)
            .cloned()
            .unwrap_or_else(|| format!("old:{k}"))
    });
    let cg = call_graph(new);
    let unsafe_reach = reach(&cg, &Target::Unsafe, Edges::Exact);
    let ffi_reach = reach(&cg, &Target::Ffi, Edges::Exact);
    let from_ws = forward(&cg, &primary_nodes(&cg), Edges::Exact, None);
    let same = |k: &str| k.to_string();
    // Per list: (calls, crate key, path, node); listed shortest first, up to the cap.
    let mut found: [Vec<(u32, FnKey, NodeIndex)>; 4] = Default::default();
    for node in cg.graph.node_indices() {
        let Some(key) = fn_key(&cg, node, &same) else {
            continue;
        };
        let n = cg.node(node);
        if let Some((f, _)) = n.function
            && is_public_api(&cg, node, f)
        {
            let (was_unsafe, was_ffi) = before.public.get(&key).copied().unwrap_or_default();
            if let Some(d) = unsafe_reach.distance(node).filter(|_| !was_unsafe) {
                found[0].push((d, key.clone(), node));
            }
            if let Some(d) = ffi_reach.distance(node).filter(|_| !was_ffi && !n.foreign) {
                found[1].push((d, key.clone(), node));
            }
        }
        if let Some(d) = from_ws.distance(node) {
            if n.unsafe_ops > 0 && !before.unsafe_reached.contains(&key) {
                found[2].push((d, key.clone(), node));
            }
            if n.foreign && !before.ffi_reached.contains(&key) {
                found[3].push((d, key, node));
            }
        }
    }
    let [pub_unsafe, pub_ffi, unsafe_new, ffi_new] = found.map(|mut list| {
        list.sort();
        list
    });
    let take = |list: &[(u32, FnKey, NodeIndex)],
                path: &dyn Fn(NodeIndex) -> Option<Vec<Step<'g>>>| {
        list.iter()
            .take(MAX_REACH_ITEMS)
            .map(|(_, key, node)| ReachItem {
                function: key.1.clone(),
                crate_key: key.0.clone(),
                new_function: !before.functions.contains(key),
                path: hops(&cg, &path(*node).unwrap_or_default()),
            })
            .collect::<Vec<_>>()
    };
    ReachDiff {
        public_reaching_unsafe: take(&pub_unsafe, &|n| unsafe_reach.witness(&cg, n)),
        public_reaching_ffi: take(&pub_ffi, &|n| ffi_reach.witness(&cg, n)),
        unsafe_newly_reached: take(&unsafe_new, &|n| from_ws.path_to(&cg, n)),
        ffi_newly_reached: take(&ffi_new, &|n| from_ws.path_to(&cg, n)),
        totals: ReachTotals {
            public_reaching_unsafe: pub_unsafe.len() as u64,
            public_reaching_ffi: pub_ffi.len() as u64,
            unsafe_newly_reached: unsafe_new.len() as u64,
            ffi_newly_reached: ffi_new.len() as u64,
        },
    }
}

/// A path of the call graph as hops.
pub fn hops(cg: &CallGraph<'_>, steps: &[Step<'_>]) -> Vec<Hop> {
    steps
        .iter()
        .map(|s| Hop {
            caller: cg.node(s.from).path.to_string(),
            callee: cg.node(s.to).path.to_string(),
            callee_crate: cg.node(s.to).crate_key.map(String::from),
            kind: s.call.kind,
            span: s.call.span.clone(),
            crate_key: cg.graph[s.edge].caller_crate.to_string(),
        })
        .collect()
}
