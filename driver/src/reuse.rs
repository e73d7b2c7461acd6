//! Reusing the last analysis of a crate whose inputs are all unchanged. Cargo recompiles a
//! crate when a file's mtime moves (a save without edits, a checkout and back, a touched
//! `build.rs` input); rustc then answers every query from its incremental cache, but the
//! analysis would still walk every body. The per-crate file is a function of the crate's HIR
//! (after macro expansion), the positions of its source text, the upstream crates' metadata,
//! the session's tracked options, the few environment variables the driver reads and the
//! driver itself; when all of them hash as last time, the file beside the key is that
//! analysis, and it is left as it is (so `cargo painter` sees an unchanged file and re-links
//! nothing).
//!
//! The key is only made where rustc hashed the HIR (`TyCtxt::needs_hir_hash`: incremental
//! builds and crates with metadata), never when diagnostics are emitted (they must be printed
//! again), and only written after an analysis that did not fail.

use std::hash::Hash;
use std::path::{Path, PathBuf};

use painter_schema::{DriverConfig, PAINTER_ARGS_ENV, PAINTER_VERSION, SCHEMA_VERSION, names};
use rustc_data_structures::fingerprint::Fingerprint;
use rustc_data_structures::stable_hash::StableHasher;
use rustc_hir::MaybeOwner;
use rustc_middle::ty::TyCtxt;

/// Environment variables `output::crate_info` reads; the ones `collect::paths::Roots` reads
/// are hashed as the roots they resolve to. Cargo's others (its jobserver, say) change between
/// runs without changing a record.
const ENV_READ: &[&str] = &[
    PAINTER_ARGS_ENV,
    "CARGO_PKG_NAME",
    "CARGO_PKG_VERSION",
    "CARGO_MANIFEST_DIR",
    "CARGO_MANIFEST_LINKS",
    "CARGO_PRIMARY_PACKAGE",
];

/// The key file beside a per-crate file: `<crate><extra>.painter.key`.
fn key_path(output: &Path) -> PathBuf {
    let name = output.file_name().unwrap_or_default().to_string_lossy();
    let stem = name.strip_suffix(names::CRATE_FILE_SUFFIX).unwrap_or(&name);
    output.with_file_name(format!("{stem}{}", names::KEY_FILE_SUFFIX))
}

/// The hash of everything the crate's analysis depends on, or `None` where it cannot be
/// known here (no HIR hashes in this session) or must not be reused (diagnostics asked for).
pub fn key(tcx: TyCtxt<'_>, config: &DriverConfig) -> Option<String> {
    if !config.emit.is_empty() || config.force_panic.is_some() || !tcx.needs_hir_hash() {
        return None;
    }
    let mut hasher = StableHasher::new();
    (PAINTER_VERSION, SCHEMA_VERSION).hash(&mut hasher);
    // A rebuilt driver may find more: its size and mtime, as cargo tracks it (callbacks.rs).
    painter_schema::stamp::exe()?.hash(&mut hasher);
    for name in ENV_READ {
        (name, std::env::var_os(name)).hash(&mut hasher);
    }
    let sess = tcx.sess;
    crate::collect::paths::roots(sess).hash(&mut hasher);
    sess.opts.dep_tracking_hash(false).hash(&mut hasher);
    sess.opts.sysroot.path().hash(&mut hasher);
    format!("{:?}", sess.opts.working_dir).hash(&mut hasher);
    // The HIR after expansion: what proc macros, `include_bytes!` and `env!` produced. Its
    // spans are hashed relative to their owner, so the source text below gives positions.
    for owner in tcx.hir_crate_items(()).owners() {
        match tcx.lower_to_hir(owner.def_id) {
            MaybeOwner::Owner(info) => {
                info.nodes.opt_hash?.hash(&mut hasher);
                info.attrs.opt_hash?.hash(&mut hasher);
            }
            MaybeOwner::NonOwner(_) => {}
        }
    }
    for file in sess.source_map().files().iter() {
        if !file.is_imported() {
            file.name
                .prefer_local_unconditionally()
                .to_string()
                .hash(&mut hasher);
            file.src_hash.hash_bytes().hash(&mut hasher);
        }
    }
    let mut upstream: Vec<_> = tcx
        .crates(())
        .iter()
        .map(|&krate| {
            (
                tcx.stable_crate_id(krate).as_u64(),
                tcx.crate_hash(krate).as_u128(),
            )
        })
        .collect();
    upstream.sort_unstable();
    upstream.hash(&mut hasher);
    let fingerprint: Fingerprint = hasher.finish();
    Some(fingerprint.to_hex())
}

/// Whether `output` holds the analysis made under `key`.
pub fn is_current(output: &Path, key: &str) -> bool {
    output.is_file()
        && std::fs::read_to_string(key_path(output)).is_ok_and(|stored| stored.trim() == key)
}

/// Forget the key before `output` is replaced, so that a write cut short is never reused.
pub fn forget(output: &Path) {
    let _ = std::fs::remove_file(key_path(output));
}

/// Record that `output` is the analysis made under `key`.
pub fn remember(output: &Path, key: &str) {
    if let Err(e) = painter_schema::atomic::write_atomic(
        &key_path(output),
        painter_schema::atomic::Temp::Fixed,
        |out| std::io::Write::write_all(out, key.as_bytes()),
    ) {
        eprintln!(
            "warning: painter: could not write {}: {e}",
            key_path(output).display()
        );
    }
}
