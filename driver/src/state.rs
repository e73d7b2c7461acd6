//! The driver's per-process state: the records collected so far and which bodies
//! were already visited. Query providers are plain `fn` pointers, so they reach it through
//! statics; rustc compiles one crate per process, so one state per process is one per crate.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use painter_schema as schema;
use rustc_data_structures::fx::FxHashSet;
use rustc_span::Span;
use rustc_span::def_id::LocalDefId;

/// Records accumulated while rustc runs its queries; turned into a `CrateGraph` at the end.
#[derive(Default)]
pub struct Records {
    /// Records with the rustc span they were found at (for `--emit` diagnostics).
    pub unsafe_ops: Vec<(schema::UnsafeOp, Span)>,
    pub unsafe_blocks: Vec<schema::UnsafeBlock>,
    pub calls: Vec<(schema::Call, Span)>,
    pub ffi_imports: Vec<(schema::FfiImport, Span)>,
    pub callbacks: Vec<(schema::FfiCallback, Span)>,
    /// Filled by `collect::finish` (they are read from HIR once, not per body).
    pub ffi_exports: Vec<(schema::FfiExport, Span)>,
    pub declarations: Vec<(schema::Declaration, Span)>,
    pub address_taken: Vec<schema::AddressTaken>,
    /// Bodies whose THIR was visited (unsafe ops).
    pub thir_seen: FxHashSet<LocalDefId>,
    /// Bodies whose MIR was visited (calls, FFI).
    pub mir_seen: FxHashSet<LocalDefId>,
    /// Drop-glue nodes already created (by id): each type's glue is recorded once per crate.
    pub glue: FxHashSet<String>,
    pub glue_functions: Vec<schema::Function>,
    /// The first analysis failure (a caught panic), if any.
    pub failure: Option<String>,
}

static RECORDS: Mutex<Option<Records>> = Mutex::new(None);

pub fn records() -> MutexGuard<'static, Option<Records>> {
    // A panic while holding the lock is caught by `guarded`; the data is still usable.
    RECORDS.lock().unwrap_or_else(|e| e.into_inner())
}

thread_local! {
    static IN_ANALYSIS: Cell<bool> = const { Cell::new(false) };
    static PANIC_MESSAGE: Cell<Option<String>> = const { Cell::new(None) };
}

/// Claim the glue node `id`: true the first time, when the caller must create it.
pub fn register_glue(id: &str) -> bool {
    let mut guard = records();
    let records = guard.get_or_insert_with(Records::default);
    if records.glue.contains(id) {
        return false;
    }
    records.glue.insert(id.to_string());
    true
}

/// Install a panic hook in front of rustc's ICE hook: panics inside our analysis are recorded
/// quietly (they are not compiler bugs and must not write `rustc-ice-*.txt` files); all other
/// panics still go to rustc's hook.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if IN_ANALYSIS.with(Cell::get) {
            let location = info
                .location()
                .map(|l| format!(" at {l}"))
                .unwrap_or_default();
            let payload = info.payload();
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".to_string());
            PANIC_MESSAGE
                .with(|m| m.set(Some(format!("panic in painter analysis: {msg}{location}"))));
        } else {
            previous(info)
        }
    }));
}

/// Run one piece of analysis; a panic in it is recorded as the crate's analysis failure and
/// compilation goes on (the user's build never fails because of us).
pub fn guarded(what: &str, f: impl FnOnce()) {
    if records().as_ref().is_some_and(|r| r.failure.is_some()) {
        return; // one failure is enough: the file will say `failed`.
    }
    let was = IN_ANALYSIS.with(|a| a.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    IN_ANALYSIS.with(|a| a.set(was));
    if result.is_err() {
        let msg = PANIC_MESSAGE
            .with(|m| m.take())
            .unwrap_or_else(|| "panic in painter analysis".to_string());
        let mut guard = records();
        let records = guard.get_or_insert_with(Records::default);
        records.failure.get_or_insert(format!("{what}: {msg}"));
    }
}

/// Run a step whose failure costs nothing but itself (the reuse key): a panic in it is
/// swallowed, like the analysis's, but not recorded as the crate's failure.
pub fn quietly<R>(f: impl FnOnce() -> R) -> Option<R> {
    let was = IN_ANALYSIS.with(|a| a.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    IN_ANALYSIS.with(|a| a.set(was));
    PANIC_MESSAGE.with(|m| m.take());
    result.ok()
}

/// Time spent in our query hooks (`check_unsafety`, `mir_drops_elaborated_and_const_checked`)
/// so far, in nanoseconds: with the time of `after_analysis`, the crate's `analysis_ms`.
static HOOK_NANOS: AtomicU64 = AtomicU64::new(0);

/// Run `f` (a hook's own work) and add its wall time to the hook total.
pub fn timed_hook(f: impl FnOnce()) {
    let start = Instant::now();
    f();
    let nanos = start.elapsed().as_nanos().min(u128::from(u64::MAX)) as u64;
    HOOK_NANOS.fetch_add(nanos, Ordering::Relaxed);
}

/// Total time spent in the hooks so far.
pub fn hook_time() -> Duration {
    Duration::from_nanos(HOOK_NANOS.load(Ordering::Relaxed))
}
