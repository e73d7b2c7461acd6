//! The read side: the manifest checked first (format, then version), then each table file
//! against the row counts it gives; the units' facts, and the link tables put back into them.

use std::collections::BTreeMap;
use std::path::Path;

use painter_schema::{CrateGraph, Ffi, LinkedGraph, SCHEMA_VERSION};
use rayon::prelude::*;

use super::columns::Columns;
use super::{
    DATASET_FORMAT, DatasetError, GRAPH_STEM, MANIFEST_FILE, Manifest, address, ffi, functions,
    graphwide, links, parquet_io, table_path, unsafety,
};

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
    // Each unit is its own files: decoded side by side (a reader of a pending dataset, the
    // first command after `cargo painter`, spends most of its time here).
    let units: Vec<(String, CrateGraph)> = manifest
        .units
        .par_iter()
        .map(|unit| -> Result<(String, CrateGraph), DatasetError> {
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
            Ok((unit.key.clone(), krate))
        })
        .collect::<Result<_, _>>()?;
    Ok(units.into_iter().collect())
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
    use crate::write::write_file;

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
