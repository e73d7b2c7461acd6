//! The resource limits of one build beyond its wall time: a process count and resident memory
//! through a cgroup of its own when the machine lets us create one (v2, or v1 `pids`/`memory`
//! hierarchies), else `RLIMIT_NPROC`; and the disk the build may fill, measured on its
//! writable directories.

use std::{
    fs, io,
    os::unix::fs::MetadataExt,
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
};

/// The limits asked for on the command line (0: none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LimitArgs {
    /// Address space per process (RLIMIT_AS), bytes; also the cgroup's memory limit.
    pub memory: u64,
    /// Processes and threads of the whole build.
    pub procs: u64,
    /// Bytes one build may add to its target directory and `/tmp`.
    pub target_size: u64,
}

/// Where the run's cgroups go: one directory per controller hierarchy (one for cgroup v2).
#[derive(Debug)]
pub struct Cgroups {
    v2: bool,
    /// The run's parent cgroup(s), `painter-<pid>`; the builds' cgroups are their children.
    parents: Vec<PathBuf>,
    has_memory: bool,
}

const CGROUP_FS: &str = "/sys/fs/cgroup";

impl Cgroups {
    /// Create the run's parent cgroup with the `pids` controller (and `memory` when it is
    /// there), or `None` when this machine does not let us (no root, no delegation, a
    /// container's cgroup namespace with processes at its root).
    pub fn create() -> Option<Cgroups> {
        let name = format!("painter-{}", std::process::id());
        let root = Path::new(CGROUP_FS);
        if root.join("cgroup.controllers").is_file() {
            return Self::create_v2(root, &name)
                .inspect_err(|e| log::debug!("no cgroup v2 for the builds: {e}"))
                .ok();
        }
        Self::create_v1(root, &name)
            .inspect_err(|e| log::debug!("no cgroup v1 for the builds: {e}"))
            .ok()
    }

