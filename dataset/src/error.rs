//! Why a dataset could not be read or written; every variant names the file (or directory).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error("{}: cannot read or write: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: no manifest.json: not a cargo painter dataset", path.display())]
    NoManifest { path: PathBuf },
    #[error("{}: not a cargo painter dataset manifest: {reason}", path.display())]
    BadManifest { path: PathBuf, reason: String },
    #[error(
        "{}: dataset schema_version {found} is not supported (this cargo painter reads {expected})",
        path.display()
    )]
    Version {
        path: PathBuf,
        found: u64,
        expected: u32,
    },
    #[error("{}: corrupt or truncated Parquet file: {source}", path.display())]
    Parquet {
        path: PathBuf,
        source: parquet::errors::ParquetError,
    },
    #[error("{}: corrupt Parquet data: {source}", path.display())]
    Arrow {
        path: PathBuf,
        source: arrow_schema::ArrowError,
    },
    #[error("{}: missing column `{column}`", path.display())]
    MissingColumn { path: PathBuf, column: String },
    #[error("{}: column `{column}` is {found}, expected {expected}", path.display())]
    ColumnType {
        path: PathBuf,
        column: String,
        found: String,
        expected: String,
    },
    #[error("{}: bad value in column `{column}`, row {row}: {reason}", path.display())]
    Value {
        path: PathBuf,
        column: String,
        row: usize,
        reason: String,
    },
    #[error(
        "{}: the link of this dataset is pending (some units were updated on their own); \
         cargo painter commands link it when they read it",
        path.display()
    )]
    NotLinked { path: PathBuf },
    #[error("{}: the manifest says {expected} rows, the file has {found}", path.display())]
    RowCount {
        path: PathBuf,
        expected: u64,
        found: u64,
    },
}
