//! The linked graph as a columnar dataset: a directory of Parquet tables, one row per record,
//! and a small `manifest.json` (docs/schema.md, "The dataset (Parquet)").
//!
//! Layout: `<dir>/manifest.json`, `<dir>/<table>/<unit stem>.parquet` for each unit's rows of
//! each per-unit table (no file when the unit has no row), and `<dir>/<table>/graph.parquet`
//! for the graph-wide tables. A unit's files depend on that unit alone, so a rerun, an
//! incremental link or a merge of shards only adds, replaces or removes whole files; the
//! manifest is written last. Reading rebuilds the `LinkedGraph` field for field, so its JSON is
//! the JSON the dataset was written from.

mod address;
mod build;
mod columns;
mod error;
mod ffi;
mod fingerprint;
mod functions;
mod graphwide;
pub mod ids;
mod links;
mod manifest;
mod parquet_io;
mod schemas;
mod unsafety;
mod update;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};

use self::columns::Columns;
pub use self::error::DatasetError;
pub use self::manifest::{DATASET_FORMAT, MANIFEST_FILE, Manifest, Unit, stem};
pub use self::parquet_io::CREATED_BY;
/// The bytes of one table file as the writer writes it (for other writers of dataset tables).
pub use self::parquet_io::to_bytes as parquet_bytes;
pub use self::schemas::table_schema;
pub use self::update::update_units;
use painter_schema::{CrateGraph, Ffi, LinkedGraph, SCHEMA_VERSION, atomic};

/// The per-unit tables, in the order they are written and documented.
pub const UNIT_TABLES: &[&str] = &[
    "functions",
    "calls",
    "unsafe_ops",
    "unsafe_blocks",
    "declarations",
    "ffi_imports",
    "ffi_exports",
    "ffi_callbacks",
    "native_libraries",
    "address_taken",
];

/// The graph-wide tables, one `graph.parquet` file each: the link's answers.
pub const GRAPH_TABLES: &[&str] = &[
    "crate_ids",
    "call_candidates",
    "candidate_sets",
    "candidate_targets",
    "external_functions",
];

/// The one-row-per-unit table (a copy of the manifest's units for SQL; not read back).
pub const UNITS_TABLE: &str = "units";

/// The file stem of the graph-wide tables (a unit's stem always holds an `@`).
const GRAPH_STEM: &str = "graph";

/// Whether `dir` is a dataset: a directory whose `manifest.json` says `painter-dataset`.
pub fn is_dataset(dir: &Path) -> bool {
    let Ok(bytes) = std::fs::read(dir.join(MANIFEST_FILE)) else {
        return false;
    };
    #[derive(serde::Deserialize)]
    struct Header {
        format: Option<String>,
    }
    serde_json::from_slice::<Header>(&bytes)
        .is_ok_and(|h| h.format.as_deref() == Some(DATASET_FORMAT))
}

/// Every directory a dataset in `dir` writes files into: `dir` (the manifest) and one per
/// table. What a sweep for the temp files of a killed writer looks through.
pub fn directories(dir: &Path) -> Vec<PathBuf> {
    let tables = UNIT_TABLES.iter().chain(GRAPH_TABLES).chain([&UNITS_TABLE]);
    std::iter::once(dir.to_path_buf())
        .chain(tables.map(|table| dir.join(table)))
        .collect()
}

