//! The write side: a linked graph (or some of its units) into table files and a manifest,
//! encoding only the units whose fingerprint changed and removing the files the new dataset
//! does not have.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use painter_schema::{CrateGraph, LinkedGraph, SCHEMA_VERSION, atomic};
use rayon::prelude::*;

use super::{
    DATASET_FORMAT, DatasetError, GRAPH_STEM, GRAPH_TABLES, MANIFEST_FILE, Manifest, UNIT_TABLES,
    UNITS_TABLE, Unit, address, ffi, fingerprint, functions, graphwide, links, parquet_io,
    read_manifest, stem, table_path, unsafety,
};

/// The batch of one unit table of `krate`, led by a `unit` column holding the crate's key on
/// every row (dictionary-encoded, so nearly free), so that SQL over a whole table directory can
/// group and join by unit without parsing file names. The reader does not need it.
fn unit_batch(table: &str, key: &str, krate: &CrateGraph) -> RecordBatch {
    let batch = record_batch(table, krate);
    let mut fields = vec![Arc::new(Field::new("unit", DataType::Utf8, false))];
    fields.extend(batch.schema().fields().iter().cloned());
    let mut columns: Vec<ArrayRef> = vec![Arc::new(StringArray::from_iter_values(
        std::iter::repeat_n(key, batch.num_rows()),
    ))];
    columns.extend(batch.columns().iter().cloned());
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).expect("one unit value per row")
}

fn record_batch(table: &str, krate: &CrateGraph) -> RecordBatch {
    let ffi = &krate.ffi;
    match table {
        "functions" => functions::write_functions(&krate.functions),
        "calls" => functions::write_calls(&krate.calls),
        "unsafe_ops" => unsafety::write_ops(&krate.unsafe_ops),
        "unsafe_blocks" => unsafety::write_blocks(&krate.unsafe_blocks),
        "declarations" => unsafety::write_declarations(&krate.declarations),
        "ffi_imports" => ffi::write_imports(&ffi.imports),
        "ffi_exports" => ffi::write_exports(&ffi.exports),
        "ffi_callbacks" => ffi::write_callbacks(&ffi.callbacks),
        "native_libraries" => ffi::write_libraries(&ffi.native_libraries),
        "address_taken" => address::write(&krate.address_taken),
        other => unreachable!("not a unit table: {other}"),
    }
}

/// Write `batch` to `path` unless the file already holds exactly these bytes (a rerun leaves
/// unchanged units' files untouched).
pub(crate) fn write_file(path: &Path, batch: &RecordBatch) -> Result<(), DatasetError> {
    let bytes = parquet_io::to_bytes(batch, path)?;
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    atomic::write_bytes_atomic(path, &bytes).map_err(|source| DatasetError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Write `graph` as a dataset in `dir` (created if needed). Table files of an earlier dataset
/// in `dir` that this graph does not have are removed; the manifest is written last.
pub fn write_dataset(graph: &LinkedGraph, dir: &Path) -> Result<Manifest, DatasetError> {
    let mut keep: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    let mut units = Vec::with_capacity(graph.crates.len());
    let previous = read_manifest(dir).ok();
    let jobs = jobs_over(&graph.crates, previous.as_ref());
    // Units and graph-wide tables are independent files: encoded side by side.
    let (written, graph_tables) = rayon::join(
        || write_units(dir, &jobs, &mut keep),
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
/// manifest entries in the jobs' order; the files they have are added to `keep`.
pub(crate) fn write_units(
    dir: &Path,
    jobs: &[UnitJob<'_>],
    keep: &mut BTreeMap<&'static str, BTreeSet<String>>,
) -> Result<Vec<Unit>, DatasetError> {
    let written: Vec<(Unit, Vec<&'static str>)> = jobs
        .par_iter()
        .map(|&(key, krate, previous)| write_unit(dir, key, krate, previous))
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
/// replaced, has the same fingerprint and its files are there); its manifest entry and the
/// tables it has files in.
fn write_unit(
    dir: &Path,
    key: &str,
    krate: &CrateGraph,
    previous: Option<&Unit>,
) -> Result<(Unit, Vec<&'static str>), DatasetError> {
    let stem = stem(key);
    let mut rows = BTreeMap::new();
    let mut fingerprint = fingerprint::Fingerprint::new();
    let mut batches = Vec::with_capacity(UNIT_TABLES.len() + 1);
    for &table in UNIT_TABLES {
        let batch = unit_batch(table, key, krate);
        rows.insert(table.to_owned(), batch.num_rows() as u64);
        fingerprint.add(table, &batch);
        batches.push((table, batch));
    }
    let mut unit = Unit {
        key: key.to_owned(),
        stem: stem.clone(),
        schema_version: krate.schema_version,
        painter_version: krate.painter_version.clone(),
        toolchain: krate.toolchain.clone(),
        krate: krate.krate.clone(),
        status: krate.status,
        error: krate.error.clone(),
        analysis_ms: krate.analysis_ms,
        counts: krate.counts.clone(),
        rows,
        fingerprint: String::new(),
    };
    let unit_row = graphwide::write_unit(&unit);
    fingerprint.add(UNITS_TABLE, &unit_row);
    unit.fingerprint = fingerprint.finish();
    batches.push((UNITS_TABLE, unit_row));
    let written: Vec<_> = batches.iter().filter(|(_, b)| b.num_rows() > 0).collect();
    let unchanged = previous.is_some_and(|old| {
        old.fingerprint == unit.fingerprint
            && old.stem == stem
            && written
                .iter()
                .all(|(table, _)| table_path(dir, table, &stem).is_file())
    });
    let mut tables = Vec::with_capacity(written.len());
    for (table, batch) in written {
        if !unchanged {
            write_file(&table_path(dir, table, &stem), batch)?;
        }
        tables.push(*table);
    }
    Ok((unit, tables))
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
