//! The rustc callbacks: hook our collectors into the two queries whose results rustc steals
//! (THIR in `check_unsafety`, built MIR in `mir_drops_elaborated_and_const_checked`), tell cargo
//! what to track, and write the per-crate graph once analysis is done.

use std::sync::OnceLock;

use painter_schema::{DriverConfig, PAINTER_ARGS_ENV};
use rustc_data_structures::steal::Steal;
use rustc_driver::Compilation;
use rustc_interface::interface;
use rustc_middle::mir::Body;
use rustc_middle::ty::TyCtxt;
use rustc_middle::util::Providers;
use rustc_session::Session;
use rustc_span::Symbol;
use rustc_span::def_id::LocalDefId;

use crate::{collect, output, reuse, state};

/// rustc exactly as shipped: for invocations that compile nothing.
pub struct PlainRustc;

impl rustc_driver::Callbacks for PlainRustc {}

pub struct PainterCallbacks {
    config: DriverConfig,
}

impl PainterCallbacks {
    pub fn new(config: DriverConfig) -> Self {
        PainterCallbacks { config }
    }

    fn enabled(&self) -> bool {
        !self.config.disable
    }
}

type CheckUnsafety = for<'tcx> fn(TyCtxt<'tcx>, LocalDefId);
type MirDropsElaborated = for<'tcx> fn(TyCtxt<'tcx>, LocalDefId) -> &'tcx Steal<Body<'tcx>>;

static DEFAULT_CHECK_UNSAFETY: OnceLock<CheckUnsafety> = OnceLock::new();
static DEFAULT_MIR_DROPS_ELABORATED: OnceLock<MirDropsElaborated> = OnceLock::new();

fn override_queries(_sess: &Session, providers: &mut Providers) {
    let _ = DEFAULT_CHECK_UNSAFETY.set(providers.queries.check_unsafety);
    let _ =
        DEFAULT_MIR_DROPS_ELABORATED.set(providers.queries.mir_drops_elaborated_and_const_checked);
    providers.queries.check_unsafety = check_unsafety;
    providers.queries.mir_drops_elaborated_and_const_checked = mir_drops_elaborated;
}

/// `check_unsafety` steals the THIR of a body and its closures: read it first.
fn check_unsafety(tcx: TyCtxt<'_>, def: LocalDefId) {
    state::timed_hook(|| state::guarded("unsafe operations", || collect::on_thir(tcx, def)));
    (DEFAULT_CHECK_UNSAFETY.get().expect("provider saved"))(tcx, def)
}

/// This query steals `mir_promoted`, our call-graph MIR: read it first. (In `cargo check` it
/// only runs for const contexts; other bodies are read in `after_analysis`.)
fn mir_drops_elaborated<'tcx>(tcx: TyCtxt<'tcx>, def: LocalDefId) -> &'tcx Steal<Body<'tcx>> {
    state::timed_hook(|| state::guarded("calls", || collect::on_mir(tcx, def)));
    (DEFAULT_MIR_DROPS_ELABORATED.get().expect("provider saved"))(tcx, def)
}

impl rustc_driver::Callbacks for PainterCallbacks {
    fn config(&mut self, config: &mut interface::Config) {
        if self.enabled() {
            config.override_queries = Some(override_queries);
        }
    }

    fn after_crate_root_parsing(
        &mut self,
        compiler: &interface::Compiler,
        _krate: &mut rustc_ast::Crate,
    ) -> Compilation {
        // Cargo re-runs a crate when a tracked env var or file changes: our options and our
        // own binary (a new driver may find more) — clippy-driver does the same.
        let sess = &compiler.sess;
        let value = std::env::var(PAINTER_ARGS_ENV).ok();
        sess.env_depinfo.borrow_mut().insert((
            Symbol::intern(PAINTER_ARGS_ENV),
            value.as_deref().map(Symbol::intern),
        ));
        if let Ok(exe) = std::env::current_exe() {
            sess.file_depinfo
                .borrow_mut()
                .insert(Symbol::intern(&exe.to_string_lossy()));
        }
        Compilation::Continue
    }

    fn after_analysis<'tcx>(
        &mut self,
        _compiler: &interface::Compiler,
        tcx: TyCtxt<'tcx>,
    ) -> Compilation {
        if self.enabled() {
            let started = std::time::Instant::now();
            let path = output::output_path(tcx);
            let key = (!self.config.no_output)
                .then(|| state::quietly(|| reuse::key(tcx, &self.config)).flatten())
                .flatten();
            if let Some(key) = &key
                && reuse::is_current(&path, key)
            {
                return Compilation::Continue;
            }
            let graph = collect::finish(tcx, &self.config);
            if !self.config.no_output {
                // Ordering and writing run beside rustc's own metadata encoding.
                output::write_in_background(path, graph, key, started);
            }
        }
        Compilation::Continue
    }
}
