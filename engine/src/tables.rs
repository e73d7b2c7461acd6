//! Registering a dataset directory's tables with DataFusion: one listing table per table
//! directory (every `*.parquet` file in it, read out of core), and an empty table with the
//! documented schema for a table that has no file, so queries over it see zero rows.
//!
//! Before registering, every file's Parquet footer is read and its row count compared with the
//! manifest: DataFusion's own errors for a truncated file do not name the file, and a bad file
//! would otherwise only show up in the middle of a long query.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::datasource::MemTable;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::ListingOptions;
use datafusion::parquet::file::metadata::ParquetMetaDataReader;
use datafusion::prelude::SessionContext;
use painter_dataset::{GRAPH_TABLES, Manifest, UNIT_TABLES, UNITS_TABLE};

use crate::error::EngineError;

/// The link tables the dataset writer adds next to the graph-wide ones (docs/schema.md), with
/// their schemas for datasets that do not have them yet.
pub const LINK_TABLES: &[&str] = &["crate_ids", "call_candidates"];

/// Every table of a dataset, per-unit tables first.
pub fn all_tables() -> Vec<&'static str> {
    let mut tables: Vec<&str> = UNIT_TABLES.to_vec();
    tables.push(UNITS_TABLE);
    tables.extend(GRAPH_TABLES);
    for table in LINK_TABLES {
        if !tables.contains(table) {
            tables.push(table);
        }
    }
    tables
}

/// The schema of `table` when it has no file: the dataset crate's, or for the link tables the
/// documented one.
pub fn documented_schema(table: &str) -> Option<SchemaRef> {
    if let Some(schema) = painter_dataset::table_schema(table) {
        return Some(schema);
    }
    let field = |name: &str, t: DataType, nullable: bool| Field::new(name, t, nullable);
    let fields = match table {
        "crate_ids" => vec![
            field("stable_id", DataType::Utf8, false),
            field("crate_id", DataType::UInt64, true),
            field("unit", DataType::Utf8, false),
        ],
        "call_candidates" => vec![
            field("unit", DataType::Utf8, false),
            field("call_index", DataType::UInt32, false),
            field("set", DataType::UInt32, false),
        ],
        _ => return None,
    };
    Some(Arc::new(Schema::new(fields)))
}

/// The `*.parquet` files of one table directory, sorted (temp files of an interrupted write
/// end otherwise and are not read).
pub fn table_files(dir: &Path, table: &str) -> Result<Vec<PathBuf>, EngineError> {
    let table_dir = dir.join(table);
    let entries = match std::fs::read_dir(&table_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(EngineError::Io {
                path: table_dir,
                source,
            });
        }
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|source| EngineError::Io {
                path: table_dir.clone(),
                source,
            })?
            .path();
        if path.extension().is_some_and(|e| e == "parquet") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// The row count the manifest gives for each file of `table`, by file path.
fn expected_rows(dir: &Path, manifest: &Manifest, table: &str) -> BTreeMap<PathBuf, u64> {
    let path = |stem: &str| dir.join(table).join(format!("{stem}.parquet"));
    if UNIT_TABLES.contains(&table) {
        manifest
            .units
            .iter()
            .filter_map(|u| Some((path(&u.stem), *u.rows.get(table).filter(|&&n| n > 0)?)))
            .collect()
    } else if table == UNITS_TABLE {
        manifest.units.iter().map(|u| (path(&u.stem), 1)).collect()
    } else {
        manifest
            .graph_rows
            .get(table)
            .filter(|&&n| n > 0)
            .map(|&n| (path("graph"), n))
            .into_iter()
            .collect()
    }
}

/// Read the footer of every file of `table` and compare its rows with the manifest; a file the
/// manifest does not list is an error too (a stale file from another dataset would be read).
/// Returns the schema of the first file.
pub fn verify(
    dir: &Path,
    manifest: &Manifest,
    table: &str,
    files: &[PathBuf],
) -> Result<Option<SchemaRef>, EngineError> {
    let expected = expected_rows(dir, manifest, table);
    let mut schema = None;
    for path in files {
        let bad = |reason: String| EngineError::File {
            path: path.clone(),
            reason,
        };
        let file = std::fs::File::open(path).map_err(|source| EngineError::Io {
            path: path.clone(),
            source,
        })?;
        let metadata = ParquetMetaDataReader::new()
            .parse_and_finish(&file)
            .map_err(|e| bad(format!("not a readable Parquet file: {e}")))?;
        let rows = metadata.file_metadata().num_rows() as u64;
        // Link tables written by `Engine::link` into a dataset are not in an older manifest.
        let want = expected.get(path).copied();
        match want {
            Some(n) if n != rows => {
                return Err(bad(format!(
                    "{rows} rows, the manifest says {n} (truncated or replaced)"
                )));
            }
            None if !LINK_TABLES.contains(&table) => {
                return Err(bad("a file the manifest does not list".into()));
            }
            _ => {}
        }
        if schema.is_none() {
            let arrow = datafusion::parquet::arrow::parquet_to_arrow_schema(
                metadata.file_metadata().schema_descr(),
                metadata.file_metadata().key_value_metadata(),
            )
            .map_err(|e| bad(format!("no Arrow schema: {e}")))?;
            schema = Some(Arc::new(arrow));
        }
    }
    if let Some((path, n)) = expected.iter().find(|(p, _)| !files.contains(p)) {
        return Err(EngineError::File {
            path: path.clone(),
            reason: format!("missing: the manifest lists it with {n} rows"),
        });
    }
    Ok(schema)
}

