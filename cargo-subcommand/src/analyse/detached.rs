//! The run's side of analyses finished after their compiler exited
//! (`painter_schema::detach`): the slots, waiting for them after cargo, and reaping the
//! children, whose compiler parents are gone.

use std::path::Path;

use painter_schema::detach::Slots;
use painter_schema::names;

/// The slots of this run: `count`, or 4 per core (measured: docs/benchmarks.md, "Detached
/// analyses"). `None` (analyse in-process) for 0 or where they cannot be made. Analyses a
/// killed run left unfinished are undone first.
pub fn slots(out: &Path, count: Option<usize>) -> Option<Slots> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let slots = Slots {
        count: count.unwrap_or(4 * cores),
        dir: out.join(names::DETACH_DIR),
    };
    let undone = slots.take_unfinished();
    if slots.count == 0 {
        return None;
    }
    match undone.and_then(|_| slots.create()) {
        Ok(()) => {
            adopt_orphans();
            Some(slots)
        }
        Err(e) => {
            log::debug!("no detached analyses: {}: {e}", slots.dir.display());
            None
        }
    }
}

/// Once cargo has exited: block until every analysis is done. One that died without its file
/// (killed, out of memory) gets its crate checked again by the next run.
pub fn wait(slots: &Slots) {
    let started = std::time::Instant::now();
    let unfinished = slots.wait_all().and_then(|()| slots.take_unfinished());
    let reaped = reap_orphans();
    log::debug!(
        "detached analyses done {:.2?} after cargo ({reaped} reaped)",
        started.elapsed()
    );
    match unfinished {
        Ok(unfinished) => {
            for rmeta in unfinished {
                crate::diag::warning(format_args!(
                    "an analysis ended without writing its file; its crate is checked again \
                     on the next run ({} removed)",
                    rmeta.display()
                ));
            }
        }
        Err(e) => crate::diag::warning(format_args!(
            "cannot read the detached analyses' slots in {}: {e}",
            slots.dir.display()
        )),
    }
}

/// The children outlive their parent, the compiler. Orphans go to the nearest "subreaper"
/// ancestor, else to init: as one, we reap them, so that their CPU time counts in ours (what
/// `time cargo painter` and the benchmarks report) and no zombie waits for a container's
/// init that never reaps. Best effort: without it init reaps them.
#[cfg(target_os = "linux")]
fn adopt_orphans() {
    // The argument is only "nonzero" (prctl(2)); rustix takes it as a pid.
    if let Err(e) = rustix::process::set_child_subreaper(Some(rustix::process::getpid())) {
        log::debug!("not a subreaper: {e}");
    }
}

#[cfg(not(target_os = "linux"))]
fn adopt_orphans() {}

/// Reap every child that has exited. Called when no child of ours but adopted orphans can
/// exist (cargo has been waited for), so no other wait loses its child's status; `NOHANG`,
/// as an orphan could also be a daemon a build script started.
#[cfg(target_os = "linux")]
fn reap_orphans() -> usize {
    use rustix::process::{WaitOptions, wait};
    let mut reaped = 0;
    while let Ok(Some(_)) = wait(WaitOptions::NOHANG) {
        reaped += 1;
    }
    reaped
}

#[cfg(not(target_os = "linux"))]
fn reap_orphans() -> usize {
    0
}
