//! The `address_taken` table: one row per `address_taken` record of a unit, in its order.

use arrow_array::RecordBatch;

use super::build::TableBuilder;
use super::columns::Columns;
use super::error::DatasetError;
use painter_schema::{AddressTaken, AddressTakenKind};

fn kind_str(kind: AddressTakenKind) -> &'static str {
    match kind {
        AddressTakenKind::FnPtr => "fn_ptr",
        AddressTakenKind::ClosureFnPtr => "closure_fn_ptr",
        AddressTakenKind::Vtable => "vtable",
        AddressTakenKind::GenericArg => "generic_arg",
    }
}

pub fn write(rows: &[AddressTaken]) -> RecordBatch {
    let mut t = TableBuilder::new(rows);
    t.id("function", |r| Some(&r.function));
    t.text("kind", |r| kind_str(r.kind));
    t.id("target", |r| r.target.as_deref());
    t.opt_text("target_path", |r| r.target_path.as_deref());
    t.opt_text("signature", |r| r.signature.as_deref());
    t.opt_text("self_ty", |r| r.self_ty.as_deref());
    t.id("trait", |r| r.trait_id.as_deref());
    t.opt_text("trait_path", |r| r.trait_path.as_deref());
    t.opt_text("dyn_ty", |r| r.dyn_ty.as_deref());
    t.id("passed_to", |r| r.passed_to.as_deref());
    t.span("span", false, |r| Some(&r.span));
    t.list("configs", |r| &r.configs);
    t.finish()
}

pub fn read(c: &Columns) -> Result<Vec<AddressTaken>, DatasetError> {
    let (function, kind, target) = (c.id("function")?, c.text("kind")?, c.id("target")?);
    let (target_path, signature) = (c.text("target_path")?, c.text("signature")?);
    let (self_ty, trait_id, trait_path) =
        (c.text("self_ty")?, c.id("trait")?, c.text("trait_path")?);
    let (dyn_ty, passed_to) = (c.text("dyn_ty")?, c.id("passed_to")?);
    let (span, configs) = (c.span("span")?, c.list("configs")?);
    (0..c.rows())
        .map(|i| {
            Ok(AddressTaken {
                function: function.get(i)?,
                kind: c.parse(&kind, i)?,
                target: target.opt(i),
                target_path: target_path.opt_string(i),
                signature: signature.opt_string(i),
                self_ty: self_ty.opt_string(i),
                trait_id: trait_id.opt(i),
                trait_path: trait_path.opt_string(i),
                dyn_ty: dyn_ty.opt_string(i),
                passed_to: passed_to.opt(i),
                span: span.get(i)?,
                configs: configs.get(i),
            })
        })
        .collect()
}
