//! Phase 5 (`link`): the per-crate files into the dataset `<out>/graph/`. Three ways, cheapest
//! first: nothing changed (the cached summary); a few files changed in a single-configuration
//! run (only their units are read and written, [`super::incremental`]); otherwise every file
//! is read and merged into units. The link across units (resolution, candidates,
//! instantiations) is done now only on request (`--link`) or for several configurations;
//! otherwise it is left pending for the first reader, like after an incremental run, so that
//! a run costs little more than its `cargo check` (docs/benchmarks.md).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use painter_dataset::Encoded;
use painter_schema::{Configuration, CrateGraph, names};

use super::collect::Collected;
use super::incremental;
use super::preload::{self, FileId, Preloaded};
use super::summary::{self, Summary};
use crate::linking::{self, LinkInputs};

pub fn link(
    collected: &mut Collected,
    graph_dir: &Path,
    preloaded: HashMap<FileId, Preloaded>,
    configurations: &[Configuration],
    now: bool,
) -> Result<Summary> {
    if let Some(summary) = summary::lookup(&collected.files, graph_dir) {
        log::debug!("inputs unchanged: {} is up to date", graph_dir.display());
        return Ok(summary);
    }
    let mut memory = Memory {
        stamped: std::mem::take(&mut collected.stamped).into_iter().collect(),
        preloaded,
        encoded: Encoded::new(),
    };
    if configurations.is_empty()
        && let Some(plan) = incremental::plan(&collected.files, graph_dir)
    {
        let start = Instant::now();
        match link_some(&plan, collected, graph_dir, &mut memory)? {
            Some(summary) => {
                log::debug!("updated the changed units in {:.2?}", start.elapsed());
                return Ok(summary);
            }
            None => log::debug!("cannot update units on their own: linking everything"),
        }
    }
    // The link across units is left to the first reader unless asked for now; a run of
    // several configurations links now, as its summary describes them across units.
    let pending = !now && configurations.is_empty();
    link_all(collected, graph_dir, &mut memory, configurations, pending)
}

/// Every file read (what is not in memory yet, now) and merged into units; written with the
/// link across units done (or `pending`: left to the first reader, `painter_linker::read_graph`,
/// as after an incremental run).
fn link_all(
    collected: &Collected,
    graph_dir: &Path,
    memory: &mut Memory,
    configurations: &[Configuration],
    pending: bool,
) -> Result<Summary> {
    log::debug!("reading {} files", collected.files.len());
    let start = Instant::now();
    let (mut parsed, unreadable) = read(&collected.files, memory);
    let keys: Vec<(PathBuf, String)> = parsed
        .iter()
        .map(|(path, graph)| (path.clone(), graph.krate.key()))
        .collect();
    // Unreadable files are left out with a warning (by the link step): one bad file must not
    // cost the user the rest of the analysis.
    let merged = linking::merge(LinkInputs {
        parsed: parsed.drain(..).map(|(_, graph)| graph).collect(),
        files: &unreadable,
        keep_going: true,
        require_usable: false,
        configurations,
    })?;
    let (complete, aliases) = (merged.skipped.is_empty(), merged.aliases.clone());
    log::debug!("loaded and merged in {:.2?}", start.elapsed());
    summary::invalidate(graph_dir);
    incremental::forget(graph_dir);
    let start = Instant::now();
    let encoded = memory.encoded_for(&merged.as_prepared);
    let summary = if pending {
        painter_dataset::write_units_pending(
            graph_dir,
            &merged.units,
            &merged.configurations,
            encoded,
        )
        .with_context(|| format!("cannot write the dataset {}", graph_dir.display()))?;
        let summary = Summary::of_units(&merged.units);
        linking::free_in_background(merged);
        summary
    } else {
        let graph = painter_linker::link_units(merged.units, &merged.configurations);
        painter_dataset::write_dataset_with(&graph, graph_dir, encoded)
            .with_context(|| format!("cannot write the dataset {}", graph_dir.display()))?;
        let summary = Summary::of(&graph);
        linking::free_in_background(graph);
        summary
    };
    log::debug!(
        "wrote {} ({}) in {:.2?}",
        graph_dir.display(),
        if pending { "link pending" } else { "linked" },
        start.elapsed()
    );
    remove_json_graph(graph_dir);
    // Not cached when files were left out, so their warnings come back on the next run. (Files
    // may be fewer than crates: one package built twice, e.g. for the host and the target,
    // is one crate of the graph.)
    if complete {
        summary::store(&collected.files, graph_dir, &summary);
        incremental::store(graph_dir, &keys, &aliases);
    }
    Ok(summary)
}