fn table_path(dir: &Path, table: &str, stem: &str) -> PathBuf {
    dir.join(table).join(format!("{stem}.parquet"))
}

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
fn write_file(path: &Path, batch: &RecordBatch) -> Result<(), DatasetError> {
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
    // What the directory holds now: units whose facts did not change keep their files.
    let previous = read_manifest(dir).ok();
    let previous: BTreeMap<&str, &Unit> = previous
        .iter()
        .flat_map(|m| &m.units)
        .map(|u| (u.key.as_str(), u))
        .collect();
    for (key, krate) in &graph.crates {
        let previous = previous.get(key.as_str()).copied();
        units.push(write_unit(dir, key, krate, previous, &mut keep)?);
    }
    let mut graph_rows = BTreeMap::new();
    for &table in GRAPH_TABLES {
        let batch = match table {
            "crate_ids" => links::write_crate_ids(&links::crate_ids(graph)),
            "call_candidates" => links::write_call_candidates(graph),
            "candidate_sets" => graphwide::write_sets(&graph.candidate_sets),
            "candidate_targets" => graphwide::write_targets(&graph.candidate_sets),
            _ => graphwide::write_externals(&graph.external_functions),
        };
        graph_rows.insert(table.to_owned(), batch.num_rows() as u64);
        if batch.num_rows() > 0 {
            write_file(&table_path(dir, table, GRAPH_STEM), &batch)?;
            keep.entry(table).or_default().insert(GRAPH_STEM.to_owned());
        }
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

/// Write one unit's table files (unless `previous`, its entry in the dataset being
/// replaced, has the same fingerprint and its files are there) and return its manifest entry.
/// The files it has are added to `keep`.
fn write_unit(
    dir: &Path,
    key: &str,
    krate: &CrateGraph,
    previous: Option<&Unit>,
    keep: &mut BTreeMap<&'static str, BTreeSet<String>>,
) -> Result<Unit, DatasetError> {
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
    for (table, batch) in written {
        if !unchanged {
            write_file(&table_path(dir, table, &stem), batch)?;
        }
        keep.entry(*table).or_default().insert(stem.clone());
    }
    Ok(unit)
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), DatasetError> {
    let path = dir.join(MANIFEST_FILE);
    let mut bytes = serde_json::to_vec_pretty(manifest).expect("the manifest serialises");
    bytes.push(b'\n');
    atomic::write_bytes_atomic(&path, &bytes).map_err(|source| DatasetError::Io { path, source })
}

/// Remove the `*.parquet` files of our tables that the new dataset does not have (units gone,
/// tables now empty), so that globbing a table directory reads exactly this dataset.
fn remove_stale(dir: &Path, keep: &BTreeMap<&str, BTreeSet<String>>) -> Result<(), DatasetError> {
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

/// Read and check a dataset's manifest: format first, then version, then the fields.
pub fn read_manifest(dir: &Path) -> Result<Manifest, DatasetError> {
    let path = dir.join(MANIFEST_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(DatasetError::NoManifest { path });
        }
        Err(source) => return Err(DatasetError::Io { path, source }),
    };
    let bad = |reason: String| DatasetError::BadManifest {
        path: path.clone(),
        reason,
    };
    let header: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
    if header.get("format").and_then(|f| f.as_str()) != Some(DATASET_FORMAT) {
        return Err(bad(format!("`format` is not \"{DATASET_FORMAT}\"")));
    }
    let version = header.get("schema_version").and_then(|v| v.as_u64());
    if version != Some(u64::from(SCHEMA_VERSION)) {
        return Err(DatasetError::Version {
            path,
            found: version.unwrap_or(0),
            expected: SCHEMA_VERSION,
        });
    }
    serde_json::from_value(header).map_err(|e| bad(e.to_string()))
}

/// Every row of one table file, checked against the row count the manifest gives; a table
/// with no row has no file and reads as empty.
fn read_rows<T>(
    path: &Path,
    expected: u64,
    read: impl Fn(&Columns) -> Result<Vec<T>, DatasetError>,
) -> Result<Vec<T>, DatasetError> {
    if expected == 0 {
        return Ok(Vec::new());
    }
    let mut rows = Vec::new();
    for batch in parquet_io::read(path)? {
        rows.extend(read(&Columns {
            batch: &batch,
            path,
        })?);
    }
    if rows.len() as u64 != expected {
        return Err(DatasetError::RowCount {
            path: path.to_path_buf(),
            expected,
            found: rows.len() as u64,
        });
    }
    Ok(rows)
}

/// Rebuild the linked graph a dataset was written from, every field of every record. A
/// dataset whose link is pending ([`Manifest::linked`]) is an error: read its units with
/// [`read_units`] and link them.
pub fn read_dataset(dir: &Path) -> Result<LinkedGraph, DatasetError> {
    let manifest = read_manifest(dir)?;
    if !manifest.linked {
        return Err(DatasetError::NotLinked {
            path: dir.join(MANIFEST_FILE),
        });
    }
    let crates = read_unit_tables(dir, &manifest)?;
    read_link_tables(dir, manifest, crates)
}

/// The units of a dataset, each with its own facts only (calls not resolved, no candidate
/// sets), and its manifest. Works whether or not the link is pending.
pub fn read_units(dir: &Path) -> Result<(Manifest, BTreeMap<String, CrateGraph>), DatasetError> {
    let manifest = read_manifest(dir)?;
    let crates = read_unit_tables(dir, &manifest)?;
    Ok((manifest, crates))
}

fn read_unit_tables(
    dir: &Path,
    manifest: &Manifest,
) -> Result<BTreeMap<String, CrateGraph>, DatasetError> {
    let mut crates = BTreeMap::new();
    for unit in &manifest.units {
        let rows = |table: &str| unit.rows.get(table).copied().unwrap_or(0);
        let path = |table: &str| table_path(dir, table, &unit.stem);
        macro_rules! table {
            ($name:literal, $read:path) => {
                read_rows(&path($name), rows($name), $read)?
            };
        }
        let krate = CrateGraph {
            schema_version: unit.schema_version,
            painter_version: unit.painter_version.clone(),
            toolchain: unit.toolchain.clone(),
            krate: unit.krate.clone(),
            status: unit.status,
            error: unit.error.clone(),
            analysis_ms: unit.analysis_ms,
            functions: table!("functions", functions::read_functions),
            unsafe_ops: table!("unsafe_ops", unsafety::read_ops),
            unsafe_blocks: table!("unsafe_blocks", unsafety::read_blocks),
            calls: table!("calls", functions::read_calls),
            ffi: Ffi {
                imports: table!("ffi_imports", ffi::read_imports),
                exports: table!("ffi_exports", ffi::read_exports),
                callbacks: table!("ffi_callbacks", ffi::read_callbacks),
                native_libraries: table!("native_libraries", ffi::read_libraries),
            },
            declarations: table!("declarations", unsafety::read_declarations),
            address_taken: table!("address_taken", address::read),
            counts: unit.counts.clone(),
        };
        crates.insert(unit.key.clone(), krate);
    }
    Ok(crates)
}

/// Continued from [`read_dataset`]: the graph-wide tables.
fn read_link_tables(
    dir: &Path,
    manifest: Manifest,
    mut crates: BTreeMap<String, CrateGraph>,
) -> Result<LinkedGraph, DatasetError> {
    let graph_rows = |table: &str| manifest.graph_rows.get(table).copied().unwrap_or(0);
    let graph_path = |table: &str| table_path(dir, table, GRAPH_STEM);
    let crate_ids = read_rows(
        &graph_path("crate_ids"),
        graph_rows("crate_ids"),
        links::read_crate_ids,
    )?;
    let call_candidates = read_rows(
        &graph_path("call_candidates"),
        graph_rows("call_candidates"),
        links::read_call_candidates,
    )?;
    links::apply(
        &mut crates,
        &crate_ids,
        &call_candidates,
        &graph_path("call_candidates"),
    )?;
    let mut candidate_sets = Vec::new();
    let sets = read_rows(
        &graph_path("candidate_sets"),
        graph_rows("candidate_sets"),
        |c| {
            let mut sets = Vec::new();
            graphwide::read_sets(c, &mut sets).map(|()| sets)
        },
    )?;
    candidate_sets.extend(sets);
    let targets_path = graph_path("candidate_targets");
    let expected = graph_rows("candidate_targets");
    let before: usize = candidate_sets.iter().map(|s| s.targets.len()).sum();
    if expected > 0 {
        for batch in parquet_io::read(&targets_path)? {
            let c = Columns {
                batch: &batch,
                path: &targets_path,
            };
            graphwide::read_targets(&c, &mut candidate_sets)?;
        }
    }
    let found = candidate_sets
        .iter()
        .map(|s| s.targets.len())
        .sum::<usize>()
        - before;
    if found as u64 != expected {
        return Err(DatasetError::RowCount {
            path: targets_path,
            expected,
            found: found as u64,
        });
    }
    let external_functions = read_rows(
        &graph_path("external_functions"),
        graph_rows("external_functions"),
        graphwide::read_externals,
    )?;
    Ok(LinkedGraph {
        schema_version: manifest.schema_version,
        painter_version: manifest.painter_version,
        format: manifest.graph_format,
        crates,
        external_functions,
        candidate_sets,
        configurations: manifest.configurations,
        stats: manifest.stats,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{RecordBatch, UInt32Array};
    use arrow_schema::{DataType, Field, Schema};

    use super::*;

    /// A column of another type than the table's is an error naming the file and the column.
    #[test]
    fn a_mistyped_column_names_file_and_column() {
        let dir = std::env::temp_dir().join(format!("painter-dataset-{}", std::process::id()));
        let path = dir.join("functions.parquet");
        let schema = Schema::new(vec![Field::new("path", DataType::UInt32, false)]);
        let batch =
            RecordBatch::try_new(Arc::new(schema), vec![Arc::new(UInt32Array::from(vec![7]))])
                .unwrap();
        write_file(&path, &batch).unwrap();
        let err = read_rows(&path, 1, |c| c.text("path").map(|_| vec![()])).unwrap_err();
        let text = err.to_string();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            matches!(&err, DatasetError::ColumnType { column, found, .. } if column == "path" && found == "UInt32"),
            "{text}"
        );
        assert!(
            text.contains("functions.parquet") && text.contains("expected Utf8"),
            "{text}"
        );
    }
}
