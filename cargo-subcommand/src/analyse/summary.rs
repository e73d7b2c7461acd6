//! What the report prints about a linked graph, and a cache of it: when neither the per-crate
//! files, nor the dataset's manifest, nor this binary changed since the last run, the link is skipped
//! and the cached summary printed. Linking parses every per-crate file, which on a real tree
//! costs more than a whole no-op `cargo check` (the budget allows 5% on top of one:
//! docs/benchmarks.md).

use std::{
    fs,
    path::{Path, PathBuf},
};

use std::collections::{BTreeMap, BTreeSet};

use painter_query::summary::{CrateSummary, crate_row, summary_rows, unit_rows};
use painter_schema::{CrateGraph, LinkedGraph, Status};
use serde::{Deserialize, Serialize};

use painter_schema::stamp::{Stamp, stamp};

/// The cache file, beside the dataset directory.
pub const CACHE_FILE: &str = ".summary-cache.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// One row per crate (rendered when printed, to the terminal's width).
    pub rows: Vec<CrateSummary>,
    /// `(crate key, error)` of every crate whose analysis failed.
    pub failed: Vec<(String, String)>,
    /// In a multi-configuration run: what each configuration holds.
    #[serde(default)]
    pub configurations: Vec<ConfigFigures>,
}

/// `(key, error)` of a unit whose analysis failed.
fn failure((key, krate): (&String, &CrateGraph)) -> Option<(String, String)> {
    (krate.status == Status::Failed).then(|| {
        let error = krate.error.clone();
        (
            key.clone(),
            error.unwrap_or_else(|| "no reason given".into()),
        )
    })
}

/// Per configuration: the crates analysed in it and the records that hold in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigFigures {
    pub name: String,
    pub crates: usize,
    pub functions: usize,
    pub unsafe_ops: usize,
    pub calls: usize,
    pub ffi_imports: usize,
    /// Records that hold in this configuration only.
    pub only_here: usize,
}

impl ConfigFigures {
    fn of(graph: &LinkedGraph) -> Vec<ConfigFigures> {
        graph
            .configurations
            .iter()
            .map(|c| {
                let name = c.name.as_str();
                let holds = |tags: &[String]| tags.is_empty() || tags.iter().any(|t| t == name);
                let only = |tags: &[String]| tags.len() == 1 && tags[0] == name;
                let mut f = ConfigFigures {
                    name: name.to_owned(),
                    crates: 0,
                    functions: 0,
                    unsafe_ops: 0,
                    calls: 0,
                    ffi_imports: 0,
                    only_here: 0,
                };
                for krate in graph.crates.values() {
                    if !krate.krate.configurations.iter().any(|n| n == name) {
                        continue;
                    }
                    f.crates += 1;
                    let mut count = |tags: &[String]| {
                        f.only_here += usize::from(only(tags));
                        usize::from(holds(tags))
                    };
                    let functions: usize = krate.functions.iter().map(|r| count(&r.configs)).sum();
                    let ops: usize = krate.unsafe_ops.iter().map(|r| count(&r.configs)).sum();
                    let calls: usize = krate.calls.iter().map(|r| count(&r.configs)).sum();
                    let ffi: usize = krate.ffi.imports.iter().map(|r| count(&r.configs)).sum();
                    f.functions += functions;
                    f.unsafe_ops += ops;
                    f.calls += calls;
                    f.ffi_imports += ffi;
                }
                f
            })
            .collect()
    }
}

/// One line per configuration, under the summary table.
pub fn render_configurations(figures: &[ConfigFigures]) -> String {
    let mut out = String::new();
    for f in figures {
        out += &format!(
            "configuration {}: {} crates, {} functions, {} unsafe ops, {} calls, {} FFI \
             imports; {} records hold only here\n",
            f.name, f.crates, f.functions, f.unsafe_ops, f.calls, f.ffi_imports, f.only_here
        );
    }
    out
}

impl Summary {
    /// This summary with the rows of `changed` units replaced (or added) and of `removed`
    /// ones dropped: every row is one unit's own, so the others stay true. Only for runs of
    /// one configuration (the per-configuration figures are not updated).
    pub fn updated(
        &self,
        changed: &BTreeMap<String, CrateGraph>,
        removed: &BTreeSet<String>,
    ) -> Summary {
        let gone = |key: &str| changed.contains_key(key) || removed.contains(key);
        let mut rows: Vec<CrateSummary> = self
            .rows
            .iter()
            .filter(|r| !gone(&r.key))
            .cloned()
            .collect();
        rows.extend(changed.iter().map(|(key, krate)| crate_row(key, krate)));
        // The order of `summary_rows`: workspace crates first, then by key.
        rows.sort_by(|a, b| (!a.primary, &a.key).cmp(&(!b.primary, &b.key)));
        let mut failed: Vec<(String, String)> = self
            .failed
            .iter()
            .filter(|(k, _)| !gone(k))
            .cloned()
            .collect();
        failed.extend(changed.iter().filter_map(failure));
        failed.sort();
        Summary {
            rows,
            failed,
            configurations: self.configurations.clone(),
        }
    }

