//! The `functions` table (one row per `functions` record of a unit) and the `calls` table (one
//! row per call site, in the unit's `calls` order, with its position as `call_index`). A call
//! row holds the unit's own facts only: where it lands (`target_crate`, `external`,
//! `candidates`) is the link's answer, kept in the graph-wide tables (`crate_ids`,
//! `call_candidates`), so a unit's files do not change when another unit does.

use arrow_array::RecordBatch;

use super::build::TableBuilder;
use super::columns::Columns;
use super::error::DatasetError;
use painter_schema::{Call, Function, Sym};

pub fn write_functions(rows: &[Function]) -> RecordBatch {
    let mut t = TableBuilder::new(rows);
    t.id("", |f| Some(&f.id));
    t.text("path", |f| &f.path);
    t.text("kind", |f| f.kind.as_str());
    t.bool("unsafe", |f| f.is_unsafe);
    t.bool("public", |f| f.public);
    t.span("span", false, |f| Some(&f.span));
    t.id("parent", |f| f.parent.as_deref());
    t.u32("unsafe_ops", |f| f.unsafe_ops);
    t.u32("unsafe_blocks", |f| f.unsafe_blocks);
    t.id("implements", |f| f.implements.as_deref());
    t.opt_text("impl_self_ty", |f| f.impl_self_ty.as_deref());
    t.opt_text("impl_trait", |f| f.impl_trait.as_deref());
    t.list("impl_args", |f| &f.impl_args);
    t.u32("impl_generics", |f| f.impl_generics);
    t.list("configs", |f| &f.configs);
    t.finish()
}

pub fn read_functions(c: &Columns) -> Result<Vec<Function>, DatasetError> {
    let (id, path, kind) = (c.id("")?, c.text("path")?, c.text("kind")?);
    let (is_unsafe, public, span) = (c.bool("unsafe")?, c.bool("public")?, c.span("span")?);
    let (parent, ops, blocks) = (
        c.id("parent")?,
        c.u32("unsafe_ops")?,
        c.u32("unsafe_blocks")?,
    );
    let (implements, self_ty) = (c.id("implements")?, c.text("impl_self_ty")?);
    let (impl_trait, configs) = (c.text("impl_trait")?, c.list("configs")?);
    let (impl_args, impl_generics) = (c.added_list("impl_args")?, c.added_u32("impl_generics")?);
    (0..c.rows())
        .map(|i| {
            Ok(Function {
                id: id.sym(i)?,
                path: path.sym(i)?,
                kind: c.parse(&kind, i)?,
                is_unsafe: is_unsafe.get(i)?,
                public: public.get(i)?,
                span: span.get(i)?,
                parent: parent.opt(i),
                unsafe_ops: ops.get(i)?,
                unsafe_blocks: blocks.get(i)?,
                implements: implements.opt(i),
                impl_self_ty: self_ty.opt_string(i),
                impl_trait: impl_trait.opt_string(i),
                configs: configs.get(i),
                impl_args: syms(impl_args.as_ref(), i),
                impl_generics: impl_generics.as_ref().and_then(|c| c.opt(i)).unwrap_or(0),
            })
        })
        .collect()
}

pub fn write_calls(rows: &[Call]) -> RecordBatch {
    let mut t = TableBuilder::new(rows);
    // The position is what candidate edges (`CandidateEdge::call`) refer to.
    t.index("call_index");
    t.id("caller", |c| Some(&c.caller));
    t.id("callee", |c| c.callee.as_deref());
    t.text("callee_path", |c| &c.callee_path);
    t.text("callee_crate", |c| &c.callee_crate);
    t.text("kind", |c| c.kind.as_str());
    t.span("span", false, |c| Some(&c.span));
    t.id("trait_method", |c| c.trait_method.as_deref());
    t.opt_text("detail", |c| c.detail.as_deref());
    t.list("args", |c| &c.args);
    t.macro_origin(|c| c.from_macro.as_deref());
    t.list("configs", |c| &c.configs);
    t.finish()
}

pub fn read_calls(c: &Columns) -> Result<Vec<Call>, DatasetError> {
    let (caller, callee, callee_path) = (c.id("caller")?, c.id("callee")?, c.text("callee_path")?);
    let (callee_crate, kind, span) = (c.text("callee_crate")?, c.text("kind")?, c.span("span")?);
    let (trait_method, detail, from_macro) =
        (c.id("trait_method")?, c.text("detail")?, c.macro_origin()?);
    let args = c.added_list("args")?;
    let configs = c.list("configs")?;
    (0..c.rows())
        .map(|i| {
            Ok(Call {
                caller: caller.sym(i)?,
                callee: callee.opt_sym(i),
                callee_path: callee_path.sym(i)?,
                callee_crate: callee_crate.sym(i)?,
                kind: c.parse(&kind, i)?,
                span: span.get(i)?,
                trait_method: trait_method.opt_sym(i),
                detail: detail.opt(i).map(Sym::intern),
                from_macro: from_macro.get(i)?,
                // Filled in from the link tables (`crate::links`).
                target_crate: None,
                external: false,
                candidates: None,
                configs: configs.get(i),
                args: syms(args.as_ref(), i),
            })
        })
        .collect()
}

/// A row of a list column as symbols (none when the column is absent: an older dataset).
fn syms(list: Option<&super::columns::ListCol<'_>>, row: usize) -> Vec<Sym> {
    list.map(|l| l.get(row).into_iter().map(Sym::from).collect())
        .unwrap_or_default()
}
