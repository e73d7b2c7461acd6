//! A unit's fingerprint: a hash of the Arrow columns of all its tables, recorded in the
//! manifest so that a rewrite skips encoding the units whose facts did not change. Encoding
//! (dictionaries, zstd) is most of a dataset write; building and hashing the columns is a
//! fraction of it, and hashing the columns rather than the records leaves the link's answers
//! (which live in other tables) out by construction.

use std::hash::Hasher;

use arrow_array::{Array, RecordBatch};
use twox_hash::XxHash3_64;

/// Hashes batches, each under its table's name.
pub struct Fingerprint(XxHash3_64);

impl Fingerprint {
    pub fn new() -> Self {
        // A fixed seed: the same facts give the same fingerprint on every machine, so the
        // manifest stays deterministic.
        Fingerprint(XxHash3_64::with_seed(0))
    }

    pub fn add(&mut self, table: &str, batch: &RecordBatch) {
        self.0.write(table.as_bytes());
        self.0.write_usize(batch.num_rows());
        for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
            self.0.write(field.name().as_bytes());
            self.data(&column.to_data());
        }
    }

    fn data(&mut self, data: &arrow_data::ArrayData) {
        // The type's text form covers nesting and nullability of list items.
        self.0.write(data.data_type().to_string().as_bytes());
        self.0.write_usize(data.len());
        self.0.write_usize(data.offset());
        for buffer in data.buffers() {
            self.0.write_usize(buffer.len());
            self.0.write(buffer.as_slice());
        }
        match data.nulls() {
            Some(nulls) => {
                self.0.write_u8(1);
                self.0.write_usize(nulls.offset());
                self.0.write(nulls.buffer().as_slice());
            }
            None => self.0.write_u8(0),
        }
        for child in data.child_data() {
            self.data(child);
        }
    }

    /// The fingerprint as it is written in the manifest: 16 lowercase hex digits.
    pub fn finish(&self) -> String {
        format!("{:016x}", self.0.finish())
    }
}
