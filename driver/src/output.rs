//! Assembling and writing the per-crate graph: the crate's identity (from rustc's session and
//! cargo's environment), canonical ordering, and an atomic write next to the crate's metadata
//! (`<out-dir>/<crate><extra-filename>.painter.json`), where `cargo painter` looks for it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::Instant;

use painter_schema::{self as schema, PAINTER_VERSION, SCHEMA_VERSION};
use rustc_hir::def_id::LOCAL_CRATE;
use rustc_middle::ty::TyCtxt;

use crate::collect::common::Cx;

pub fn empty_graph(cx: &Cx<'_>) -> schema::CrateGraph {
    schema::CrateGraph {
        schema_version: SCHEMA_VERSION,
        painter_version: PAINTER_VERSION.to_string(),
        toolchain: env!("PAINTER_TOOLCHAIN").to_string(),
        krate: crate_info(cx),
        status: schema::Status::Ok,
        error: None,
        analysis_ms: 0,
        functions: Vec::new(),
        unsafe_ops: Vec::new(),
        unsafe_blocks: Vec::new(),
        calls: Vec::new(),
        ffi: schema::Ffi::default(),
        declarations: Vec::new(),
        address_taken: Vec::new(),
        counts: schema::Counts::default(),
    }
}

fn crate_info(cx: &Cx<'_>) -> schema::CrateInfo {
    let tcx = cx.tcx;
    let sess = tcx.sess;
    let name = tcx.crate_name(LOCAL_CRATE).to_string();
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let manifest_dir = env("CARGO_MANIFEST_DIR");
    let kind = if name == "build_script_build" && env("CARGO_PKG_NAME").is_some() {
        "build-script".to_string()
    } else if sess.opts.test {
        "test".to_string()
    } else {
        match tcx.crate_types().first().map(|t| t.to_string()) {
            Some(t) if t == "rlib" => "lib".to_string(),
            Some(t) => t,
            None => "lib".to_string(),
        }
    };
    let source = match manifest_dir.as_deref() {
        Some(dir) if dir.contains("/registry/src/") => "registry",
        Some(dir) if dir.contains("/git/checkouts/") => "git",
        _ => "path",
    };
    let mut features: Vec<String> = sess
        .config
        .iter()
        .filter(|(key, value)| key.as_str() == "feature" && value.is_some())
        .filter_map(|(_, value)| value.map(|v| v.to_string()))
        .collect();
    features.sort();
    schema::CrateInfo {
        configurations: Vec::new(),
        package: env("CARGO_PKG_NAME").unwrap_or_else(|| name.clone()),
        name,
        version: env("CARGO_PKG_VERSION").unwrap_or_else(|| "0.0.0".to_string()),
        kind,
        stable_id: format!("{:016x}", tcx.stable_crate_id(LOCAL_CRATE).as_u64()),
        features,
        target: sess.opts.target_triple.tuple().to_string(),
        source: source.to_string(),
        primary: std::env::var_os("CARGO_PRIMARY_PACKAGE").is_some(),
        edition: sess.edition().to_string(),
        links: env("CARGO_MANIFEST_LINKS"),
        // A registry or git package's root as its spans' files are: under a named root.
        manifest_dir: manifest_dir.map(|dir| cx.roots.dir(&dir)),
    }
}

/// Totals and timing. The records need no sorting: rustc visits bodies in a fixed order (one
/// thread, queries in `hir_body_owners` order), so the same crate gives the same bytes; the
/// linker sorts anyway.
fn finalize(graph: &mut schema::CrateGraph, started: Instant) {
    graph.ffi.native_libraries.sort();
    graph.ffi.native_libraries.dedup();
    graph.recount();
    // Analysis time is the one field that differs between two analyses of the same crate:
    // the query hooks plus everything from `after_analysis` to here (not the file's writing).
    let total = crate::state::hook_time() + started.elapsed();
    graph.analysis_ms = total.as_millis() as u64;
}

/// Where the file for this crate goes: beside cargo's artifacts, named like them.
pub fn output_path(tcx: TyCtxt<'_>) -> PathBuf {
    let outputs = tcx.output_filenames(());
    let probe = outputs.with_extension("painter.json");
    let dir = probe.parent().map(PathBuf::from).unwrap_or_default();
    let extra = &tcx.sess.opts.cg.extra_filename;
    dir.join(format!(
        "{}{extra}{}",
        tcx.crate_name(LOCAL_CRATE),
        schema::names::CRATE_FILE_SUFFIX
    ))
}

static WRITER: Mutex<Option<JoinHandle<()>>> = Mutex::new(None);

/// Finish and write the graph on a thread of its own, so that it overlaps rustc's metadata
/// encoding; `wait_for_output` joins it before the process exits.
/// With `key` (`reuse::key`), an analysis that did not fail is remembered as made under it.
pub fn write_in_background(
    path: PathBuf,
    mut graph: schema::CrateGraph,
    key: Option<String>,
    started: Instant,
) {
    let handle = std::thread::spawn(move || {
        finalize(&mut graph, started);
        crate::reuse::forget(&path);
        match write(&path, &graph) {
            Ok(()) => {
                if let Some(key) = key
                    && graph.status == schema::Status::Ok
                {
                    crate::reuse::remember(&path, &key);
                }
            }
            // Never fail the build: say why the file is missing and go on.
            Err(e) => eprintln!("warning: painter: could not write {}: {e}", path.display()),
        }
        // The process ends right after: freeing millions of small strings one by one would
        // only cost time.
        std::mem::forget(graph);
    });
    *WRITER.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle);
}

/// Block until the background write (if any) is done.
pub fn wait_for_output() {
    if let Some(handle) = WRITER.lock().unwrap_or_else(|e| e.into_inner()).take() {
        let _ = handle.join();
    }
}

/// Written through [`schema::atomic`] under a fixed temp name: see there why the driver's is
/// fixed.
fn write(path: &Path, graph: &schema::CrateGraph) -> std::io::Result<()> {
    schema::atomic::write_atomic(path, schema::atomic::Temp::Fixed, |out| {
        serde_json::to_writer(&mut *out, graph).map_err(std::io::Error::other)?;
        out.write_all(b"\n")
    })
}
