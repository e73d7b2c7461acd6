//! The collectors, one module per kind of fact, and the two entry points the query hooks call
//! (`on_thir`, `on_mir`) plus `finish`, which visits what the hooks did not see and assembles
//! the crate's records.

pub mod common;

mod calls;
mod declarations;
mod diagnostics;
mod drops;
mod ffi;
mod fnflow;
mod functions;
mod instances;
mod moves;
pub(crate) mod paths;
mod unsafe_ops;

use painter_schema::{self as schema, DriverConfig};
use rustc_data_structures::fx::FxHashMap;
use rustc_hir::def_id::LocalDefId;
use rustc_middle::ty::TyCtxt;

use crate::state::{self, Records};
use common::Cx;

/// Visit the THIR of typeck root `def` (and its closures) for unsafe operations.
pub fn on_thir(tcx: TyCtxt<'_>, def: LocalDefId) {
    if tcx.is_typeck_child(def.to_def_id()) || already_seen(def, |r| &r.thir_seen) {
        return;
    }
    let cx = Cx::new(tcx);
    let facts = unsafe_ops::visit_body(&cx, def);
    let mut guard = state::records();
    let records = guard.get_or_insert_with(Records::default);
    records.thir_seen.insert(def);
    records.thir_seen.extend(facts.inner_bodies);
    records.unsafe_ops.extend(facts.ops);
    records.unsafe_blocks.extend(facts.blocks);
}

/// Visit the built MIR of `def` for calls, FFI uses and callbacks.
pub fn on_mir(tcx: TyCtxt<'_>, def: LocalDefId) {
    // Trivial consts (`const N: usize = 4;`) hold no call, and rustc builds no MIR for them
    // beyond what decided they are trivial.
    if already_seen(def, |r| &r.mir_seen) || tcx.is_trivial_const(def) {
        return;
    }
    let (body, _) = tcx.mir_promoted(def);
    if body.is_stolen() {
        return;
    }
    let cx = Cx::new(tcx);
    let mut out = calls::BodyCalls::default();
    calls::visit_body(&cx, def, &body.borrow(), &mut out);
    let mut guard = state::records();
    let records = guard.get_or_insert_with(Records::default);
    records.mir_seen.insert(def);
    records.calls.extend(out.calls);
    records.ffi_imports.extend(out.imports);
    records.callbacks.extend(out.callbacks);
    records.glue_functions.extend(out.glue_functions);
    records.address_taken.extend(out.address_taken);
}

fn already_seen(
    def: LocalDefId,
    set: impl Fn(&Records) -> &rustc_data_structures::fx::FxHashSet<LocalDefId>,
) -> bool {
    state::records()
        .as_ref()
        .is_some_and(|r| set(r).contains(&def))
}

/// Visit every body the query hooks did not see (bodies whose queries were answered from the
/// incremental cache, or not needed by `cargo check`), then assemble the crate's records.
pub fn finish(tcx: TyCtxt<'_>, config: &DriverConfig) -> schema::CrateGraph {
    let cx = Cx::new(tcx);
    let defs = functions::all_bodies_and_fns(&cx);
    for def in tcx.hir_body_owners() {
        state::guarded("unsafe operations", || on_thir(tcx, def));
        state::guarded("calls", || on_mir(tcx, def));
    }
    let crate_name = tcx.crate_name(rustc_hir::def_id::LOCAL_CRATE).to_string();
    let mut graph = crate::output::empty_graph(&cx);
    let mut declarations = Vec::new();
    let mut exports = Vec::new();
    state::guarded("crate items", || {
        if config.force_panic.as_deref() == Some(crate_name.as_str()) {
            panic!("forced by PAINTER_ARGS.force_panic for crate `{crate_name}`");
        }
        graph.functions = functions::collect(&cx, &defs);
        declarations = declarations::collect(&cx);
        exports = ffi::exports(&cx);
        graph.ffi.native_libraries = ffi::local_libraries(&cx);
    });
    let mut records = state::records().take().unwrap_or_default();
    records.declarations = declarations;
    records.ffi_exports = exports;
    if !config.emit.is_empty() {
        diagnostics::emit(tcx, config, &records);
    }
    graph
        .functions
        .extend(std::mem::take(&mut records.glue_functions));
    count_per_function(&mut graph.functions, &records);
    graph.unsafe_ops = records.unsafe_ops.into_iter().map(|(op, _)| op).collect();
    graph.unsafe_blocks = records.unsafe_blocks;
    graph.calls = records.calls.into_iter().map(|(call, _)| call).collect();
    graph.ffi.imports = records.ffi_imports.into_iter().map(|(i, _)| i).collect();
    graph.ffi.exports = records.ffi_exports.into_iter().map(|(e, _)| e).collect();
    graph.ffi.callbacks = records.callbacks.into_iter().map(|(c, _)| c).collect();
    graph.declarations = records.declarations.into_iter().map(|(d, _)| d).collect();
    graph.address_taken = records.address_taken;
    if let Some(error) = records.failure {
        graph.status = schema::Status::Failed;
        graph.error = Some(error);
    }
    graph
}

/// Per-function totals of unsafe operations and blocks.
fn count_per_function(functions: &mut [schema::Function], records: &Records) {
    let mut ops: FxHashMap<&str, (u32, u32)> = FxHashMap::default();
    for (op, _) in &records.unsafe_ops {
        ops.entry(op.function.as_str()).or_default().0 += 1;
    }
    for block in &records.unsafe_blocks {
        ops.entry(block.function.as_str()).or_default().1 += 1;
    }
    for function in functions {
        if let Some(&(ops, blocks)) = ops.get(function.id.as_str()) {
            function.unsafe_ops = ops;
            function.unsafe_blocks = blocks;
        }
    }
}
