//! One table file in and out: the writer settings that make the bytes deterministic and
//! compact, and the reader that turns a file into batches with errors naming the file.

use std::fs::File;
use std::path::Path;

use arrow_array::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterVersion};

use super::error::DatasetError;

/// What every file says wrote it: fixed, so the same inputs give the same bytes whatever the
/// parquet crate's version string (the default `created_by` names it).
pub const CREATED_BY: &str = "cargo painter (painter-dataset)";

/// Rows per row group: large enough that a unit's table is usually one group.
const ROW_GROUP_ROWS: usize = 1 << 20;

/// Below this many rows a table file is written without compression: most unit tables are a
/// few dozen rows, zstd saves nothing on them once dictionaries have taken the
/// repetition out, and setting up its contexts (one compressor and one decompressor per
/// column, parquet's `create_codec`) was an eighth of a cold link's CPU time.
const COMPRESS_FROM_ROWS: usize = 1000;

fn properties(batch: &RecordBatch) -> WriterProperties {
    let compression = if batch.num_rows() < COMPRESS_FROM_ROWS {
        Compression::UNCOMPRESSED
    } else {
        Compression::ZSTD(ZstdLevel::try_new(3).expect("3 is a valid zstd level"))
    };
    WriterProperties::builder()
        .set_created_by(CREATED_BY.to_owned())
        .set_writer_version(WriterVersion::PARQUET_2_0)
        .set_compression(compression)
        // Dictionary pages for every column: paths, kinds, file names and crate keys repeat.
        .set_dictionary_enabled(true)
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .build()
}

/// The Parquet bytes of one table file. No timestamp or random value goes in, so the same
/// batch always gives the same bytes.
pub fn to_bytes(batch: &RecordBatch, path: &Path) -> Result<Vec<u8>, DatasetError> {
    let parquet = |source| DatasetError::Parquet {
        path: path.to_path_buf(),
        source,
    };
    let mut bytes = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut bytes, batch.schema(), Some(properties(batch)))
        .map_err(parquet)?;
    writer.write(batch).map_err(parquet)?;
    writer.close().map_err(parquet)?;
    Ok(bytes)
}

/// Every batch of one table file.
pub fn read(path: &Path) -> Result<Vec<RecordBatch>, DatasetError> {
    let file = File::open(path).map_err(|source| DatasetError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let parquet = |source| DatasetError::Parquet {
        path: path.to_path_buf(),
        source,
    };
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(parquet)?
        .with_batch_size(64 * 1024)
        .build()
        .map_err(parquet)?;
    reader
        .map(|batch| {
            batch.map_err(|source| DatasetError::Arrow {
                path: path.to_path_buf(),
                source,
            })
        })
        .collect()
}
