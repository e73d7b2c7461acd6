//! `--emit`: facts reported as compiler notes (`note: painter: …`) at their spans, in source
//! order. The ui-tests check these against `//~ NOTE` annotations; a person can use them for a
//! quick look. Notes, not warnings: they must not change a build's warning count.

use painter_schema::{DriverConfig, Emit};
use rustc_middle::ty::TyCtxt;
use rustc_span::Span;

use crate::state::Records;

pub fn emit(tcx: TyCtxt<'_>, config: &DriverConfig, records: &Records) {
    let mut messages: Vec<(Span, String)> = Vec::new();
    if config.emit.contains(&Emit::UnsafeOps) {
        for (op, span) in &records.unsafe_ops {
            let mut context = op.context.kind.to_string();
            if op.context.in_unsafe_fn && op.context.kind != painter_schema::ContextKind::UnsafeFn {
                context.push_str(", in unsafe fn");
            }
            if let Some(origin) = &op.from_macro {
                context.push_str(&format!(", from `{}`", origin.name));
            }
            let mut msg = format!("unsafe op `{}` ({context})", op.kind);
            if let Some(callee) = &op.callee {
                msg.push_str(&format!(": {}", callee.path));
            }
            if let Some(target) = &op.target {
                msg.push_str(&format!(": {target}"));
            }
            messages.push((*span, msg));
        }
    }
    if config.emit.contains(&Emit::Calls) {
        // Edges out of drop-glue nodes have no call site in the source: not reported here.
        for (call, span) in records
            .calls
            .iter()
            .filter(|(c, _)| !records.glue.contains(c.caller.as_str()))
        {
            let target = if call.callee_path.is_empty() {
                call.detail.clone().unwrap_or_default()
            } else {
                call.callee_path.clone()
            };
            let mut msg = format!("call {}: {target}", call.kind);
            if let Some(trait_method) = &call.trait_method
                && call.kind == painter_schema::CallKind::TraitResolved
            {
                msg.push_str(&format!(" (for {trait_method})"));
            }
            messages.push((*span, msg));
        }
    }
    messages.sort_by_key(|(span, msg)| (span.lo(), span.hi(), msg.clone()));
    for (span, msg) in messages {
        tcx.dcx().span_note(span, format!("painter: {msg}"));
    }
}
