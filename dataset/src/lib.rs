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
mod encode;
mod error;
mod ffi;
mod fingerprint;
mod functions;
mod graphwide;
pub mod ids;
mod links;
mod manifest;
mod parquet_io;
mod read;
mod schemas;
mod unsafety;
mod update;
mod write;

use std::path::{Path, PathBuf};

pub use self::encode::{Encoded, EncodedUnit, encode_unit};
pub use self::error::DatasetError;
pub use self::manifest::{DATASET_FORMAT, MANIFEST_FILE, Manifest, Unit, stem};
pub use self::parquet_io::CREATED_BY;
/// The bytes of one table file as the writer writes it (for other writers of dataset tables).
pub use self::parquet_io::to_bytes as parquet_bytes;
pub use self::read::{read_dataset, read_manifest, read_units};
pub use self::schemas::table_schema;
pub use self::update::{update_units, write_units_pending};
pub use self::write::{write_dataset, write_dataset_with, write_link};

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

pub(crate) fn table_path(dir: &Path, table: &str, stem: &str) -> PathBuf {
    dir.join(table).join(format!("{stem}.parquet"))
}
