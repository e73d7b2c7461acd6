//! One unit's rows as table files in memory: its batches, its manifest entry (with the
//! fingerprint) and, when asked, the Parquet bytes. A unit's files depend on that unit alone,
//! so they can be encoded before the write: `cargo painter` encodes each unit while cargo is
//! still building, and the write at the end of the build only puts bytes in files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use painter_schema::CrateGraph;

use super::{
    DatasetError, UNIT_TABLES, UNITS_TABLE, Unit, address, ffi, fingerprint, functions, graphwide,
    parquet_io, stem, unsafety,
};

/// A unit's manifest entry and the batches of the tables it has rows in (the `units` row
/// last).
pub(crate) struct UnitBatches {
    pub unit: Unit,
    pub batches: Vec<(&'static str, RecordBatch)>,
}

/// A unit's table files, encoded ahead of the write ([`encode_unit`]); given to the write
/// functions (`write_units_pending`, `update_units`), which then only write the bytes.
pub struct EncodedUnit {
    pub(crate) unit: Unit,
    pub(crate) files: Vec<(&'static str, Vec<u8>)>,
}

impl EncodedUnit {
    /// The unit's key, that of the crate it was encoded from.
    pub fn key(&self) -> &str {
        &self.unit.key
    }
}

/// Encoded units by key, as the write functions take them.
pub type Encoded = BTreeMap<String, EncodedUnit>;

/// Encode `krate` as the unit `key`: the files a write of that unit would write, byte for
/// byte. `krate` must be the unit as the write will be given it (merged and recounted, as
/// `painter_linker::merge_units` leaves it), or the encoding is not that unit's.
pub fn encode_unit(key: &str, krate: &CrateGraph) -> Result<EncodedUnit, DatasetError> {
    let UnitBatches { unit, batches } = unit_batches(key, krate);
    let files = batches
        .iter()
        .map(|(table, batch)| {
            let bytes = parquet_io::to_bytes(batch, &relative_path(table, &unit.stem))?;
            Ok((*table, bytes))
        })
        .collect::<Result<_, DatasetError>>()?;
    Ok(EncodedUnit { unit, files })
}

/// Where a table file of a unit goes, relative to the dataset (for errors of an encoding
/// made before the dataset's directory is known).
fn relative_path(table: &str, stem: &str) -> PathBuf {
    Path::new(table).join(format!("{stem}.parquet"))
}

/// The batches of every unit table `krate` has rows in, its `units` row and its manifest
/// entry with the fingerprint of them all.
pub(crate) fn unit_batches(key: &str, krate: &CrateGraph) -> UnitBatches {
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
        stem: stem(key),
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
    batches.retain(|(_, b)| b.num_rows() > 0);
    UnitBatches { unit, batches }
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
