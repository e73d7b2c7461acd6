//! The link's resolution in SQL: from per-unit facts alone (units, functions, calls), which
//! unit each callee's crate part names (`crate_ids`) and which callees lie outside the graph
//! (`external_functions`); the same answers as `painter_linker::resolve`, so a dataset of
//! unlinked units can be linked by the engine, out of core.

use std::path::Path;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::compute::{cast, concat_batches};
use datafusion::arrow::datatypes::SchemaRef;
use serde::Serialize;

use crate::tables::documented_schema;
use crate::{Engine, EngineError, procedures};

/// What [`Engine::link`] computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkSummary {
    /// Rows of `crate_ids`: crate parts of ids that name a unit.
    pub crate_ids: u64,
    /// Rows of `external_functions`: callees outside the graph.
    pub external_functions: u64,
}

/// `batches` with the columns and types of `schema` (DataFusion may return `Utf8View` or
/// `Int64` where the dataset has `Utf8` or `UInt64`).
fn conform(
    query: &str,
    batches: &[RecordBatch],
    schema: &SchemaRef,
) -> Result<Vec<RecordBatch>, EngineError> {
    let shape = |reason: String| EngineError::Shape {
        query: query.to_owned(),
        reason,
    };
    batches
        .iter()
        .filter(|b| b.num_rows() > 0)
        .map(|batch| {
            let columns = schema
                .fields()
                .iter()
                .map(|field| {
                    let column = batch
                        .column_by_name(field.name())
                        .ok_or_else(|| shape(format!("no column `{}`", field.name())))?;
                    cast(column, field.data_type()).map_err(|e| shape(e.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            RecordBatch::try_new(schema.clone(), columns).map_err(|e| shape(e.to_string()))
        })
        .collect()
}

impl Engine {
    /// Resolve calls across units in SQL (the `link` of `procedures.json`: `link_crate_ids.sql`,
    /// then `link_external_functions.sql`)
    /// and use the answers from now on instead of the dataset's own link tables. With `write_to`
    /// (a dataset directory), also write them there as `crate_ids/graph.parquet` and
    /// `external_functions/graph.parquet`.
    pub fn link(&self, write_to: Option<&Path>) -> Result<LinkSummary, EngineError> {
        let mut summary = LinkSummary {
            crate_ids: 0,
            external_functions: 0,
        };
        // crate_ids first: the external functions are the callees it does not claim.
        for step in &procedures::get().link {
            let (table, query) = (step.table.as_str(), step.query.as_str());
            let schema = documented_schema(table)
                .ok_or_else(|| EngineError::UnknownQuery(table.to_owned()))?;
            let batches = conform(query, &self.run_file(query)?, &schema)?;
            let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
            if let Some(dir) = write_to {
                write_parquet(&dir.join(table).join("graph.parquet"), &schema, &batches)?;
            }
            self.register_batches(table, schema, batches)?;
            match table {
                "crate_ids" => summary.crate_ids = rows as u64,
                _ => summary.external_functions = rows as u64,
            }
        }
        self.linked.set(true);
        Ok(summary)
    }

    /// Link first when the dataset has no `crate_ids` of its own (a dataset of unlinked units).
    pub(crate) fn ensure_linked(&self) -> Result<(), EngineError> {
        if !self.linked.get() {
            self.link(None)?;
        }
        Ok(())
    }
}

/// Write `batches` as one Parquet file with the dataset writer's own encoding, atomically.
fn write_parquet(
    path: &Path,
    schema: &SchemaRef,
    batches: &[RecordBatch],
) -> Result<(), EngineError> {
    let batch = concat_batches(schema, batches).map_err(|e| EngineError::File {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let bytes = painter_dataset::parquet_bytes(&batch, path)?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| EngineError::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    painter_schema::atomic::write_bytes_atomic(path, &bytes).map_err(|source| EngineError::Io {
        path: path.to_path_buf(),
        source,
    })
}