    /// Remove the cgroups of earlier runs that were killed before they could (their builds
    /// died with them, so the cgroups are empty).
    fn remove_stale(dir: &Path) {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = entry.file_name();
            let Some(pid) = name.to_str().and_then(|n| n.strip_prefix("painter-")) else {
                continue;
            };
            if Path::new("/proc").join(pid).exists() {
                continue;
            }
            for build in fs::read_dir(entry.path()).into_iter().flatten().flatten() {
                if build.file_type().is_ok_and(|t| t.is_dir()) {
                    let _ = fs::remove_dir(build.path());
                }
            }
            let _ = fs::remove_dir(entry.path());
        }
    }

    fn create_v2(root: &Path, name: &str) -> io::Result<Cgroups> {
        let available = fs::read_to_string(root.join("cgroup.controllers"))?;
        if !available.split_whitespace().any(|c| c == "pids") {
            return Err(io::Error::other("the pids controller is not available"));
        }
        let has_memory = available.split_whitespace().any(|c| c == "memory");
        let enable = if has_memory { "+pids +memory" } else { "+pids" };
        // At the hierarchy's root, which may hold processes; a cgroup below it may not have
        // both processes and controllers for its children, so the builds' parent holds none.
        fs::write(root.join("cgroup.subtree_control"), enable)?;
        Self::remove_stale(root);
        let parent = root.join(name);
        fs::create_dir_all(&parent)?;
        let cgroups = Cgroups {
            v2: true,
            parents: vec![parent.clone()],
            has_memory,
        };
        fs::write(parent.join("cgroup.subtree_control"), enable)?;
        Ok(cgroups)
    }

    fn create_v1(root: &Path, name: &str) -> io::Result<Cgroups> {
        let own = fs::read_to_string("/proc/self/cgroup")?;
        // Below our own cgroup of each controller, so a container's limits still apply.
        let place = |controller: &str| -> Option<PathBuf> {
            let line = own.lines().find(|l| {
                l.split(':')
                    .nth(1)
                    .is_some_and(|cs| cs.split(',').any(|c| c == controller))
            })?;
            let path = line.splitn(3, ':').nth(2)?.trim_start_matches('/');
            let dir = root.join(controller).join(path);
            if !dir.join("cgroup.procs").is_file() {
                return None;
            }
            Self::remove_stale(&dir);
            Some(dir.join(name))
        };
        let pids = place("pids").ok_or_else(|| io::Error::other("no pids hierarchy"))?;
        fs::create_dir_all(&pids)?;
        let mut cgroups = Cgroups {
            v2: false,
            parents: vec![pids],
            has_memory: false,
        };
        if let Some(memory) = place("memory")
            && fs::create_dir_all(&memory).is_ok()
        {
            cgroups.parents.push(memory);
            cgroups.has_memory = true;
        }
        Ok(cgroups)
    }

    /// A run's cgroups as the tests of command lines need them (nothing is created).
    #[cfg(test)]
    pub fn for_tests(has_memory: bool) -> Cgroups {
        Cgroups {
            v2: true,
            parents: vec![],
            has_memory,
        }
    }

    pub fn has_memory(&self) -> bool {
        self.has_memory
    }

    /// A fresh cgroup for one build (its event counters start at zero) with the limits set.
    pub fn build_cgroup(&self, limits: &LimitArgs) -> io::Result<Cgroup> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = format!("build-{}", NEXT.fetch_add(1, Ordering::Relaxed));
        let dirs: Vec<PathBuf> = self.parents.iter().map(|p| p.join(&name)).collect();
        let cgroup = Cgroup { v2: self.v2, dirs };
        for dir in &cgroup.dirs {
            fs::create_dir(dir)?;
        }
        let pids = &cgroup.dirs[0];
        let max = |n: u64| {
            if n == 0 {
                "max".to_string()
            } else {
                n.to_string()
            }
        };
        fs::write(pids.join("pids.max"), max(limits.procs))?;
        if self.has_memory && limits.memory > 0 {
            let memory = cgroup.dirs.last().expect("a memory cgroup");
            if self.v2 {
                fs::write(memory.join("memory.max"), limits.memory.to_string())?;
                // Swapping would turn the limit into a slowdown instead of a stop.
                let _ = fs::write(memory.join("memory.swap.max"), "0");
            } else {
                fs::write(
                    memory.join("memory.limit_in_bytes"),
                    limits.memory.to_string(),
                )?;
            }
        }
        Ok(cgroup)
    }
}

impl Drop for Cgroups {
    fn drop(&mut self) {
        for parent in &self.parents {
            let _ = fs::remove_dir(parent);
        }
    }
}

/// The cgroup of one build: the `cgroup.procs` files its first process writes itself into,
/// and the counters that say whether a limit stopped it.
#[derive(Debug)]
pub struct Cgroup {
    v2: bool,
    /// The pids cgroup first; the memory one (the same directory with v2) last.
    dirs: Vec<PathBuf>,
}

impl Cgroup {
    pub fn procs_files(&self) -> Vec<PathBuf> {
        let mut dirs = self.dirs.clone();
        dirs.dedup();
        dirs.iter().map(|d| d.join("cgroup.procs")).collect()
    }

