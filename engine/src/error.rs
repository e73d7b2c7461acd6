//! The engine's typed errors: each says which file (a dataset file or an SQL file of
//! `query/sql/`) it is about, so a user can tell a damaged dataset from a bad query.

use std::path::PathBuf;

use datafusion::error::DataFusionError;
use painter_dataset::DatasetError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The manifest is missing, of another format or version, or unreadable.
    #[error(transparent)]
    Dataset(#[from] DatasetError),
    /// A table file that cannot be read as Parquet (truncated, corrupt) or does not match the
    /// manifest.
    #[error("{path}: {reason}")]
    File { path: PathBuf, reason: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A statement of an SQL file failed (planning or execution).
    #[error("query {query}: {source}")]
    Sql {
        query: String,
        #[source]
        source: Box<DataFusionError>,
    },
    /// A result of another shape than the query promises (a bug in a query file).
    #[error("query {query}: unexpected result: {reason}")]
    Shape { query: String, reason: String },
    /// The async runtime DataFusion runs on could not start.
    #[error("starting the query runtime: {0}")]
    Runtime(std::io::Error),
    #[error("no SQL file `{0}` in query/sql")]
    UnknownQuery(String),
    #[error("not a function id: `{0}`")]
    BadId(String),
}

impl EngineError {
    pub(crate) fn sql(query: &str, source: DataFusionError) -> EngineError {
        EngineError::Sql {
            query: query.to_owned(),
            source: Box::new(source),
        }
    }
}
