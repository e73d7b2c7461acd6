//! One [`CrateSummary`] row per crate: what the summary table of `cargo painter` and
//! `cargo painter stats` shows, and `stats --format json` lists.

use std::collections::BTreeMap;

use painter_schema::{CrateGraph, LinkedGraph, Status};
use serde::{Deserialize, Serialize};

/// One crate's row in the summary table (and in `stats --format json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrateSummary {
    pub key: String,
    /// A workspace member of the analysed project.
    pub primary: bool,
    pub status: Status,
    pub functions: u64,
    /// Unsafe operations per kind string; only kinds that occur.
    pub unsafe_ops_by_kind: BTreeMap<String, u64>,
    /// Unsafe operations per context kind (`unsafe_block`, `unsafe_fn`, `generated_block`, …).
    pub unsafe_ops_by_context: BTreeMap<String, u64>,
    pub unsafe_ops: u64,
    pub unsafe_blocks_user: u64,
    pub unsafe_blocks_generated: u64,
    pub unsafe_fns: u64,
    pub unsafe_impls: u64,
    pub unsafe_traits: u64,
    pub calls: u64,
    pub ffi_calls: u64,
    /// Distinct native library names, sorted.
    pub native_libraries: Vec<String>,
}

/// One row per crate: workspace members first, then dependencies, each group by key. Numbers
/// are the crates' `counts`, which the linker recomputes from the records.
pub fn summary_rows(graph: &LinkedGraph) -> Vec<CrateSummary> {
    unit_rows(&graph.crates)
}

/// [`summary_rows`] of units not linked yet: every row is one unit's own.
pub fn unit_rows(crates: &BTreeMap<String, CrateGraph>) -> Vec<CrateSummary> {
    let mut rows: Vec<CrateSummary> = crates
        .iter()
        .map(|(key, krate)| crate_row(key, krate))
        .collect();
    // `crates` is a BTreeMap, so a stable sort on `!primary` keeps key order within groups.
    rows.sort_by_key(|row| !row.primary);
    rows
}

/// One unit's row: its own counts only, nothing that depends on other units.
pub fn crate_row(key: &str, krate: &CrateGraph) -> CrateSummary {
    let c = &krate.counts;
    let mut native_libraries: Vec<String> = krate
        .ffi
        .native_libraries
        .iter()
        .map(|l| l.name.clone())
        .collect();
    native_libraries.sort_unstable();
    native_libraries.dedup();
    CrateSummary {
        key: key.to_owned(),
        primary: krate.krate.primary,
        status: krate.status,
        functions: c.functions,
        unsafe_ops_by_kind: c
            .unsafe_ops_by_kind
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| (k.clone(), *n))
            .collect(),
        unsafe_ops_by_context: c.unsafe_ops_by_context.clone(),
        unsafe_ops: c.unsafe_ops,
        unsafe_blocks_user: c.unsafe_blocks_user,
        unsafe_blocks_generated: c.unsafe_blocks_generated,
        unsafe_fns: c.unsafe_fns,
        unsafe_impls: c.unsafe_impls,
        unsafe_traits: c.unsafe_traits,
        calls: c.calls,
        ffi_calls: c.ffi_calls,
        native_libraries,
    }
}
