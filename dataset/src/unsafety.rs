//! The `unsafe_ops`, `unsafe_blocks` and `declarations` tables: one row per record of a unit's
//! lists of the same names, in their order.

use arrow_array::RecordBatch;

use super::build::TableBuilder;
use super::columns::Columns;
use super::error::DatasetError;
use painter_schema::{CalleeRef, Context, Declaration, UnsafeBlock, UnsafeOp};

pub fn write_ops(rows: &[UnsafeOp]) -> RecordBatch {
    let mut t = TableBuilder::new(rows);
    t.id("function", |o| Some(&o.function));
    t.text("kind", |o| o.kind.as_str());
    t.span("span", false, |o| Some(&o.span));
    t.text("context_kind", |o| o.context.kind.as_str());
    t.span("context_block", true, |o| o.context.block.as_ref());
    t.bool("in_unsafe_fn", |o| o.context.in_unsafe_fn);
    // `callee` present ⇔ `callee_path` not null.
    t.id("callee", |o| {
        o.callee.as_ref().and_then(|c| c.id.as_deref())
    });
    t.opt_text("callee_path", |o| {
        o.callee.as_ref().map(|c| c.path.as_str())
    });
    t.opt_bool("callee_foreign", |o| o.callee.as_ref().map(|c| c.foreign));
    t.opt_text("target", |o| o.target.as_deref());
    t.macro_origin(|o| o.from_macro.as_deref());
    t.list("configs", |o| &o.configs);
    t.finish()
}

pub fn read_ops(c: &Columns) -> Result<Vec<UnsafeOp>, DatasetError> {
    let (function, kind, span) = (c.id("function")?, c.text("kind")?, c.span("span")?);
    let (context_kind, block) = (c.text("context_kind")?, c.span("context_block")?);
    let in_unsafe_fn = c.bool("in_unsafe_fn")?;
    let (callee, callee_path) = (c.id("callee")?, c.text("callee_path")?);
    let (foreign, target) = (c.bool("callee_foreign")?, c.text("target")?);
    let (from_macro, configs) = (c.macro_origin()?, c.list("configs")?);
    (0..c.rows())
        .map(|i| {
            let callee = match callee_path.opt(i) {
                None => None,
                Some(path) => Some(CalleeRef {
                    id: callee.opt(i),
                    path: path.to_owned(),
                    foreign: foreign.get(i)?,
                }),
            };
            Ok(UnsafeOp {
                function: function.sym(i)?,
                kind: c.parse(&kind, i)?,
                span: span.get(i)?,
                context: Context {
                    kind: c.parse(&context_kind, i)?,
                    block: block.opt(i)?,
                    in_unsafe_fn: in_unsafe_fn.get(i)?,
                },
                callee,
                target: target.opt_string(i),
                from_macro: from_macro.get(i)?,
                configs: configs.get(i),
            })
        })
        .collect()
}

pub fn write_blocks(rows: &[UnsafeBlock]) -> RecordBatch {
    let mut t = TableBuilder::new(rows);
    t.id("function", |b| Some(&b.function));
    t.span("span", false, |b| Some(&b.span));
    t.bool("generated", |b| b.generated);
    t.u32("ops", |b| b.ops);
    t.macro_origin(|b| b.from_macro.as_deref());
    t.list("configs", |b| &b.configs);
    t.finish()
}

pub fn read_blocks(c: &Columns) -> Result<Vec<UnsafeBlock>, DatasetError> {
    let (function, span, generated) = (c.id("function")?, c.span("span")?, c.bool("generated")?);
    let (ops, from_macro, configs) = (c.u32("ops")?, c.macro_origin()?, c.list("configs")?);
    (0..c.rows())
        .map(|i| {
            Ok(UnsafeBlock {
                function: function.sym(i)?,
                span: span.get(i)?,
                generated: generated.get(i)?,
                ops: ops.get(i)?,
                from_macro: from_macro.get(i)?,
                configs: configs.get(i),
            })
        })
        .collect()
}

pub fn write_declarations(rows: &[Declaration]) -> RecordBatch {
    let mut t = TableBuilder::new(rows);
    t.text("kind", |d| d.kind.as_str());
    t.text("path", |d| &d.path);
    t.span("span", false, |d| Some(&d.span));
    t.id("", |d| d.id.as_deref());
    t.opt_text("detail", |d| d.detail.as_deref());
    t.bool("public", |d| d.public);
    t.macro_origin(|d| d.from_macro.as_deref());
    t.list("configs", |d| &d.configs);
    t.finish()
}

pub fn read_declarations(c: &Columns) -> Result<Vec<Declaration>, DatasetError> {
    let (kind, path, span, id) = (c.text("kind")?, c.text("path")?, c.span("span")?, c.id("")?);
    let (detail, public) = (c.text("detail")?, c.bool("public")?);
    let (from_macro, configs) = (c.macro_origin()?, c.list("configs")?);
    (0..c.rows())
        .map(|i| {
            Ok(Declaration {
                kind: c.parse(&kind, i)?,
                path: path.string(i)?,
                span: span.get(i)?,
                id: id.opt(i),
                detail: detail.opt_string(i),
                public: public.get(i)?,
                from_macro: from_macro.get(i)?,
                configs: configs.get(i),
            })
        })
        .collect()
}
