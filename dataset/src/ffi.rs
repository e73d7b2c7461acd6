//! The FFI tables: `ffi_imports`, `ffi_exports`, `ffi_callbacks` and `native_libraries`, one row
//! per record of the unit's `ffi` lists of the same names, in their order.

use arrow_array::RecordBatch;

use super::build::TableBuilder;
use super::columns::Columns;
use super::error::DatasetError;
use painter_schema::{FfiCallback, FfiExport, FfiImport, NativeLibrary};

pub fn write_imports(rows: &[FfiImport]) -> RecordBatch {
    let mut t = TableBuilder::new(rows);
    t.id("function", |r| r.function.as_deref());
    t.id("item", |r| Some(&r.item));
    t.text("item_path", |r| &r.item_path);
    t.text("symbol", |r| &r.symbol);
    t.text("abi", |r| &r.abi);
    t.opt_text("library", |r| r.library.as_deref());
    t.opt_text("library_source", |r| r.library_source.as_deref());
    t.opt_text("link_kind", |r| r.link_kind.as_deref());
    t.text("item_kind", |r| &r.item_kind);
    t.span("span", false, |r| Some(&r.span));
    t.list("configs", |r| &r.configs);
    t.finish()
}

pub fn read_imports(c: &Columns) -> Result<Vec<FfiImport>, DatasetError> {
    let (function, item, item_path) = (c.id("function")?, c.id("item")?, c.text("item_path")?);
    let (symbol, abi, library) = (c.text("symbol")?, c.text("abi")?, c.text("library")?);
    let (source, link_kind) = (c.text("library_source")?, c.text("link_kind")?);
    let (item_kind, span, configs) = (c.text("item_kind")?, c.span("span")?, c.list("configs")?);
    (0..c.rows())
        .map(|i| {
            Ok(FfiImport {
                function: function.opt(i),
                item: item.get(i)?,
                item_path: item_path.string(i)?,
                symbol: symbol.string(i)?,
                abi: abi.string(i)?,
                library: library.opt_string(i),
                library_source: source.opt_string(i),
                link_kind: link_kind.opt_string(i),
                item_kind: item_kind.string(i)?,
                span: span.get(i)?,
                configs: configs.get(i),
            })
        })
        .collect()
}

pub fn write_exports(rows: &[FfiExport]) -> RecordBatch {
    let mut t = TableBuilder::new(rows);
    t.id("function", |r| Some(&r.function));
    t.text("symbol", |r| &r.symbol);
    t.text("abi", |r| &r.abi);
    t.span("span", false, |r| Some(&r.span));
    t.list("configs", |r| &r.configs);
    t.finish()
}

pub fn read_exports(c: &Columns) -> Result<Vec<FfiExport>, DatasetError> {
    let (function, symbol, abi) = (c.id("function")?, c.text("symbol")?, c.text("abi")?);
    let (span, configs) = (c.span("span")?, c.list("configs")?);
    (0..c.rows())
        .map(|i| {
            Ok(FfiExport {
                function: function.get(i)?,
                symbol: symbol.string(i)?,
                abi: abi.string(i)?,
                span: span.get(i)?,
                configs: configs.get(i),
            })
        })
        .collect()
}

pub fn write_callbacks(rows: &[FfiCallback]) -> RecordBatch {
    let mut t = TableBuilder::new(rows);
    t.id("function", |r| Some(&r.function));
    t.id("callback", |r| Some(&r.callback));
    t.text("callback_path", |r| &r.callback_path);
    t.text("abi", |r| &r.abi);
    t.span("span", false, |r| Some(&r.span));
    t.list("configs", |r| &r.configs);
    t.finish()
}

pub fn read_callbacks(c: &Columns) -> Result<Vec<FfiCallback>, DatasetError> {
    let (function, callback) = (c.id("function")?, c.id("callback")?);
    let (callback_path, abi) = (c.text("callback_path")?, c.text("abi")?);
    let (span, configs) = (c.span("span")?, c.list("configs")?);
    (0..c.rows())
        .map(|i| {
            Ok(FfiCallback {
                function: function.get(i)?,
                callback: callback.get(i)?,
                callback_path: callback_path.string(i)?,
                abi: abi.string(i)?,
                span: span.get(i)?,
                configs: configs.get(i),
            })
        })
        .collect()
}

pub fn write_libraries(rows: &[NativeLibrary]) -> RecordBatch {
    let mut t = TableBuilder::new(rows);
    t.text("name", |r| &r.name);
    t.text("kind", |r| &r.kind);
    t.text("source", |r| &r.source);
    t.list("configs", |r| &r.configs);
    t.finish()
}

pub fn read_libraries(c: &Columns) -> Result<Vec<NativeLibrary>, DatasetError> {
    let (name, kind, source) = (c.text("name")?, c.text("kind")?, c.text("source")?);
    let configs = c.list("configs")?;
    (0..c.rows())
        .map(|i| {
            Ok(NativeLibrary {
                name: name.string(i)?,
                kind: kind.string(i)?,
                source: source.string(i)?,
                configs: configs.get(i),
            })
        })
        .collect()
}
