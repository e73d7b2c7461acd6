//! Resolving call edges across crates: a callee id `<stable crate id>:<hash>` names its crate by
//! prefix, so each call either lands in a linked crate (`target_crate`) or outside the graph
//! (`external`, with an [`ExternalFunction`] node for the callee).

use std::collections::{BTreeMap, HashMap};

pub use painter_schema::crate_prefix;
use painter_schema::{CrateGraph, ExternalFunction, Sym};
use rayon::prelude::*;

/// Which crate key each stable crate id belongs to.
///
/// A crate's own `stable_id` comes first. The prefixes of its function ids are added after
/// (without overriding): when copies of one package built with other features or for another
/// target were merged under one key, each copy had its own stable id, and calls from other
/// crates may use either.
pub fn stable_id_index(crates: &BTreeMap<String, CrateGraph>) -> HashMap<&str, &str> {
    let mut index = HashMap::with_capacity(crates.len());
    // Iterating in key order makes `or_insert` pick the smallest key on a (malformed) clash.
    for (key, graph) in crates {
        index
            .entry(graph.krate.stable_id.as_str())
            .or_insert(key.as_str());
    }
    for (key, graph) in crates {
        // A crate's functions mostly share one prefix: a function with the last one's is
        // passed over without searching its id or hashing the prefix again.
        let mut last = "";
        for function in &graph.functions {
            let id = function.id.as_str();
            if !last.is_empty()
                && id.as_bytes().get(last.len()) == Some(&b':')
                && id.starts_with(last)
            {
                continue;
            }
            last = crate_prefix(id);
            index.entry(last).or_insert(key.as_str());
        }
    }
    index
}

/// Set `target_crate`/`external` on every call with a known callee and return the callees that
/// lie outside the graph, one node per id, sorted by id. Crates are resolved in parallel.
pub fn resolve_calls(crates: &mut BTreeMap<String, CrateGraph>) -> Vec<ExternalFunction> {
    // One shared `Sym` per crate key: every call into a crate names it.
    let index: HashMap<String, Sym> = stable_id_index(crates)
        .into_iter()
        .map(|(id, key)| (id.to_owned(), Sym::intern(key)))
        .collect();
    let per_crate: Vec<HashMap<String, ExternalFunction>> = crates
        .par_iter_mut()
        .map(|(_, graph)| resolve_crate(graph, &index))
        .collect();
    let mut external: BTreeMap<String, ExternalFunction> = BTreeMap::new();
    for nodes in per_crate {
        for (id, node) in nodes {
            keep_smallest(&mut external, id, node);
        }
    }
    external.into_values().collect()
}

fn resolve_crate(
    graph: &mut CrateGraph,
    index: &HashMap<String, Sym>,
) -> HashMap<String, ExternalFunction> {
    let mut external: HashMap<String, ExternalFunction> = HashMap::new();
    // Most calls stay in their crate: compare with the crate's own id before hashing.
    let own_id = graph.krate.stable_id.as_str();
    let own_key = index.get(own_id);
    for call in &mut graph.calls {
        let Some(callee) = &call.callee else { continue };
        let prefix = crate_prefix(callee);
        let key = match own_key {
            Some(key) if prefix == own_id => Some(key),
            _ => index.get(prefix),
        };
        if let Some(key) = key {
            call.target_crate = Some(key.clone());
            call.external = false;
            continue;
        }
        call.target_crate = None;
        call.external = true;
        let node = || ExternalFunction {
            id: callee.to_string(),
            path: call.callee_path.to_string(),
            krate: call.callee_crate.to_string(),
        };
        match external.get_mut(callee.as_str()) {
            None => {
                external.insert(callee.to_string(), node());
            }
            Some(kept)
                if (call.callee_path.as_str(), call.callee_crate.as_str())
                    < (kept.path.as_str(), kept.krate.as_str()) =>
            {
                *kept = node()
            }
            Some(_) => {}
        }
    }
    external
}

/// One node per id; on (malformed) disagreement about its path the smallest record wins, so
/// the choice does not depend on the order calls come in.
fn keep_smallest(
    nodes: &mut BTreeMap<String, ExternalFunction>,
    id: String,
    node: ExternalFunction,
) {
    match nodes.get_mut(&id) {
        Some(kept) if node < *kept => *kept = node,
        Some(_) => {}
        None => {
            nodes.insert(id, node);
        }
    }
}
