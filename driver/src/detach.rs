//! Finishing a crate's analysis after rustc has exited (`painter_schema::detach` has the
//! protocol and why): the fork, and what the child may and may not touch.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::PathBuf;

use painter_schema::detach::{DETACH_ENV, Slots};
use rustc_middle::ty::TyCtxt;
use rustc_session::config::{OutFileName, OutputType};

pub enum Forked {
    /// Return to rustc: the analysis goes on in the child.
    Parent,
    /// Analyse, write, then [`exit_child`] with this slot; never return to rustc.
    Child(File),
}

/// Fork if `cargo painter` asked for it, a slot is free and forking is sound here.
pub fn fork(tcx: TyCtxt<'_>) -> Option<Forked> {
    let slots = Slots::from_env_value(&std::env::var(DETACH_ENV).ok()?)?;
    let rmeta = checked_only(tcx)?;
    if !sound_to_fork(tcx) {
        return None;
    }
    let slot = slots.try_take(&rmeta)?;
    // SAFETY: one thread runs here (`sound_to_fork`); in the child it continues alone with a
    // copy of the compiler's memory. fork(3) runs the allocator's atfork handlers, so the heap
    // is consistent in the child.
    match unsafe { libc::fork() } {
        -1 => {
            let _ = slot.set_len(0);
            None
        }
        0 => {
            into_background();
            Some(Forked::Child(slot))
        }
        _ => Some(Forked::Parent),
    }
}

/// The crate's `.rmeta`, if that is all rustc writes (besides dep-info): a `cargo check` unit.
/// Units that generate code (build scripts, proc macros, `cargo build`) spend far longer in
/// codegen than in our analysis, and an unfinished analysis could not be undone by removing
/// one file (`painter_schema::detach`).
fn checked_only(tcx: TyCtxt<'_>) -> Option<PathBuf> {
    let types = &tcx.sess.opts.output_types;
    let only_metadata = types
        .keys()
        .all(|t| matches!(t, OutputType::Metadata | OutputType::DepInfo));
    if !only_metadata || !types.contains_key(&OutputType::Metadata) {
        return None;
    }
    match tcx.output_filenames(()).path(OutputType::Metadata) {
        OutFileName::Real(path) => Some(path),
        OutFileName::Stdout => None,
    }
}

/// Only a compilation that shares nothing with its future self, on one thread:
/// - no incremental session: the dep graph of the session is streamed to a file as queries
///   run (`rustc_middle::dep_graph::serialized::GraphEncoder`), and the child's queries
///   would append to the parent's file through the shared descriptor;
/// - one compiler thread: with `-Z threads` > 1 the worker threads would be missing in the
///   child while it runs queries;
/// - no thread but rustc's two (the main one waiting for the compiler's): a lock held
///   by any other thread at the fork would stay locked in the child for good.
fn sound_to_fork(tcx: TyCtxt<'_>) -> bool {
    tcx.sess.opts.incremental.is_none()
        && !rustc_data_structures::sync::is_dyn_thread_safe()
        && std::fs::read_dir("/proc/self/task").is_ok_and(|tasks| tasks.count() == 2)
}

/// The child from here on: cargo reads the compiler's stdout and stderr until every copy is
/// closed, so ours point at /dev/null; and it takes only the CPU the build leaves idle.
fn into_background() {
    if let Ok(null) = File::options().read(true).write(true).open("/dev/null") {
        for fd in 0..=2 {
            // SAFETY: replaces a standard descriptor with /dev/null; `null` outlives the call.
            unsafe { libc::dup2(null.as_raw_fd(), fd) };
        }
    }
    let _ = rustix::process::setpriority_process(None, 19);
}

/// End the child. When the file is `written`, the slot is emptied: nothing is left to do.
/// Otherwise it keeps naming the crate, whose metadata `cargo painter` then removes so that
/// the crate is checked again. The lock goes with the process. No return into rustc (which
/// would write the metadata a second time), and no destructors of the parent's session.
pub fn exit_child(slot: File, written: bool) -> ! {
    if written {
        let _ = slot.set_len(0);
    }
    // SAFETY: _exit(2) ends the process at once; nothing of ours needs flushing (the file is
    // written and closed).
    unsafe { libc::_exit(if written { 0 } else { 101 }) }
}
