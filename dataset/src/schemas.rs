//! The Arrow schema of every table, for readers that must know a table's columns when the table
//! has no file (a dataset where no unit has a row of it): an SQL engine still registers the
//! table, so queries over it see zero rows instead of an unknown table.

use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, SchemaRef};
use painter_schema::{CrateInfo, Status};

use super::{UNIT_TABLES, UNITS_TABLE, Unit, address, ffi, functions, graphwide, links, unsafety};

/// The schema of `table` as the writer writes it (a per-unit table led by its `unit` column),
/// or `None` for a name that is not a table of the dataset. (`call_candidates`, written only
/// from a linked graph, is `unit` Utf8, `call_index` UInt32, `set` UInt32: docs/schema.md.)
pub fn table_schema(table: &str) -> Option<SchemaRef> {
    let batch = match table {
        "functions" => functions::write_functions(&[]),
        "calls" => functions::write_calls(&[]),
        "unsafe_ops" => unsafety::write_ops(&[]),
        "unsafe_blocks" => unsafety::write_blocks(&[]),
        "declarations" => unsafety::write_declarations(&[]),
        "ffi_imports" => ffi::write_imports(&[]),
        "ffi_exports" => ffi::write_exports(&[]),
        "ffi_callbacks" => ffi::write_callbacks(&[]),
        "native_libraries" => ffi::write_libraries(&[]),
        "address_taken" => address::write(&[]),
        "candidate_sets" => graphwide::write_sets(&[]),
        "candidate_targets" => graphwide::write_targets(&[]),
        "external_functions" => graphwide::write_externals(&[]),
        "crate_ids" => links::write_crate_ids(&Default::default()),
        UNITS_TABLE => graphwide::write_unit(&placeholder_unit()),
        _ => return None,
    };
    let schema = batch.schema();
    if !UNIT_TABLES.contains(&table) {
        return Some(schema);
    }
    let mut fields = vec![Arc::new(Field::new("unit", DataType::Utf8, false))];
    fields.extend(schema.fields().iter().cloned());
    Some(Arc::new(Schema::new(fields)))
}

/// A unit to take the `units` schema from (the writer has no empty form of that one-row table).
fn placeholder_unit() -> Unit {
    Unit {
        key: String::new(),
        stem: String::new(),
        schema_version: 0,
        painter_version: String::new(),
        toolchain: String::new(),
        krate: CrateInfo {
            name: String::new(),
            package: String::new(),
            version: String::new(),
            kind: String::new(),
            stable_id: String::new(),
            features: Vec::new(),
            target: String::new(),
            source: String::new(),
            primary: false,
            edition: String::new(),
            links: None,
            manifest_dir: None,
            configurations: Vec::new(),
        },
        status: Status::Ok,
        error: None,
        analysis_ms: 0,
        counts: Default::default(),
        rows: Default::default(),
        fingerprint: String::new(),
    }
}
