//! Merging crates that share a key (`package@version[#target]`): the same crate analysed twice,
//! e.g. with other features, for another target, or on another machine. Identical copies
//! collapse; differing ones are united record by record. The result does not depend on the order
//! in which the copies arrive.

use std::collections::BTreeMap;

use painter_schema::{CrateGraph, Status};
use rayon::prelude::*;

use crate::canon::{self, union_sorted};

/// Group `crates` by key and merge each group into one crate. Every crate comes out in
/// canonical order, with the resolution fields of its calls cleared (they are recomputed).
pub fn merge_crates(mut crates: Vec<CrateGraph>) -> BTreeMap<String, CrateGraph> {
    // Crates from `load` are prepared already; sorting sorted lists is a linear check.
    crates.par_iter_mut().for_each(prepare);
    let mut groups: BTreeMap<String, Vec<CrateGraph>> = BTreeMap::new();
    for graph in crates {
        groups.entry(graph.krate.key()).or_default().push(graph);
    }
    groups
        .into_iter()
        .map(|(key, group)| (key, merge_group(group)))
        .collect()
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
    let mut group = group.into_iter();
    let first = group.next().expect("groups are never empty");
    group.fold(first, union)
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

/// Unite `other`'s records into `base` (both canonical); `base` keeps its header.
fn union(mut base: CrateGraph, other: CrateGraph) -> CrateGraph {
    let info = &mut base.krate;
    info.primary |= other.krate.primary;
    info.features.extend(other.krate.features);
    info.features.sort_unstable();
    info.features.dedup();

    // Functions are united by id: a function is one node however often it was seen. Sorting
    // by (id, full record) makes the copy that is kept independent of input order.
    let mut functions = base.functions;
    functions.extend(other.functions);
    functions.sort_unstable_by(|a, b| a.id.cmp(&b.id).then_with(|| a.cmp(b)));
    functions.dedup_by(|later, earlier| later.id == earlier.id);
    canon::sort(&mut functions);
    base.functions = functions;

    base.unsafe_ops = union_sorted(base.unsafe_ops, other.unsafe_ops);
    base.unsafe_blocks = union_sorted(base.unsafe_blocks, other.unsafe_blocks);
    base.calls = union_sorted(base.calls, other.calls);
    base.ffi.imports = union_sorted(base.ffi.imports, other.ffi.imports);
    base.ffi.exports = union_sorted(base.ffi.exports, other.ffi.exports);
    base.ffi.callbacks = union_sorted(base.ffi.callbacks, other.ffi.callbacks);
    base.ffi.native_libraries = union_sorted(base.ffi.native_libraries, other.ffi.native_libraries);
    base.declarations = union_sorted(base.declarations, other.declarations);
    base.address_taken = union_sorted(base.address_taken, other.address_taken);
    base.recount();
    base
}
