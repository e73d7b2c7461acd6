//! `--emit`: facts reported as compiler warnings at their spans, in source order. The ui-tests
//! check these against `//~ WARN` annotations; a person can use them for a quick look.

use painter_schema::{self as schema, DriverConfig, Emit};
use rustc_middle::ty::TyCtxt;
use rustc_span::Span;

use crate::state::Records;

pub fn emit(tcx: TyCtxt<'_>, config: &DriverConfig, records: &Records, graph: &schema::CrateGraph) {
    let mut messages: Vec<(Span, String)> = Vec::new();
    if config.emit.contains(&Emit::UnsafeOps) {
        for (op, span) in &records.unsafe_ops {
            let mut msg = format!("unsafe op `{}` ({})", op.kind, op.context.kind);
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
        for (call, span) in &records.calls {
            let target = if call.callee_path.is_empty() {
                call.detail.clone().unwrap_or_default()
            } else {
                call.callee_path.clone()
            };
            messages.push((*span, format!("call {}: {target}", call.kind)));
        }
    }
    messages.sort_by_key(|(span, msg)| (span.lo(), span.hi(), msg.clone()));
    for (span, msg) in messages {
        tcx.dcx().span_warn(span, format!("painter: {msg}"));
    }
    let _ = graph;
}
