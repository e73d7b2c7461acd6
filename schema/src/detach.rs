//! The hand-over between `cargo painter` and the driver for analyses finished after rustc
//! exits: a fixed set of lock files, each held by one analysis still running.
//!
//! In a `cargo check` build a dependent crate starts only when its dependency's compiler
//! process has exited (cargo pipelines on the `.rmeta` only for builds that emit code). So
//! every crate's analysis used to sit on the build's critical path. With [`DETACH_ENV`] set,
//! the driver of a crate that is only checked forks once rustc's analysis is done: the parent
//! writes the metadata and exits, and the child, at the lowest priority, walks the bodies
//! and writes the per-crate file.
//!
//! - The child holds an exclusive `flock` on one slot file until it exits. The lock belongs
//!   to the open file, which the fork shares, so the parent's exit does not release it.
//! - A driver that finds no free slot analyses in-process as before. This bounds how many
//!   copies of rustc's memory wait for a core.
//! - When cargo is done, `cargo painter` takes every slot in turn. Once it holds each one,
//!   every per-crate file of the build is written.
//! - A slot file holds the path of the crate's `.rmeta` while its analysis runs, and is
//!   emptied when the per-crate file is written. Cargo will not check that crate again (its
//!   metadata exists), so an analysis that died (killed, out of memory) would leave the crate
//!   without a file for good. `cargo painter` removes the `.rmeta` named in an unlocked,
//!   non-empty slot ([`Slots::take_unfinished`]), and cargo checks the crate again.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Environment variable: `<slots>:<directory>` (see [`Slots`]). Not tracked by cargo: where
/// the analysis runs does not change what it records.
pub const DETACH_ENV: &str = "PAINTER_DETACH";

const SLOT_PREFIX: &str = "slot-";

/// The slot files `slot-0` … `slot-<count-1>` in `dir`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slots {
    pub count: usize,
    pub dir: PathBuf,
}

impl Slots {
    pub fn to_env_value(&self) -> String {
        format!("{}:{}", self.count, self.dir.display())
    }

    /// `None` for a value this version did not write: the driver then simply does not detach.
    pub fn from_env_value(value: &str) -> Option<Self> {
        let (count, dir) = value.split_once(':')?;
        let count = count.parse().ok().filter(|&n| n > 0)?;
        Some(Slots {
            count,
            dir: PathBuf::from(dir),
        })
    }

    pub fn slot(&self, index: usize) -> PathBuf {
        self.dir.join(format!("{SLOT_PREFIX}{index}"))
    }

    /// Create the directory; a slot file is made when it is first opened.
    pub fn create(&self) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)
    }

    /// A free slot, locked until the returned file is closed by every process that has it,
    /// and marked as analysing the crate whose metadata is `rmeta`. A slot that still names
    /// a crate is that of an analysis that died: it stays as it is for
    /// [`Slots::take_unfinished`].
    pub fn try_take(&self, rmeta: &Path) -> Option<File> {
        (0..self.count).find_map(|index| {
            let mut file = open(&self.slot(index)).ok()?;
            lock(&file, false).ok()?;
            if file.metadata().ok()?.len() != 0 {
                return None;
            }
            file.write_all(rmeta.as_os_str().as_encoded_bytes()).ok()?;
            Some(file)
        })
    }

    /// The analyses that ended without writing their file, in every slot file of the
    /// directory (whatever the count was when they ran): their slots are emptied, and the
    /// `.rmeta` they name is removed so that cargo checks the crate again. A slot locked by a
    /// live analysis (a concurrent run) is left alone.
    pub fn take_unfinished(&self) -> std::io::Result<Vec<PathBuf>> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut unfinished = Vec::new();
        for entry in entries {
            let entry = entry?;
            if !entry.file_name().to_string_lossy().starts_with(SLOT_PREFIX) {
                continue;
            }
            let path = entry.path();
            let mut file = open(&path)?;
            if lock(&file, false).is_err() {
                continue;
            }
            let mut rmeta = Vec::new();
            file.read_to_end(&mut rmeta)?;
            if rmeta.is_empty() {
                continue;
            }
            let rmeta = path_from_bytes(rmeta);
            match std::fs::remove_file(&rmeta) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            file.set_len(0)?;
            unfinished.push(rmeta);
        }
        unfinished.sort();
        Ok(unfinished)
    }

    /// Block until no analysis holds a slot. Only meaningful once no driver can start a new
    /// one (cargo has exited).
    pub fn wait_all(&self) -> std::io::Result<()> {
        for index in 0..self.count {
            let file = open(&self.slot(index))?;
            lock(&file, true)?;
        }
        Ok(())
    }
}

