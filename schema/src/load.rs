//! Reading graph files with the version check every consumer must do first: a file of another
//! schema version, a truncated file and a file that is not ours each get their own error.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{CrateGraph, LINKED_FORMAT, LinkedGraph, SCHEMA_VERSION};

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a cargo painter graph file: {source}")]
    NotJson {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(
        "{path}: schema_version {found} is not supported (this cargo painter reads {expected})"
    )]
    Version {
        path: PathBuf,
        found: u64,
        expected: u32,
    },
    #[error("{path}: no schema_version field: not a cargo painter graph file")]
    NoVersion { path: PathBuf },
    #[error("{path}: corrupt graph file: {source}")]
    Corrupt {
        path: PathBuf,
        source: serde_json::Error,
    },
    /// A dataset directory (docs/schema.md, "The dataset (Parquet)") that could not be read:
    /// painter-dataset's error, which names the file. Boxed, as that crate builds on this one.
    #[error(transparent)]
    Dataset(Box<dyn std::error::Error + Send + Sync>),
}

/// Either kind of graph file.
#[derive(Debug)]
pub enum GraphFile {
    Crate(Box<CrateGraph>),
    Linked(Box<LinkedGraph>),
}

#[derive(Deserialize)]
struct Header {
    schema_version: Option<serde_json::Value>,
    #[serde(default)]
    format: Option<String>,
}

/// Parse one graph file (per-crate or linked) from bytes; `path` is only used in errors.
pub fn from_json_bytes(path: &Path, bytes: &[u8]) -> Result<GraphFile, LoadError> {
    // Nearly every file read is a per-crate file of this version: parsed once, typed. The
    // header is read first only when that fails, to tell which error it is. (Reading it first
    // would cost a second pass over tens of megabytes, as serde_json must skip the records to
    // reach the object's end.) One UTF-8 check of the whole text spares serde_json its check
    // of every string.
    if let Ok(text) = std::str::from_utf8(bytes)
        && let Ok(graph) = serde_json::from_str::<CrateGraph>(text)
        && graph.schema_version == SCHEMA_VERSION
    {
        return Ok(GraphFile::Crate(Box::new(graph)));
    }
    let path = || path.to_path_buf();
    // Header first: a version mismatch must be reported as such, not as a missing field.
    let header: Header = serde_json::from_slice(bytes).map_err(|source| {
        if source.is_eof() || source.is_data() {
            LoadError::Corrupt {
                path: path(),
                source,
            }
        } else {
            LoadError::NotJson {
                path: path(),
                source,
            }
        }
    })?;
    let version = match header.schema_version {
        None => return Err(LoadError::NoVersion { path: path() }),
        Some(v) => v.as_u64().unwrap_or(0),
    };
    if version != u64::from(SCHEMA_VERSION) {
        return Err(LoadError::Version {
            path: path(),
            found: version,
            expected: SCHEMA_VERSION,
        });
    }
    let corrupt = |source| LoadError::Corrupt {
        path: path(),
        source,
    };
    if header.format.as_deref() == Some(LINKED_FORMAT) {
        Ok(GraphFile::Linked(Box::new(
            serde_json::from_slice(bytes).map_err(corrupt)?,
        )))
    } else {
        Ok(GraphFile::Crate(Box::new(
            serde_json::from_slice(bytes).map_err(corrupt)?,
        )))
    }
}

/// Read a per-crate or linked graph file from disk.
pub fn read_graph_file(path: &Path) -> Result<GraphFile, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    from_json_bytes(path, &bytes)
}
