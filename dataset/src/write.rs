//! The write side: a linked graph (or some of its units) into table files and a manifest,
//! encoding only the units whose fingerprint changed and removing the files the new dataset
//! does not have.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use arrow_array::RecordBatch;
use painter_schema::{CrateGraph, LinkedGraph, SCHEMA_VERSION, atomic};
use rayon::prelude::*;

use super::encode::{Encoded, EncodedUnit, UnitBatches, unit_batches};
use super::{
    DATASET_FORMAT, DatasetError, GRAPH_STEM, GRAPH_TABLES, MANIFEST_FILE, Manifest, UNIT_TABLES,
    UNITS_TABLE, Unit, graphwide, links, parquet_io, read_manifest, table_path,
};

/// Write `batch` to `path` unless the file already holds exactly these bytes (a rerun leaves
/// unchanged units' files untouched).
pub(crate) fn write_file(path: &Path, batch: &RecordBatch) -> Result<(), DatasetError> {
    write_bytes(path, &parquet_io::to_bytes(batch, path)?)
}

/// [`write_file`] with the file's bytes encoded already.
fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), DatasetError> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    atomic::write_bytes_atomic(path, bytes).map_err(|source| DatasetError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Write `graph` as a dataset in `dir` (created if needed). Table files of an earlier dataset
/// in `dir` that this graph does not have are removed; the manifest is written last.
pub fn write_dataset(graph: &LinkedGraph, dir: &Path) -> Result<Manifest, DatasetError> {
    write_dataset_with(graph, dir, Encoded::new())
}

/// [`write_dataset`], with the units in `encoded` ([`crate::encode_unit`]) written from there.
pub fn write_dataset_with(
    graph: &LinkedGraph,
    dir: &Path,
    encoded: Encoded,
) -> Result<Manifest, DatasetError> {
    let mut keep: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    let mut units = Vec::with_capacity(graph.crates.len());
    let previous = read_manifest(dir).ok();
    let jobs = jobs_over(&graph.crates, previous.as_ref());
    // Units and graph-wide tables are independent files: encoded side by side.
    let (written, graph_tables) = rayon::join(
        || write_units(dir, &jobs, &mut keep, encoded),
        || write_graph_tables(dir, graph),
    );
    units.extend(written?);
    let mut graph_rows = BTreeMap::new();
    for (table, rows) in graph_tables? {
        if rows > 0 {
            keep.entry(table).or_default().insert(GRAPH_STEM.to_owned());
        }
        graph_rows.insert(table.to_owned(), rows);
    }
    remove_stale(dir, &keep)?;
    let manifest = Manifest {
        format: DATASET_FORMAT.to_owned(),
        schema_version: SCHEMA_VERSION,
        painter_version: graph.painter_version.clone(),
        graph_format: graph.format.clone(),
        linked: true,
        units,
        configurations: graph.configurations.clone(),
        graph_rows,
        stats: graph.stats.clone(),
    };
    write_manifest(dir, &manifest)?;
    Ok(manifest)
}

/// The link's answers for the dataset in `dir` whose units `graph` was linked from (a pending
/// dataset, read back and linked): its graph-wide tables and the manifest, now linked. The
/// units' files are left as they are: encoding them again only to find them unchanged was
/// most of a reader's write-back. When `graph` does not have exactly `manifest`'s units, the
/// whole dataset is written ([`write_dataset`]).
pub fn write_link(
    dir: &Path,
    manifest: Manifest,
    graph: &LinkedGraph,
) -> Result<Manifest, DatasetError> {
    let same_units = manifest.units.len() == graph.crates.len()
        && manifest
            .units
            .iter()
            .zip(graph.crates.keys())
            .all(|(unit, key)| &unit.key == key);
    if !same_units {
        return write_dataset(graph, dir);
    }
    let mut graph_rows = BTreeMap::new();
    let mut keep: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    for unit in &manifest.units {
        for &table in UNIT_TABLES.iter().chain([&UNITS_TABLE]) {
            if table == UNITS_TABLE || unit.rows.get(table).copied().unwrap_or(0) > 0 {
                keep.entry(table).or_default().insert(unit.stem.clone());
            }
        }
    }
    for (table, rows) in write_graph_tables(dir, graph)? {
        if rows > 0 {
            keep.entry(table).or_default().insert(GRAPH_STEM.to_owned());
        }
        graph_rows.insert(table.to_owned(), rows);
    }
    remove_stale(dir, &keep)?;
    let manifest = Manifest {
        painter_version: graph.painter_version.clone(),
        graph_format: graph.format.clone(),
        linked: true,
        configurations: graph.configurations.clone(),
        graph_rows,
        stats: graph.stats.clone(),
        ..manifest
    };
    write_manifest(dir, &manifest)?;
    Ok(manifest)
}

/// The jobs writing `crates` over the dataset whose manifest is `previous` (what the
/// directory holds now): units whose facts did not change keep their files.
pub(crate) fn jobs_over<'a>(
    crates: &'a BTreeMap<String, CrateGraph>,
    previous: Option<&'a Manifest>,
) -> Vec<UnitJob<'a>> {
    let previous: BTreeMap<&str, &Unit> = previous
        .iter()
        .flat_map(|m| &m.units)
        .map(|u| (u.key.as_str(), u))
        .collect();
    crates
        .iter()
        .map(|(key, krate)| (key.as_str(), krate, previous.get(key.as_str()).copied()))
        .collect()
}

