//! A file's size and modification time: enough to notice a replaced file (the driver and
//! `collect` replace files by rename, so a new version is a new file with a new mtime). The
//! caches of `cargo painter`'s analyse step (summary, link inputs), of its workspace facts and
//! of the driver's reuse of an unchanged crate are keyed on them.

use std::path::Path;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Stamp {
    len: u64,
    mtime_ns: u128,
}

pub fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    let mtime_ns = meta
        .modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some(Stamp {
        len: meta.len(),
        mtime_ns,
    })
}

/// This binary's stamp: a new cargo painter or driver may link or find differently, so caches
/// made by another one are not used.
pub fn exe() -> Option<Stamp> {
    std::env::current_exe().ok().and_then(|exe| stamp(&exe))
}