    /// Which limit the build ran into, if any: a fork refused at `pids.max`, a process
    /// killed by the out-of-memory killer.
    pub fn exceeded(&self, limits: &LimitArgs) -> Option<String> {
        let counter = |file: PathBuf, key: &str| -> u64 {
            fs::read_to_string(file)
                .ok()
                .and_then(|text| {
                    text.lines()
                        .find_map(|l| l.strip_prefix(key)?.trim().parse().ok())
                })
                .unwrap_or(0)
        };
        if counter(self.dirs[0].join("pids.events"), "max ") > 0 {
            return Some(format!(
                "the build hit the process limit of {} (a fork was refused)",
                limits.procs
            ));
        }
        let memory = self.dirs.last().expect("a cgroup");
        let events = if self.v2 {
            memory.join("memory.events")
        } else {
            memory.join("memory.oom_control")
        };
        if counter(events, "oom_kill ") > 0 {
            return Some(format!(
                "the build hit the memory limit of {} MiB (a process was killed)",
                limits.memory >> 20
            ));
        }
        None
    }
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        // The build's processes are gone (its PID namespace ended with it), but their exit
        // is accounted asynchronously: retry a little.
        for dir in &self.dirs {
            for _ in 0..50 {
                match fs::remove_dir(dir) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => {
                        std::thread::sleep(std::time::Duration::from_millis(20))
                    }
                    _ => break,
                }
            }
        }
    }
}

/// Bytes `dirs` take on disk (allocated blocks, so a sparse file counts what it really
/// uses), without following symbolic links; what cannot be read counts as nothing.
pub fn disk_usage(dirs: &[&Path]) -> u64 {
    fn walk(dir: &Path, total: &mut u64) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            *total += meta.blocks() * 512;
            if meta.is_dir() {
                walk(&entry.path(), total);
            }
        }
    }
    let mut total = 0;
    for dir in dirs {
        walk(dir, &mut total);
    }
    total
}

/// Remove `dir` and everything below it, even directories the build made unreadable to keep
/// the next build from starting (a runner that is not root needs their permissions back).
pub fn remove_tree(dir: &Path) -> io::Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            fn open_up(dir: &Path) {
                use std::os::unix::fs::PermissionsExt;
                let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o700));
                for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
                    if entry.file_type().is_ok_and(|t| t.is_dir()) {
                        open_up(&entry.path());
                    }
                }
            }
            open_up(dir);
            fs::remove_dir_all(dir)
        }
        other => other,
    }
}

/// Give `dir` and everything below it to `uid`, unless `dir` is its already (then everything
/// below it is too: only that uid wrote there since).
pub fn chown_tree(dir: &Path, uid: u32) -> io::Result<()> {
    if fs::symlink_metadata(dir)?.uid() == uid {
        return Ok(());
    }
    fn walk(dir: &Path, uid: u32) -> io::Result<()> {
        std::os::unix::fs::lchown(dir, Some(uid), Some(uid))?;
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                walk(&entry.path(), uid)?;
            } else {
                std::os::unix::fs::lchown(entry.path(), Some(uid), Some(uid))?;
            }
        }
        Ok(())
    }
    walk(dir, uid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempDir;

    #[test]
    fn disk_usage_counts_blocks_not_links() {
        let dir = TempDir::new("usage");
        let sub = dir.path().join("a/b");
        fs::create_dir_all(&sub).unwrap();
        fs::write(sub.join("f"), vec![1u8; 1 << 20]).unwrap();
        std::os::unix::fs::symlink("/usr", dir.path().join("usr")).unwrap();
        let used = disk_usage(&[dir.path()]);
        assert!((1 << 20..4 << 20).contains(&used), "{used}");
        // A sparse file of 1 GiB uses (almost) nothing.
        let sparse = fs::File::create(dir.path().join("sparse")).unwrap();
        sparse.set_len(1 << 30).unwrap();
        assert!(disk_usage(&[dir.path()]) < 4 << 20);
    }

    #[test]
    fn removes_what_the_build_locked() {
        use std::os::unix::fs::PermissionsExt;
        let dir = TempDir::new("locked");
        let tmp = dir.path().join("tmp");
        fs::create_dir_all(tmp.join("a/b")).unwrap();
        fs::write(tmp.join("a/b/f"), "x").unwrap();
        fs::set_permissions(tmp.join("a"), fs::Permissions::from_mode(0o000)).unwrap();
        remove_tree(&tmp).unwrap();
        assert!(!tmp.exists());
        remove_tree(&tmp).unwrap();
    }
}
