//! Linking after an edit without reading the units that did not change. The dataset's units
//! hold their own facts only, and the summary a run prints is per unit, so when a few
//! per-crate files changed, only their units are read, merged and written
//! (`painter_dataset::update_units`); the link's answers across units are left pending for the
//! next reader (`painter_linker::read_graph`). Which unit each file went into is remembered
//! beside the dataset, keyed on the files' stamps, the dataset's manifest and this binary.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use painter_linker::Aliases;

use painter_schema::stamp::{self, Stamp, stamp};

/// The record of the last link's inputs, beside the dataset directory.
pub const INPUTS_FILE: &str = ".link-inputs.json";

#[derive(Debug, Serialize, Deserialize)]
struct Inputs {
    exe: Option<Stamp>,
    /// The dataset's units this record goes with (`Manifest::units_digest`): a dataset
    /// written by anyone else invalidates it, the link's answers written back do not.
    units: String,
    files: Vec<Input>,
    /// The renaming of the last whole link, applied to the units merged again.
    aliases: Aliases,
}

#[derive(Debug, Serialize, Deserialize)]
struct Input {
    path: PathBuf,
    stamp: Stamp,
    key: String,
}

fn inputs_file(graph_dir: &Path) -> PathBuf {
    graph_dir.with_file_name(INPUTS_FILE)
}

fn units_digest(graph_dir: &Path) -> Option<String> {
    Some(
        painter_dataset::read_manifest(graph_dir)
            .ok()?
            .units_digest(),
    )
}

/// What changed since the last link.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Files that are new or replaced: read them, then [`Plan::also_read`] for their units.
    pub changed: Vec<PathBuf>,
    /// The unchanged files of each unit: read along with a changed file of the same unit.
    pub unchanged: BTreeMap<String, Vec<PathBuf>>,
    /// Units of the last link, with the files they had.
    previous: BTreeMap<String, Vec<PathBuf>>,
    /// The renaming of the last whole link (see [`painter_linker::merge_units_with`]).
    pub aliases: Aliases,
}

impl Plan {
    /// The unchanged files of the units the changed files turned out to belong to: a unit is
    /// merged from all of its files.
    pub fn also_read(&self, keys: &BTreeSet<String>) -> Vec<PathBuf> {
        keys.iter()
            .filter_map(|k| self.unchanged.get(k))
            .flatten()
            .cloned()
            .collect()
    }

    /// Units of the last link that lost a file but kept others: merged again from the rest.
    pub fn shrunk(&self) -> BTreeSet<String> {
        self.unchanged
            .iter()
            .filter(|(k, files)| {
                self.previous
                    .get(*k)
                    .is_some_and(|p| p.len() != files.len())
            })
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Units of the last link none of whose files is an input any more, nor any changed file
    /// belongs to.
    pub fn removed(&self, changed_keys: &BTreeSet<String>) -> BTreeSet<String> {
        self.previous
            .keys()
            .filter(|k| !self.unchanged.contains_key(*k) && !changed_keys.contains(*k))
            .cloned()
            .collect()
    }
}

/// The plan for `files` (this build's per-crate files), or `None` when the record does not
/// hold: no record, another binary, another dataset, or nothing changed.
pub fn plan(files: &[PathBuf], graph_dir: &Path) -> Option<Plan> {
    let inputs: Inputs = serde_json::from_slice(&fs::read(inputs_file(graph_dir)).ok()?).ok()?;
    if inputs.exe != stamp::exe() || Some(&inputs.units) != units_digest(graph_dir).as_ref() {
        return None;
    }
    let known: BTreeMap<&Path, &Input> =
        inputs.files.iter().map(|i| (i.path.as_path(), i)).collect();
    let mut plan = Plan {
        aliases: inputs.aliases.clone(),
        ..Plan::default()
    };
    for input in &inputs.files {
        plan.previous
            .entry(input.key.clone())
            .or_default()
            .push(input.path.clone());
    }
    for file in files {
        match known.get(file.as_path()) {
            Some(input) if Some(&input.stamp) == stamp(file).as_ref() => plan
                .unchanged
                .entry(input.key.clone())
                .or_default()
                .push(file.clone()),
            _ => plan.changed.push(file.clone()),
        }
    }
    let gone = inputs.files.len() + plan.changed.len() != files.len();
    (!plan.changed.is_empty() || gone).then_some(plan)
}

/// Remember which unit each of `files` went into, for the next run's [`plan`]. Best effort:
/// without the record the next run links everything.
pub fn store(graph_dir: &Path, files: &[(PathBuf, String)], aliases: &Aliases) {
    let (Some(units), exe) = (units_digest(graph_dir), stamp::exe()) else {
        return;
    };
    let files = files
        .iter()
        .map(|(path, key)| {
            Some(Input {
                path: path.clone(),
                stamp: stamp(path)?,
                key: key.clone(),
            })
        })
        .collect::<Option<Vec<_>>>();
    let Some(files) = files else {
        return forget(graph_dir);
    };
    let record = Inputs {
        exe,
        units,
        files,
        aliases: aliases.clone(),
    };
    let path = inputs_file(graph_dir);
    let written = serde_json::to_vec(&record)
        .map_err(std::io::Error::other)
        .and_then(|bytes| painter_schema::atomic::write_bytes_atomic(&path, &bytes));
    if let Err(e) = written {
        log::debug!("cannot write {}: {e}", path.display());
    }
}

/// Forget the record (the next run links everything).
pub fn forget(graph_dir: &Path) {
    let _ = fs::remove_file(inputs_file(graph_dir));
}