/// An exclusive `flock` on `file` (released when every descriptor of its open file is
/// closed); `wait`: block until it is free. (`File::lock` would do, from Rust 1.89 on: above
/// this crate's MSRV.)
#[cfg(unix)]
fn lock(file: &File, wait: bool) -> std::io::Result<()> {
    use rustix::fs::{FlockOperation, flock};
    let operation = if wait {
        FlockOperation::LockExclusive
    } else {
        FlockOperation::NonBlockingLockExclusive
    };
    Ok(flock(file, operation)?)
}

/// Elsewhere nothing is detached: no slot can be taken, and none is ever held.
#[cfg(not(unix))]
fn lock(_: &File, wait: bool) -> std::io::Result<()> {
    if wait {
        Ok(())
    } else {
        Err(std::io::ErrorKind::Unsupported.into())
    }
}

#[cfg(unix)]
fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}

fn open(path: &Path) -> std::io::Result<File> {
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_value_round_trips_and_junk_disables() {
        let slots = Slots {
            count: 3,
            dir: PathBuf::from("/t/painter/detach:x"),
        };
        assert_eq!(Slots::from_env_value(&slots.to_env_value()), Some(slots));
        for junk in ["", "x", "0:/t", "-1:/t", "/t"] {
            assert_eq!(Slots::from_env_value(junk), None, "{junk}");
        }
    }

    #[test]
    fn a_held_slot_is_skipped_and_waited_for() {
        let dir = std::env::temp_dir().join(format!("painter-detach-{}", std::process::id()));
        let slots = Slots { count: 2, dir };
        slots.create().unwrap();
        let rmeta = Path::new("/nonexistent/libx.rmeta");
        let first = slots.try_take(rmeta).unwrap();
        let second = slots.try_take(rmeta).unwrap();
        assert!(slots.try_take(rmeta).is_none(), "both slots are held");
        // A finished analysis empties its slot, and the slot is free again.
        first.set_len(0).unwrap();
        drop(first);
        let again = slots
            .try_take(rmeta)
            .expect("a finished slot is free again");
        let waiter = {
            let slots = slots.clone();
            std::thread::spawn(move || slots.wait_all().unwrap())
        };
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!waiter.is_finished(), "wait_all waits for held slots");
        drop((second, again));
        waiter.join().unwrap();
        std::fs::remove_dir_all(&slots.dir).unwrap();
    }

    #[test]
    fn an_analysis_that_died_gets_its_crate_checked_again() {
        let dir = std::env::temp_dir().join(format!("painter-unfinished-{}", std::process::id()));
        let slots = Slots { count: 3, dir };
        slots.create().unwrap();
        // Beside the slots, as other files can be.
        let rmeta = |name: &str| slots.dir.join(format!("lib{name}.rmeta"));
        for name in ["dead", "done", "running"] {
            std::fs::write(rmeta(name), b"metadata").unwrap();
        }
        // A dead child's slot still names its crate (and is not taken again); a finished
        // one emptied its slot; a live one holds the lock.
        drop(slots.try_take(&rmeta("dead")).unwrap());
        let done = slots.try_take(&rmeta("done")).unwrap();
        assert_ne!(done.metadata().unwrap().len(), 0);
        done.set_len(0).unwrap();
        let running = slots.try_take(&rmeta("running")).unwrap();
        drop(done);

        assert_eq!(slots.take_unfinished().unwrap(), [rmeta("dead")]);
        assert!(!rmeta("dead").exists(), "cargo will check the crate again");
        assert!(rmeta("done").exists() && rmeta("running").exists());
        assert_eq!(slots.take_unfinished().unwrap(), Vec::<PathBuf>::new());
        drop(running);
        std::fs::remove_dir_all(&slots.dir).unwrap();
    }
}
