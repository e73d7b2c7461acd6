//! Merging crates that share a key (`package@version[#target]`): the same crate analysed twice,
//! e.g. with other features, for another target, or on another machine. Identical copies
//! collapse; differing ones are united record by record, in one id space ([`crate::alias`]),
//! and when the copies name their configurations every record says in which it holds
//! ([`crate::configs`]). The result does not depend on the order in which the copies arrive.

use std::collections::{BTreeMap, BTreeSet};

use painter_schema::{CrateGraph, Status};
use rayon::prelude::*;

use crate::alias::{self, Aliases};
use crate::canon;
use crate::configs;

/// What [`merge_crates`] gives.
pub struct Merged {
    /// The merged crates by key.
    pub crates: BTreeMap<String, CrateGraph>,
    /// The renaming applied.
    pub aliases: Aliases,
    /// The keys whose crate is its one copy as [`prepare`] left it: no other copy joined it,
    /// no configuration tags and nothing renamed in it.
    pub as_prepared: BTreeSet<String>,
}

/// Group `crates` by key and merge each group into one crate. Every crate comes out in
/// canonical order, with the resolution fields of its calls cleared (they are recomputed).
/// With `known`, the renaming is not derived from these crates but given (that of a whole link,
/// when only some units are merged again); `None` then if these crates' own copies would need
/// a renaming of their own.
pub fn merge_crates(mut crates: Vec<CrateGraph>, known: Option<&Aliases>) -> Option<Merged> {
    // Crates from `load` are prepared already; sorting sorted lists is a linear check.
    crates.par_iter_mut().for_each(prepare);
    let mut groups: BTreeMap<String, Vec<CrateGraph>> = BTreeMap::new();
    for graph in crates {
        groups.entry(graph.krate.key()).or_default().push(graph);
    }
    let own = alias::aliases(&groups);
    let aliases = match known {
        Some(_) if !own.is_empty() => return None,
        Some(known) => known.clone(),
        None => own,
    };
    let mut renamed = BTreeSet::new();
    if !aliases.is_empty() {
        log::debug!("{} crate ids renamed to their crate's first", aliases.len());
        renamed = groups
            .par_iter_mut()
            .filter_map(|(key, group)| {
                let mut changed = false;
                for graph in group {
                    if alias::rewrite(graph, &aliases) {
                        canon::canonicalize_crate(graph);
                        changed = true;
                    }
                }
                changed.then(|| key.clone())
            })
            .collect();
    }
    let as_prepared = groups
        .iter()
        .filter(|(key, group)| {
            matches!(group.as_slice(), [one] if one.krate.configurations.is_empty())
                && !renamed.contains(*key)
        })
        .map(|(key, _)| key.clone())
        .collect();
    let crates = groups
        .into_iter()
        .map(|(key, group)| (key, merge_group(group)))
        .collect();
    Some(Merged {
        crates,
        aliases,
        as_prepared,
    })
}

/// Clear the resolution fields and put the records in canonical order: what every crate
/// needs before merging. `load` does it on the thread that parsed the file, while the records
/// are still in cache.
pub fn prepare(graph: &mut CrateGraph) {
    clear_resolution(graph);
    canon::canonicalize_crate(graph);
}

/// Forget what a previous link set on calls, so a re-linked graph compares equal to a fresh one.
fn clear_resolution(graph: &mut CrateGraph) {
    for call in &mut graph.calls {
        call.target_crate = None;
        call.external = false;
        call.candidates = None;
    }
}

fn merge_group(mut group: Vec<CrateGraph>) -> CrateGraph {
    if group.len() > 1 {
        // The first copy provides the header (versions, crate info, status): a successful
        // analysis is preferred, then the smallest header, so that the choice is order-free.
        group.sort_by_cached_key(|g| (g.status != Status::Ok, header_bytes(g)));
        group.dedup();
    }
    // Tags are kept only when every copy names its configurations; a copy that does not could
    // hold in any, and a record must not claim to hold in fewer configurations than it may.
    let tagged = group.iter().all(|g| !g.krate.configurations.is_empty());
    if tagged && group.len() > 1 {
        group.iter_mut().for_each(configs::make_explicit);
    } else if !tagged && group.iter().any(|g| !g.krate.configurations.is_empty()) {
        log::debug!(
            "{}: some copies do not name their configuration; tags dropped",
            group[0].krate.key()
        );
        group.iter_mut().for_each(configs::clear);
    }
    let mut group = group.into_iter();
    let first = group.next().expect("groups are never empty");
    let mut merged = group.fold(first, union);
    if tagged {
        configs::make_implicit(&mut merged);
    }
    merged
}

/// Everything except the record lists, serialised: a cheap total order on headers.
fn header_bytes(g: &CrateGraph) -> Vec<u8> {
    let header = (
        &g.painter_version,
        &g.toolchain,
        &g.krate,
        g.status,
        &g.error,
        g.analysis_ms,
    );
    serde_json::to_vec(&header).expect("headers serialise")
}

/// Unite the crate headers: `base` keeps its own, with what `other` adds to it.
fn unite_info(base: &mut CrateGraph, other: &mut CrateGraph) {
    let info = &mut base.krate;
    info.primary |= other.krate.primary;
    info.features.append(&mut other.krate.features);
    info.features.sort_unstable();
    info.features.dedup();
    let more = std::mem::take(&mut other.krate.configurations);
    configs::unite(&mut info.configurations, more);
}

/// Unite `other`'s records into `base` (both canonical); `base` keeps its header. Functions
/// are united by id (one node however often seen); every other list is a multiset union in
/// which records equal but for their configuration tags become one record holding in the union
/// of the configurations (untagged copies have no tags to unite).
fn union(mut base: CrateGraph, mut other: CrateGraph) -> CrateGraph {
    use configs::union_tagged as u;
    unite_info(&mut base, &mut other);
    base.functions = configs::union_functions(base.functions, other.functions);
    base.unsafe_ops = u(base.unsafe_ops, other.unsafe_ops);
    base.unsafe_blocks = u(base.unsafe_blocks, other.unsafe_blocks);
    base.calls = u(base.calls, other.calls);
    base.ffi.imports = u(base.ffi.imports, other.ffi.imports);
    base.ffi.exports = u(base.ffi.exports, other.ffi.exports);
    base.ffi.callbacks = u(base.ffi.callbacks, other.ffi.callbacks);
    base.ffi.native_libraries = u(base.ffi.native_libraries, other.ffi.native_libraries);
    base.declarations = u(base.declarations, other.declarations);
    base.address_taken = u(base.address_taken, other.address_taken);
    base.recount();
    base
}
