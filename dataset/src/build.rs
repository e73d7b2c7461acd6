//! The write side of every table: a record slice turned into Arrow columns, one method per
//! column shape (text, integers, ids, spans, macro origins, configuration lists), so the table
//! modules only list their columns and the shapes stay the same in every table.

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, BooleanArray, RecordBatch, StringArray, UInt32Array, UInt64Array};
use arrow_schema::{Field, Schema};

use super::ids;
use painter_schema::{MacroOrigin, Span};

/// One integer of a span (`line`, `col`, …).
type SpanPart = fn(&Span) -> u32;

/// The columns of one table being built from `rows`.
pub struct TableBuilder<'a, T> {
    rows: &'a [T],
    fields: Vec<Field>,
    arrays: Vec<ArrayRef>,
}

impl<'a, T> TableBuilder<'a, T> {
    pub fn new(rows: &'a [T]) -> Self {
        TableBuilder {
            rows,
            fields: Vec::new(),
            arrays: Vec::new(),
        }
    }

    fn push(&mut self, name: &str, nullable: bool, array: ArrayRef) {
        self.fields
            .push(Field::new(name, array.data_type().clone(), nullable));
        self.arrays.push(array);
    }

    pub fn text<'s>(&mut self, name: &str, get: impl Fn(&'a T) -> &'s str) {
        let array = StringArray::from_iter_values(self.rows.iter().map(get));
        self.push(name, false, Arc::new(array));
    }

    pub fn opt_text<'s>(&mut self, name: &str, get: impl Fn(&'a T) -> Option<&'s str>) {
        let array: StringArray = self.rows.iter().map(get).collect();
        self.push(name, true, Arc::new(array));
    }

    pub fn u32(&mut self, name: &str, get: impl Fn(&'a T) -> u32) {
        let array = UInt32Array::from_iter_values(self.rows.iter().map(get));
        self.push(name, false, Arc::new(array));
    }

    /// The row's position in its list (`UInt32`, from 0).
    pub fn index(&mut self, name: &str) {
        let array = UInt32Array::from_iter_values(0..self.rows.len() as u32);
        self.push(name, false, Arc::new(array));
    }

    pub fn u64(&mut self, name: &str, get: impl Fn(&'a T) -> u64) {
        let array = UInt64Array::from_iter_values(self.rows.iter().map(get));
        self.push(name, false, Arc::new(array));
    }

    pub fn opt_u64(&mut self, name: &str, get: impl Fn(&'a T) -> Option<u64>) {
        let array: UInt64Array = self.rows.iter().map(get).collect();
        self.push(name, true, Arc::new(array));
    }

    pub fn bool(&mut self, name: &str, get: impl Fn(&'a T) -> bool) {
        let array: BooleanArray = self.rows.iter().map(|r| Some(get(r))).collect();
        self.push(name, false, Arc::new(array));
    }

    pub fn opt_bool(&mut self, name: &str, get: impl Fn(&'a T) -> Option<bool>) {
        let array: BooleanArray = self.rows.iter().map(get).collect();
        self.push(name, true, Arc::new(array));
    }

    /// An id field as `<prefix>_crate_id`, `<prefix>_hash` (UInt64) and `<prefix>_id_text`
    /// (only for ids that do not parse; see `ids`). All three are nullable: a required id of
    /// another shape has null integers.
    pub fn id<'s>(&mut self, prefix: &str, get: impl Fn(&'a T) -> Option<&'s str>) {
        let [krate, hash, text] = ids::column_names(prefix);
        let values: Vec<Option<&str>> = self.rows.iter().map(get).collect();
        let parsed: Vec<Option<(u64, u64)>> =
            values.iter().map(|v| v.and_then(ids::parse)).collect();
        let krates: UInt64Array = parsed.iter().map(|p| p.map(|p| p.0)).collect();
        let hashes: UInt64Array = parsed.iter().map(|p| p.map(|p| p.1)).collect();
        let texts: StringArray = values
            .iter()
            .zip(&parsed)
            .map(|(v, p)| if p.is_some() { None } else { *v })
            .collect();
        self.push(&krate, true, Arc::new(krates));
        self.push(&hash, true, Arc::new(hashes));
        self.push(&text, true, Arc::new(texts));
    }

    /// A span as `<prefix>_file`, `_line`, `_col`, `_end_line`, `_end_col`; nullable when the
    /// span is optional (all five null together).
    pub fn span(&mut self, prefix: &str, nullable: bool, get: impl Fn(&'a T) -> Option<&'a Span>) {
        let spans: Vec<Option<&Span>> = self.rows.iter().map(get).collect();
        let file: StringArray = spans.iter().map(|s| s.map(|s| s.file.as_str())).collect();
        self.push(&format!("{prefix}_file"), nullable, Arc::new(file));
        let parts: [(&str, SpanPart); 4] = [
            ("line", |s| s.line),
            ("col", |s| s.col),
            ("end_line", |s| s.end_line),
            ("end_col", |s| s.end_col),
        ];
        for (name, part) in parts {
            let array: UInt32Array = spans.iter().map(|s| s.map(part)).collect();
            self.push(&format!("{prefix}_{name}"), nullable, Arc::new(array));
        }
    }

    /// The `macro` field: `macro_name`, `macro_krate` and the `macro_call_site_*` span, all null
    /// for records not written by a macro.
    pub fn macro_origin(&mut self, get: impl Fn(&'a T) -> Option<&'a MacroOrigin> + Copy) {
        self.opt_text("macro_name", |r| get(r).map(|m| m.name.as_str()));
        self.opt_text("macro_krate", |r| get(r).and_then(|m| m.krate.as_deref()));
        self.span("macro_call_site", true, |r| get(r).map(|m| &m.call_site));
    }

    /// A list of strings (`configs`, `features`): `List<Utf8>`, empty when the record has none.
    pub fn list<S: AsRef<str> + 'a>(&mut self, name: &str, get: impl Fn(&'a T) -> &'a [S]) {
        let mut builder = ListBuilder::new(StringBuilder::new());
        for row in self.rows {
            for value in get(row) {
                builder.values().append_value(value.as_ref());
            }
            builder.append(true);
        }
        self.push(name, false, Arc::new(builder.finish()));
    }

    pub fn finish(self) -> RecordBatch {
        RecordBatch::try_new(Arc::new(Schema::new(self.fields)), self.arrays)
            .expect("columns are built with one value per row")
    }
}
