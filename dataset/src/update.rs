//! Replacing some units of a dataset without reading the others: what `cargo painter` does
//! after an edit, when only a few units were re-analysed. The changed units' files are written
//! (and removed units' files deleted); every other unit keeps its files and manifest entry.
//! The link's answers depend on all units, so they are not computed here: the graph-wide
//! tables are removed and the manifest says the link is pending, for the next reader to do.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use painter_schema::{
    Configuration, CrateGraph, LINKED_FORMAT, LinkStats, PAINTER_VERSION, SCHEMA_VERSION,
};

use super::encode::Encoded;
use super::write::{UnitJob, jobs_over, remove_stale, write_manifest, write_units};
use super::{DATASET_FORMAT, DatasetError, Manifest, UNIT_TABLES, UNITS_TABLE, read_manifest};

/// Write the units in `changed` (merged units with their own facts, as
/// `painter_linker::merge_units` gives them), drop those in `removed`, keep the rest, and
/// mark the link pending. `configurations` are the graph's, as the next link should know them.
/// Units in `encoded` ([`crate::encode_unit`]) are written from there.
pub fn update_units(
    dir: &Path,
    changed: &BTreeMap<String, CrateGraph>,
    removed: &BTreeSet<String>,
    configurations: &[Configuration],
    encoded: Encoded,
) -> Result<Manifest, DatasetError> {
    let previous = read_manifest(dir)?;
    let mut keep: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    let mut units = Vec::with_capacity(previous.units.len() + changed.len());
    let mut replaced = BTreeMap::new();
    for unit in previous.units {
        if changed.contains_key(&unit.key) {
            replaced.insert(unit.key.clone(), unit);
            continue;
        }
        if removed.contains(&unit.key) {
            continue;
        }
        for &table in UNIT_TABLES.iter().chain([&UNITS_TABLE]) {
            let rows = unit.rows.get(table).copied().unwrap_or(0);
            if rows > 0 || table == UNITS_TABLE {
                keep.entry(table).or_default().insert(unit.stem.clone());
            }
        }
        units.push(unit);
    }
    let jobs: Vec<UnitJob<'_>> = changed
        .iter()
        .map(|(key, krate)| (key.as_str(), krate, replaced.get(key)))
        .collect();
    units.extend(write_units(dir, &jobs, &mut keep, encoded)?);
    units.sort_by(|a, b| a.key.cmp(&b.key));
    // No graph-wide table is kept: they would describe the previous units.
    remove_stale(dir, &keep)?;
    let manifest = Manifest {
        linked: false,
        painter_version: PAINTER_VERSION.to_owned(),
        units,
        configurations: configurations.to_vec(),
        graph_rows: BTreeMap::new(),
        stats: LinkStats::default(),
        ..previous
    };
    write_manifest(dir, &manifest)?;
    Ok(manifest)
}

/// Write `units` (merged, as `painter_linker::merge_units` gives them) as the whole dataset in
/// `dir`, created if needed, with the link pending: what a cold `cargo painter` run leaves, so
/// that the build costs little more than `cargo check` and the first reader links. Files of
/// an earlier dataset in `dir` that these units do not have are removed; units whose
/// fingerprint did not change keep their files. Units in `encoded` ([`crate::encode_unit`])
/// are written from there.
pub fn write_units_pending(
    dir: &Path,
    units: &BTreeMap<String, CrateGraph>,
    configurations: &[Configuration],
    encoded: Encoded,
) -> Result<Manifest, DatasetError> {
    let previous = read_manifest(dir).ok();
    let jobs = jobs_over(units, previous.as_ref());
    let mut keep = BTreeMap::new();
    let units = write_units(dir, &jobs, &mut keep, encoded)?;
    remove_stale(dir, &keep)?;
    let manifest = Manifest {
        format: DATASET_FORMAT.to_owned(),
        schema_version: SCHEMA_VERSION,
        painter_version: PAINTER_VERSION.to_owned(),
        graph_format: LINKED_FORMAT.to_owned(),
        linked: false,
        units,
        configurations: configurations.to_vec(),
        graph_rows: BTreeMap::new(),
        stats: LinkStats::default(),
    };
    write_manifest(dir, &manifest)?;
    Ok(manifest)
}
