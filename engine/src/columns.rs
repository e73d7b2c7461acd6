//! Reading query results into Rust values. DataFusion may hand strings back as `Utf8View` and
//! counts as `Int64` or `UInt64` depending on the plan, so every column is cast to the one type
//! the caller wants before it is read.

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, UInt64Type};

use crate::error::EngineError;

fn column(
    query: &str,
    batch: &RecordBatch,
    name: &str,
    to: &DataType,
) -> Result<std::sync::Arc<dyn Array>, EngineError> {
    let shape = |reason: String| EngineError::Shape {
        query: query.to_owned(),
        reason,
    };
    let array = batch
        .column_by_name(name)
        .ok_or_else(|| shape(format!("no column `{name}`")))?;
    cast(array, to).map_err(|e| shape(format!("column `{name}`: {e}")))
}

/// Column `name` of every batch as strings (`None` for null).
pub fn strings(
    query: &str,
    batches: &[RecordBatch],
    name: &str,
) -> Result<Vec<Option<String>>, EngineError> {
    let mut out = Vec::new();
    for batch in batches {
        let array = column(query, batch, name, &DataType::Utf8)?;
        let array = array.as_string::<i32>();
        out.extend(array.iter().map(|v| v.map(str::to_owned)));
    }
    Ok(out)
}

/// Column `name` of every batch as unsigned integers (booleans read as 0 and 1).
pub fn u64s(
    query: &str,
    batches: &[RecordBatch],
    name: &str,
) -> Result<Vec<Option<u64>>, EngineError> {
    let mut out = Vec::new();
    for batch in batches {
        let array = column(query, batch, name, &DataType::UInt64)?;
        out.extend(array.as_primitive::<UInt64Type>().iter());
    }
    Ok(out)
}

/// The one number a counting query returns.
pub fn single_count(query: &str, batches: &[RecordBatch]) -> Result<u64, EngineError> {
    let first = batches
        .iter()
        .find(|b| b.num_rows() > 0)
        .ok_or_else(|| EngineError::Shape {
            query: query.to_owned(),
            reason: "no row".into(),
        })?;
    let name = first.schema().field(0).name().clone();
    Ok(u64s(query, std::slice::from_ref(first), &name)?[0].unwrap_or(0))
}
