//! The unit graphs this run put into `<out>/crates/`, kept in memory for the link at the end,
//! each with its dataset files encoded already.
//!
//! Caching a unit parses the driver's file anyway (`run::cache_unit`); reading all of
//! `crates/` back after the last build was the largest part of the link (a quarter of its
//! CPU on `popular-100.txt`), on the run's critical path. So is encoding the dataset: a unit's
//! files depend on that unit alone, so the worker that cached it encodes them while the other
//! workers build, and the write at the end uses them for the units the merge leaves as they
//! were (`painter_linker::Units::as_prepared`). Kept graphs are what the cache files hold as
//! the merge prepares them (`painter_linker::prepare_unit`: records in canonical order,
//! counts recomputed), which the link would do to the same bytes; units cached by an earlier
//! run or another shard, and those beyond the memory budget, are read from disk.

use std::{
    collections::HashMap,
    sync::{Mutex, MutexGuard},
};

use painter_dataset::EncodedUnit;
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
    graphs: HashMap<String, Kept>,
    bytes: u64,
}

/// A unit kept: its graph, prepared, and the unit it is on its own, encoded (`None` when the
/// encoding failed: the write at the end makes it again and reports the error).
pub struct Kept {
    pub graph: CrateGraph,
    pub encoded: Option<EncodedUnit>,
}

impl Kept {
    fn new(mut graph: CrateGraph) -> Self {
        painter_linker::prepare_unit(&mut graph);
        let encoded = painter_dataset::encode_unit(&graph.krate.key(), &graph).ok();
        Kept { graph, encoded }
    }
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
        // Encoded outside the lock: the other workers cache their units meanwhile.
        let kept = Kept::new(graph);
        self.lock().graphs.insert(name.to_owned(), kept);
    }

    /// The cache file `name` was rewritten with `primary` set: so is the kept graph, and its
    /// unit is encoded again.
    pub fn mark_primary(&self, name: &str) {
        let Some(kept) = self.lock().graphs.remove(name) else {
            return;
        };
        let mut graph = kept.graph;
        graph.krate.primary = true;
        let kept = Kept::new(graph);
        self.lock().graphs.insert(name.to_owned(), kept);
    }

    /// Everything kept, by cache file name.
    pub fn take(&self) -> HashMap<String, Kept> {
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

    /// A kept unit comes with its encoding, made again when the unit becomes an entry's root:
    /// the write at the end takes the encoding as the unit's files.
    #[test]
    fn kept_units_are_encoded_and_follow_primary() {
        let retained = Retained::default();
        retained.keep("a.json", graph(), 10);
        let mut other = graph();
        other.schema_version += 1;
        retained.keep("b.json", other, 10);
        retained.mark_primary("a.json");
        let kept = retained.take();
        assert_eq!(kept.len(), 1, "another schema version is not kept");
        let a = &kept["a.json"];
        assert!(a.graph.krate.primary);
        let mut expected = graph();
        expected.krate.primary = true;
        let encoded = a.encoded.as_ref().expect("encoded");
        let fresh = painter_dataset::encode_unit(&expected.krate.key(), &expected).unwrap();
        assert_eq!(encoded.key(), "a@1.0.0");
        assert!(encoded.same_files(&fresh));
    }
}
