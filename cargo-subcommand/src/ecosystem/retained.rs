//! The unit graphs this run put into `<out>/crates/`, kept in memory for the link at the end.
//!
//! Caching a unit parses the driver's file anyway (`run::cache_unit`); reading all of
//! `crates/` back after the last build was the largest part of the link (a quarter of its
//! CPU on `popular-100.txt`), on the run's critical path. Kept graphs are what the cache files
//! hold as the merge prepares them (`painter_linker::prepare_unit`: records in canonical
//! order, counts recomputed, done by the worker that cached the unit), which the link would
//! do to the same bytes; units cached by an earlier run or another shard, and those beyond
//! the memory budget, are read from disk.
//!
//! Units are not encoded here as `cargo painter` encodes them during its build: in an
//! ecosystem run most of the data is in units the merge joins or renames (on
//! `popular-100.txt`, 77 % of the calls), whose early encoding would be thrown away.

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
        {
            let mut state = self.lock();
            if state.bytes + bytes > BUDGET_BYTES {
                return;
            }
            state.bytes += bytes;
        }
        // Prepared outside the lock: the other workers cache their units meanwhile.
        let mut graph = graph;
        painter_linker::prepare_unit(&mut graph);
        self.lock().graphs.insert(name.to_owned(), graph);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn graph() -> CrateGraph {
        serde_json::from_value(serde_json::json!({
            "schema_version": SCHEMA_VERSION, "painter_version": "0", "toolchain": "t",
            "status": "ok",
            "crate": {"name": "a", "package": "a", "version": "1.0.0", "kind": "lib",
                      "stable_id": "00", "features": [], "target": "x", "source": "registry",
                      "primary": false, "edition": "2024"}
        }))
        .unwrap()
    }

    /// A kept unit is its cache file's graph as the merge prepares it, and follows `primary`.
    #[test]
    fn kept_units_are_prepared_and_follow_primary() {
        let retained = Retained::default();
        retained.keep("a.json", graph(), 10);
        let mut other = graph();
        other.schema_version += 1;
        retained.keep("b.json", other, 10);
        retained.mark_primary("a.json");
        let kept = retained.take();
        assert_eq!(kept.len(), 1, "another schema version is not kept");
        let a = &kept["a.json"];
        assert!(a.krate.primary);
        let mut expected = graph();
        expected.krate.primary = true;
        painter_linker::prepare_unit(&mut expected);
        assert_eq!(*a, expected);
    }
}