/// Register `table` in `ctx`: its files as one listing table, or an empty table.
pub async fn register(
    ctx: &SessionContext,
    dir: &Path,
    table: &str,
    files: &[PathBuf],
    schema: Option<SchemaRef>,
) -> Result<(), EngineError> {
    let sql_err = |source| EngineError::sql(&format!("register {table}"), source);
    let _ = ctx.deregister_table(table).map_err(sql_err)?;
    let schema = schema.or_else(|| documented_schema(table));
    if files.is_empty() {
        let schema = schema.ok_or_else(|| EngineError::UnknownQuery(table.to_owned()))?;
        let empty = MemTable::try_new(schema, vec![vec![]]).map_err(sql_err)?;
        ctx.register_table(table, Arc::new(empty))
            .map_err(sql_err)?;
        return Ok(());
    }
    let options =
        ListingOptions::new(Arc::new(ParquetFormat::default())).with_file_extension(".parquet");
    let url = format!("{}/", dir.join(table).display());
    ctx.register_listing_table(table, url, options, schema, None)
        .await
        .map_err(sql_err)
}

/// `query/sql/tables.json`: every table's columns (name, type, nullable) for engines that are
/// not Rust — the Spark job registers a table without files with these columns. The file is
/// rendered from [`documented_schema`]; this test keeps the two equal.
#[cfg(test)]
mod tables_json {
    use super::{DataType, all_tables, documented_schema};

    /// The type names of `tables.json`: Spark and SQL spellings are derived from these.
    fn type_name(t: &DataType) -> String {
        match t {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "string".into(),
            DataType::Boolean => "bool".into(),
            DataType::UInt8 => "uint8".into(),
            DataType::UInt16 => "uint16".into(),
            DataType::UInt32 => "uint32".into(),
            DataType::UInt64 => "uint64".into(),
            DataType::Int8 => "int8".into(),
            DataType::Int16 => "int16".into(),
            DataType::Int32 => "int32".into(),
            DataType::Int64 => "int64".into(),
            DataType::Float64 => "float64".into(),
            DataType::List(item) | DataType::LargeList(item) => {
                format!("list<{}>", type_name(item.data_type()))
            }
            DataType::Dictionary(_, value) => type_name(value),
            other => panic!("tables.json has no name for {other}"),
        }
    }

    /// tables.json as it should read: one line per column, tables in [`all_tables`] order.
    fn render() -> String {
        let mut out = String::from("{\n");
        let tables = all_tables();
        for (i, table) in tables.iter().enumerate() {
            let schema = documented_schema(table).expect("every table is documented");
            out.push_str(&format!("  \"{table}\": [\n"));
            for (j, field) in schema.fields().iter().enumerate() {
                let comma = if j + 1 < schema.fields().len() {
                    ","
                } else {
                    ""
                };
                out.push_str(&format!(
                    "    [\"{}\", \"{}\", {}]{comma}\n",
                    field.name(),
                    type_name(field.data_type()),
                    field.is_nullable()
                ));
            }
            let comma = if i + 1 < tables.len() { "," } else { "" };
            out.push_str(&format!("  ]{comma}\n"));
        }
        out.push_str("}\n");
        out
    }

    /// `query/sql/tables.json` says what the dataset writer writes. `PAINTER_BLESS=1` rewrites
    /// it after a deliberate schema change.
    #[test]
    fn tables_json_matches_the_writer() {
        let want = render();
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../query/sql/tables.json");
        if std::env::var_os("PAINTER_BLESS").is_some() {
            std::fs::write(path, &want).unwrap();
            return;
        }
        let have = std::fs::read_to_string(&path).unwrap();
        assert!(
            have == want,
            "query/sql/tables.json is stale: rerun with PAINTER_BLESS=1\n{want}"
        );
    }
}
