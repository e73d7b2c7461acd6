//! Atomic file writing and the temp-name rule shared by every writer of cargo painter and by
//! the sweep of leftovers: a file appears whole or not at all, under its final name.
//!
//! Every writer writes a hidden sibling and renames it over the target. Readers never see half
//! a file, a crash leaves the previous file intact, and a directory scan for `*.json` never
//! picks up a temp file (they end in `.tmp`). No fsync: a file lost in a power cut is rebuilt by
//! the next run, a torn one is rejected by every reader as corrupt.
//!
//! Two temp names:
//! - [`Temp::PerProcess`]: `.<name>.<pid>.<n>.tmp` (`n` counts this process's temps), for
//!   writers that may run concurrently with another process writing the same target. A run
//!   killed between write and rename leaves one behind; [`writer_pid`] lets the next run remove
//!   those of processes that are gone.
//! - [`Temp::Fixed`]: `.<name>.tmp`, for the driver. Cargo never runs one unit twice at once,
//!   and a temp left by a killed build is overwritten when cargo re-runs the unit (it always
//!   does: the killed unit never got its fingerprint), so nothing accumulates in cargo's dirs.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// How a temp file is named; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Temp {
    PerProcess,
    Fixed,
}

const TEMP_SUFFIX: &str = ".tmp";

/// Temps created by this process so far: unique names across threads without retries.
static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// The hidden temp sibling `dest` is written under.
pub fn temp_path(dest: &Path, temp: Temp) -> PathBuf {
    let name = dest.file_name().unwrap_or_default().to_string_lossy();
    let file = match temp {
        Temp::PerProcess => format!(
            ".{name}.{}.{}{TEMP_SUFFIX}",
            std::process::id(),
            SEQUENCE.fetch_add(1, Ordering::Relaxed)
        ),
        Temp::Fixed => format!(".{name}{TEMP_SUFFIX}"),
    };
    dir_of(dest).join(file)
}

/// The process that wrote a [`Temp::PerProcess`] temp file named `file_name`, or `None` when
/// the name is not one. Also reads the `.<name>.<pid>.tmp` form of earlier versions.
pub fn writer_pid(file_name: &str) -> Option<u32> {
    let inner = file_name.strip_prefix('.')?.strip_suffix(TEMP_SUFFIX)?;
    let (rest, last) = inner.rsplit_once('.')?;
    let last: u32 = last.parse().ok()?;
    match rest.rsplit_once('.') {
        // `<name>.<pid>.<n>`: the name itself has an extension (`graph.json`), so the
        // component before `n` must be the pid.
        Some((name, pid)) if !name.is_empty() => match pid.parse() {
            Ok(pid) => Some(pid),
            // `<name>.<pid>` of earlier versions, where the name ends in `.json`.
            Err(_) => (pid == "json").then_some(last),
        },
        _ => None,
    }
}

/// Create `dest`'s directory, run `body` on a buffered temp file, then rename it over `dest`.
/// On any error the temp file is removed and `dest` is untouched.
pub fn write_atomic(
    dest: &Path,
    temp: Temp,
    body: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> io::Result<()> {
    fs::create_dir_all(dir_of(dest))?;
    let temp_file = temp_path(dest, temp);
    let written = (|| {
        // A fixed name may hold a killed writer's leftover; a per-process one never exists.
        let file = match temp {
            Temp::PerProcess => OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temp_file)?,
            Temp::Fixed => File::create(&temp_file)?,
        };
        let mut out = BufWriter::with_capacity(1 << 20, file);
        body(&mut out)?;
        out.flush()?;
        drop(out);
        fs::rename(&temp_file, dest)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temp_file);
    }
    written
}

/// [`write_atomic`] of a byte string, with a per-process temp name.
pub fn write_bytes_atomic(dest: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic(dest, Temp::PerProcess, |out| out.write_all(bytes))
}

/// `source` at `dest`, appearing at once and whole, as a hard link where possible (a snapshot
/// like a copy as long as writers replace `source` by rename, never in place) or else a copy.
pub fn place_atomic(source: &Path, dest: &Path) -> io::Result<()> {
    fs::create_dir_all(dir_of(dest))?;
    let temp_file = temp_path(dest, Temp::PerProcess);
    let placed = (|| {
        if fs::hard_link(source, &temp_file).is_err() {
            fs::copy(source, &temp_file)?;
        }
        fs::rename(&temp_file, dest)
    })();
    if placed.is_err() {
        let _ = fs::remove_file(&temp_file);
    }
    placed
}

/// Rename a temp file that something else filled (e.g. a database library) over `dest`,
/// removing it when the rename fails.
pub fn commit_temp(temp_file: &Path, dest: &Path) -> io::Result<()> {
    fs::rename(temp_file, dest).inspect_err(|_| {
        let _ = fs::remove_file(temp_file);
    })
}

fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_follow_the_rule() {
        let a = temp_path(Path::new("out/graph.json"), Temp::PerProcess);
        let b = temp_path(Path::new("out/graph.json"), Temp::PerProcess);
        assert_ne!(a, b, "two temps of one process never collide");
        let name = a.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with(".graph.json.") && name.ends_with(".tmp"));
        assert_eq!(writer_pid(name), Some(std::process::id()));
        assert_eq!(
            temp_path(Path::new("d/x.painter.json"), Temp::Fixed),
            Path::new("d/.x.painter.json.tmp")
        );
    }

    #[test]
    fn writer_pid_reads_only_our_per_process_names() {
        assert_eq!(writer_pid(".regex-1.13.2-00aa.json.4242.0.tmp"), Some(4242));
        assert_eq!(writer_pid(".graph.json.17.0.tmp"), Some(17));
        // Earlier versions' form.
        assert_eq!(writer_pid(".regex-1.13.2-00aa.json.4242.tmp"), Some(4242));
        for not_ours in [
            "graph.json",
            ".summary-cache.tmp",
            ".x.json.12.tmp.bak",
            ".x.json.pid.tmp",
            ".x.painter.json.tmp",
            ".12.tmp",
        ] {
            assert_eq!(writer_pid(not_ours), None, "{not_ours}");
        }
    }

    #[test]
    fn a_failed_body_leaves_no_temp_and_no_target() {
        let dir = std::env::temp_dir().join(format!("painter-atomic-{}", std::process::id()));
        let dest = dir.join("sub/f.json");
        let failed = write_atomic(&dest, Temp::PerProcess, |out| {
            out.write_all(b"{half")?;
            Err(io::Error::other("interrupted"))
        });
        assert!(failed.is_err());
        assert!(!dest.exists());
        assert_eq!(fs::read_dir(dest.parent().unwrap()).unwrap().count(), 0);
        write_bytes_atomic(&dest, b"{}").unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"{}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
