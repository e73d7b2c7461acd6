//! The unit graphs this run put into `<out>/crates/`, kept in memory for the link at the end.
//!
//! Caching a unit parses the driver's file anyway (`run::cache_unit`); reading all of
//! `crates/` back after the last build was the largest part of the link (a quarter of its
//! CPU on `popular-100.txt`), on the run's critical path. Kept graphs are exactly what the
//! cache files hold (the link would parse the same bytes into the same graph); units cached by
//! an earlier run or another shard, and those beyond the memory budget, are read from disk.

use std::{
    collections::HashMap,
    sync::{Mutex, MutexGuard},
};

use painter_schema::{CrateGraph, SCHEMA_VERSION};

/// How much JSON (bytes of the cache files) is kept, as a bound on the memory the kept graphs
/// take: the 110 crates of `popular-100.txt` write 245 MB of it.
const BUDGET_BYTES: u64 = 2 << 30;

#[derive(Default)]
pub struct Retained {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// By cache file name.
    graphs: HashMap<String, CrateGraph>,
    bytes: u64,
}

impl Retained {
    /// Keep `graph`, the content of the cache file `name` (`bytes` long), if the budget allows.
    pub fn keep(&self, name: &str, graph: CrateGraph, bytes: u64) {
        // The link reads a per-crate file of another schema version as an error, not a graph.
        if graph.schema_version != SCHEMA_VERSION {
            return;
        }
        let mut state = self.lock();
        if state.bytes + bytes <= BUDGET_BYTES {
            state.bytes += bytes;
            state.graphs.insert(name.to_owned(), graph);
        }
    }

    /// The cache file `name` was rewritten with `primary` set: so is the kept graph.
    pub fn mark_primary(&self, name: &str) {
        if let Some(graph) = self.lock().graphs.get_mut(name) {
            graph.krate.primary = true;
        }
    }

    /// Everything kept, by cache file name.
    pub fn take(&self) -> HashMap<String, CrateGraph> {
        std::mem::take(&mut self.lock().graphs)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}
