//! `--emit`: facts reported as compiler notes (`note: painter: …`) at their spans, in source
//! order. The ui-tests check these against `//~ NOTE` annotations; a person can use them for a
//! quick look. Notes, not warnings: they must not change a build's warning count.

use painter_schema::{DriverConfig, Emit, MacroOrigin};
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
    if config.emit.contains(&Emit::Ffi) {
        ffi_messages(records, &mut messages);
    }
    if config.emit.contains(&Emit::Declarations) {
        for (declaration, span) in &records.declarations {
            let mut msg = format!("declaration `{}`", declaration.kind);
            if let Some(detail) = &declaration.detail {
                msg.push_str(&format!(": {detail}"));
            }
            msg.push_str(&from_macro(declaration.from_macro.as_deref()));
            messages.push((*span, msg));
        }
    }
    messages.sort_by_key(|(span, msg)| (span.lo(), span.hi(), msg.clone()));
    for (span, msg) in messages {
        tcx.dcx().span_note(span, format!("painter: {msg}"));
    }
}

/// Imports (each use of a foreign item), exports and callbacks, as the `ffi` section holds them.
fn ffi_messages(records: &Records, messages: &mut Vec<(Span, String)>) {
    for (import, span) in &records.ffi_imports {
        let mut msg = format!(
            "ffi import {} `{}` (\"{}\"",
            import.item_kind, import.symbol, import.abi
        );
        match (&import.library, &import.library_source) {
            (Some(library), Some(source)) => {
                msg.push_str(&format!(", library `{library}` by {source}"))
            }
            (Some(library), None) => msg.push_str(&format!(", library `{library}`")),
            (None, Some(source)) => msg.push_str(&format!(", library {source}")),
            (None, None) => {}
        }
        msg.push(')');
        messages.push((*span, msg));
    }
    for (export, span) in &records.ffi_exports {
        let msg = format!("ffi export `{}` (\"{}\")", export.symbol, export.abi);
        messages.push((*span, msg));
    }
    for (callback, span) in &records.callbacks {
        let msg = format!(
            "ffi callback `{}` (\"{}\")",
            callback.callback_path, callback.abi
        );
        messages.push((*span, msg));
    }
}

/// `` (from `derive(Clone)` of `core`)`` for a fact a macro or derive wrote, else nothing.
fn from_macro(origin: Option<&MacroOrigin>) -> String {
    match origin {
        Some(MacroOrigin {
            name,
            krate: Some(krate),
            ..
        }) => format!(" (from `{name}` of `{krate}`)"),
        Some(MacroOrigin { name, .. }) => format!(" (from `{name}`)"),
        None => String::new(),
    }
}