    /// The summary of merged units not linked yet (one configuration): the same rows as
    /// [`Summary::of`] their linked graph, as every row is one unit's own.
    pub fn of_units(units: &BTreeMap<String, CrateGraph>) -> Summary {
        Summary {
            rows: unit_rows(units),
            failed: units.iter().filter_map(failure).collect(),
            configurations: Vec::new(),
        }
    }

    pub fn of(graph: &LinkedGraph) -> Summary {
        let failed = graph.crates.iter().filter_map(failure).collect();
        Summary {
            rows: summary_rows(graph),
            failed,
            configurations: ConfigFigures::of(graph),
        }
    }
}

#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Key {
    exe: Option<Stamp>,
    inputs: Vec<(PathBuf, Stamp)>,
    /// The dataset's units (`Manifest::units_digest`): another writer's dataset misses, the
    /// link's answers written back by a reader do not.
    graph: String,
}

#[derive(Serialize, Deserialize)]
struct Cached {
    key: Key,
    summary: Summary,
}

fn key(inputs: &[PathBuf], graph_dir: &Path) -> Option<Key> {
    let exe = painter_schema::stamp::exe();
    let inputs = inputs
        .iter()
        .map(|p| Some((p.clone(), stamp(p)?)))
        .collect::<Option<_>>()?;
    Some(Key {
        exe,
        inputs,
        graph: painter_dataset::read_manifest(graph_dir)
            .ok()?
            .units_digest(),
    })
}

/// The cached summary, if it was made from exactly these inputs and this dataset.
pub fn lookup(inputs: &[PathBuf], graph_dir: &Path) -> Option<Summary> {
    let cache = graph_dir.with_file_name(CACHE_FILE);
    let cached: Cached = serde_json::from_slice(&fs::read(cache).ok()?).ok()?;
    (cached.key == key(inputs, graph_dir)?).then_some(cached.summary)
}

/// Remember `summary` for these inputs and the dataset just written. Best effort: a failure
/// only costs the next run a link.
pub fn store(inputs: &[PathBuf], graph_dir: &Path, summary: &Summary) {
    let cache = graph_dir.with_file_name(CACHE_FILE);
    let Some(key) = key(inputs, graph_dir) else {
        return;
    };
    let cached = Cached {
        key,
        summary: summary.clone(),
    };
    let written = serde_json::to_vec(&cached)
        .map_err(std::io::Error::other)
        .and_then(|bytes| painter_schema::atomic::write_bytes_atomic(&cache, &bytes));
    if let Err(e) = written {
        log::debug!("cannot write {}: {e}", cache.display());
    }
}

/// The summary of the last run, whatever its inputs: the rows of the units an incremental run
/// did not touch are still true.
pub fn previous(graph_dir: &Path) -> Option<Summary> {
    let cache = graph_dir.with_file_name(CACHE_FILE);
    let cached: Cached = serde_json::from_slice(&fs::read(cache).ok()?).ok()?;
    Some(cached.summary)
}

/// Forget the cached summary (before the dataset is rewritten).
pub fn invalidate(graph_dir: &Path) {
    let _ = fs::remove_file(graph_dir.with_file_name(CACHE_FILE));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempDir;

    #[test]
    fn reused_only_for_the_same_files() {
        let dir = TempDir::new("summary");
        let input = dir.path().join("a.json");
        let graph = dir.path().join("graph");
        fs::write(&input, "{}").unwrap();
        let empty = painter_linker::link_graphs(vec![]);
        painter_dataset::write_dataset(&empty, &graph).unwrap();
        let inputs = vec![input.clone()];
        let summary = Summary {
            rows: vec![],
            failed: vec![("k".into(), "e".into())],
            configurations: vec![],
        };
        assert_eq!(lookup(&inputs, &graph), None);
        store(&inputs, &graph, &summary);
        assert_eq!(lookup(&inputs, &graph), Some(summary));
        // Another set of inputs, or a changed input, misses.
        assert_eq!(lookup(&[], &graph), None);
        fs::write(&input, "{ }").unwrap();
        assert_eq!(lookup(&inputs, &graph), None);
        invalidate(&graph);
        assert!(!graph.with_file_name(CACHE_FILE).exists());
    }
}