/// Only the units of the changed files read, merged (with the last whole link's renaming of
/// ids) and written; `None` when that cannot be done soundly (a file does not read, the
/// changed units are copies of a package to be joined, no summary to update), and nothing was
/// written then.
fn link_some(
    plan: &incremental::Plan,
    collected: &Collected,
    graph_dir: &Path,
    memory: &mut Memory,
) -> Result<Option<Summary>> {
    let Some(previous) = summary::previous(graph_dir) else {
        return Ok(None);
    };
    let (mut parsed, unreadable) = read(&plan.changed, memory);
    let mut keys: BTreeSet<String> = parsed.iter().map(|(_, g)| g.krate.key()).collect();
    keys.extend(plan.shrunk());
    let (more, unreadable_more) = read(&plan.also_read(&keys), memory);
    if !unreadable.is_empty() || !unreadable_more.is_empty() {
        return Ok(None);
    }
    parsed.extend(more);
    let files: Vec<(PathBuf, String)> = parsed
        .iter()
        .map(|(path, graph)| (path.clone(), graph.krate.key()))
        .collect();
    let removed = plan.removed(&keys);
    let crates = parsed.into_iter().map(|(_, g)| g).collect();
    let Some(merged) = painter_linker::merge_units_with(crates, &plan.aliases) else {
        return Ok(None);
    };
    log::debug!(
        "{} units changed, {} removed, {} kept",
        merged.units.len(),
        removed.len(),
        plan.unchanged.len()
            - keys
                .iter()
                .filter(|k| plan.unchanged.contains_key(*k))
                .count()
    );
    summary::invalidate(graph_dir);
    incremental::forget(graph_dir);
    let encoded = memory.encoded_for(&merged.as_prepared);
    painter_dataset::update_units(graph_dir, &merged.units, &removed, &[], encoded)?;
    remove_json_graph(graph_dir);
    let summary = previous.updated(&merged.units, &removed);
    summary::store(&collected.files, graph_dir, &summary);
    // The record: the unchanged units' files as they were, the rest as just read.
    let mut record: Vec<(PathBuf, String)> = plan
        .unchanged
        .iter()
        .filter(|(k, _)| !keys.contains(*k))
        .flat_map(|(k, paths)| paths.iter().map(|p| (p.clone(), k.clone())))
        .collect();
    record.extend(files);
    incremental::store(graph_dir, &record, &merged.aliases);
    Ok(Some(summary))
}

/// What the link finds in memory: graphs parsed while collecting (`stamped`) or while cargo
/// was building (`preloaded`), and the units encoded then, by key, as their files are taken.
struct Memory {
    stamped: HashMap<PathBuf, CrateGraph>,
    preloaded: HashMap<FileId, Preloaded>,
    encoded: Encoded,
}

impl Memory {
    fn take(&mut self, file: &Path) -> Option<CrateGraph> {
        if let Some(graph) = self.stamped.remove(file) {
            return Some(graph);
        }
        let preloaded = self.preloaded.remove(&preload::file_id(file)?)?;
        if let Some(encoded) = preloaded.encoded {
            self.encoded.insert(encoded.key().to_owned(), encoded);
        }
        Some(preloaded.graph)
    }

    /// The encodings that hold for the merged units: those of units that are their one
    /// crate, as it was encoded (`painter_linker::Units::as_prepared`).
    fn encoded_for(&mut self, as_prepared: &BTreeSet<String>) -> Encoded {
        let mut encoded = std::mem::take(&mut self.encoded);
        encoded.retain(|key, _| as_prepared.contains(key));
        log::debug!("{} units encoded during the build", encoded.len());
        encoded
    }
}

/// `files` parsed (from memory when they are there), and those that do not read.
fn read(files: &[PathBuf], memory: &mut Memory) -> (Vec<(PathBuf, CrateGraph)>, Vec<PathBuf>) {
    let mut parsed = Vec::with_capacity(files.len());
    let mut rest = Vec::new();
    for file in files {
        match memory.take(file) {
            Some(graph) => parsed.push((file.clone(), graph)),
            None => rest.push(file.clone()),
        }
    }
    log::debug!("{} files in memory, {} to read", parsed.len(), rest.len());
    let (now, unreadable) = preload::parse_all(&rest);
    parsed.extend(now);
    (parsed, unreadable)
}

/// Runs before the dataset wrote `<out>/graph.json`; left there it would be an outdated copy
/// of the graph that scripts might still read.
fn remove_json_graph(graph_dir: &Path) {
    let old = graph_dir.with_file_name(names::GRAPH_FILE);
    if std::fs::remove_file(&old).is_ok() {
        log::debug!(
            "removed the JSON graph of an earlier version: {}",
            old.display()
        );
    }
}