/// A unit to write: its key, its facts and its entry in the dataset being replaced.
pub(crate) type UnitJob<'a> = (&'a str, &'a CrateGraph, Option<&'a Unit>);

/// [`write_unit`] for every job, in parallel (each unit is its own files), returning their
/// manifest entries in the jobs' order; the files they have are added to `keep`. A job whose
/// unit is in `encoded` has its files written from there.
pub(crate) fn write_units(
    dir: &Path,
    jobs: &[UnitJob<'_>],
    keep: &mut BTreeMap<&'static str, BTreeSet<String>>,
    mut encoded: Encoded,
) -> Result<Vec<Unit>, DatasetError> {
    let jobs: Vec<(UnitJob<'_>, Option<EncodedUnit>)> = jobs
        .iter()
        .map(|&job| (job, encoded.remove(job.0)))
        .collect();
    let written: Vec<(Unit, Vec<&'static str>)> = jobs
        .into_par_iter()
        .map(|((key, krate, previous), ready)| write_unit(dir, key, krate, previous, ready))
        .collect::<Result<_, _>>()?;
    Ok(written
        .into_iter()
        .map(|(unit, tables)| {
            for table in tables {
                keep.entry(table).or_default().insert(unit.stem.clone());
            }
            unit
        })
        .collect())
}

/// The graph-wide tables of `graph` (the link's answers), with their row counts; an empty
/// table has no file.
fn write_graph_tables(
    dir: &Path,
    graph: &LinkedGraph,
) -> Result<Vec<(&'static str, u64)>, DatasetError> {
    GRAPH_TABLES
        .par_iter()
        .map(|&table| {
            let batch = match table {
                "crate_ids" => links::write_crate_ids(&links::crate_ids(graph)),
                "call_candidates" => links::write_call_candidates(graph),
                "candidate_sets" => graphwide::write_sets(&graph.candidate_sets),
                "candidate_targets" => graphwide::write_targets(&graph.candidate_sets),
                _ => graphwide::write_externals(&graph.external_functions),
            };
            if batch.num_rows() > 0 {
                write_file(&table_path(dir, table, GRAPH_STEM), &batch)?;
            }
            Ok((table, batch.num_rows() as u64))
        })
        .collect()
}

/// Write one unit's table files (unless `previous`, its entry in the dataset being
/// replaced, has the same fingerprint and its files are there), from `ready` when the unit
/// was encoded already; its manifest entry and the tables it has files in.
fn write_unit(
    dir: &Path,
    key: &str,
    krate: &CrateGraph,
    previous: Option<&Unit>,
    ready: Option<EncodedUnit>,
) -> Result<(Unit, Vec<&'static str>), DatasetError> {
    let (unit, files) = match ready {
        Some(EncodedUnit { unit, files }) => (unit, Files::Encoded(files)),
        None => {
            let UnitBatches { unit, batches } = unit_batches(key, krate);
            (unit, Files::Batches(batches))
        }
    };
    let tables = files.tables();
    let unchanged = previous.is_some_and(|old| {
        old.fingerprint == unit.fingerprint
            && old.stem == unit.stem
            && tables
                .iter()
                .all(|table| table_path(dir, table, &unit.stem).is_file())
    });
    if !unchanged {
        match files {
            Files::Encoded(files) => {
                for (table, bytes) in files {
                    write_bytes(&table_path(dir, table, &unit.stem), &bytes)?;
                }
            }
            Files::Batches(batches) => {
                for (table, batch) in batches {
                    write_file(&table_path(dir, table, &unit.stem), &batch)?;
                }
            }
        }
    }
    Ok((unit, tables))
}

/// A unit's files to write: encoded ahead, or still to encode.
enum Files {
    Encoded(Vec<(&'static str, Vec<u8>)>),
    Batches(Vec<(&'static str, RecordBatch)>),
}

impl Files {
    fn tables(&self) -> Vec<&'static str> {
        match self {
            Files::Encoded(files) => files.iter().map(|(t, _)| *t).collect(),
            Files::Batches(batches) => batches.iter().map(|(t, _)| *t).collect(),
        }
    }
}

pub(crate) fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), DatasetError> {
    let path = dir.join(MANIFEST_FILE);
    let mut bytes = serde_json::to_vec_pretty(manifest).expect("the manifest serialises");
    bytes.push(b'\n');
    atomic::write_bytes_atomic(&path, &bytes).map_err(|source| DatasetError::Io { path, source })
}

/// Remove the `*.parquet` files of our tables that the new dataset does not have (units gone,
/// tables now empty), so that globbing a table directory reads exactly this dataset.
pub(crate) fn remove_stale(
    dir: &Path,
    keep: &BTreeMap<&str, BTreeSet<String>>,
) -> Result<(), DatasetError> {
    let all = UNIT_TABLES.iter().chain(GRAPH_TABLES).chain([&UNITS_TABLE]);
    for &table in all {
        let table_dir = dir.join(table);
        let Ok(entries) = std::fs::read_dir(&table_dir) else {
            continue;
        };
        let io = |source| DatasetError::Io {
            path: table_dir.clone(),
            source,
        };
        for entry in entries {
            let path = entry.map_err(io)?.path();
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let kept = keep.get(table).is_some_and(|k| k.contains(stem));
            if path.extension().is_some_and(|e| e == "parquet") && !kept {
                std::fs::remove_file(&path).map_err(|source| DatasetError::Io { path, source })?;
            }
        }
    }
    Ok(())
}
