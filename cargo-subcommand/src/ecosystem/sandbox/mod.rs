//! Running untrusted builds (crates' build scripts and proc-macros run): in a bubblewrap
//! sandbox that shows the build only what it needs (the toolchain, the system's compilers and
//! libraries, its sources and the fetched registry, read-only; its target directory and a
//! private `/tmp`, writable), with no network, none of the runner's environment, as an
//! unprivileged user without capabilities, and under limits of time, memory, processes and
//! disk — or, only when the user says `--no-sandbox`, directly (still under the limits).
//!
//! Inside the sandbox the run's directories always appear at the same paths
//! ([`SANDBOX_ROOT`]), so the driver's files (which name source files of generated code, the
//! registry checkout …) are byte-identical whichever directory or machine a run used: that is
//! what makes shards of one list merge into exactly the graph of an unsharded run.

mod bwrap;
mod host;
mod limits;
mod watch;

use std::{
    collections::HashSet,
    ffi::OsString,
    fs, io,
    path::{Path, PathBuf},
    process::Command,
    sync::{Arc, Mutex},
    time::Duration,
};

use thiserror::Error;

pub use limits::LimitArgs;
pub use watch::{DiskLimit, Watch, run_limited};

use super::result::{Isolation, IsolationKind, IsolationLimits, MemoryBy, ProcsBy};
use crate::cargo::check::CargoCommand;
use limits::{Cgroup, Cgroups};

/// Where the sandbox shows the run's directories (inside its private `/tmp`).
pub const SANDBOX_ROOT: &str = "/tmp/painter";

/// The user builds run as inside the sandbox: `nobody`. When the runner is root, it is that
/// uid on the host too (so the build owns no file of the host); otherwise the runner's own uid
/// is mapped to it in a user namespace.
pub const SANDBOX_UID: u32 = 65534;

#[derive(Debug, Error)]
pub enum SandboxError {
    #[error(
        "the sandbox for untrusted crates needs bubblewrap (`bwrap`), which is not on PATH; \
         install it (Debian/Ubuntu: `apt-get install bubblewrap`) or pass --no-sandbox to run \
         the crates' build scripts and proc-macros without isolation"
    )]
    NoBwrap,
    #[error(
        "the sandbox for untrusted crates cannot be created here: `{command}` failed: {stderr}; \
         pass --no-sandbox to run the crates' build scripts and proc-macros without isolation"
    )]
    Unusable { command: String, stderr: String },
    #[error(
        "the resource limits need `{0}` (util-linux), which is not on PATH; install it \
         (Debian/Ubuntu: `apt-get install util-linux`)"
    )]
    NoUtilLinux(&'static str),
}

/// The directories of one build, on the host.
#[derive(Debug, Clone)]
pub struct Mounts {
    /// The entry's directory (`ws/`, `pkg/`): read-only.
    pub entry_dir: PathBuf,
    /// The worker's cargo target directory: writable.
    pub target_dir: PathBuf,
    /// The run's private CARGO_HOME with the fetched registry: read-only.
    pub cargo_home: PathBuf,
    /// A private HOME for unsandboxed builds (the sandbox's is in its `/tmp`).
    pub home: PathBuf,
    /// The worker's `/tmp` in the sandbox: writable, emptied before each build.
    pub tmp_dir: PathBuf,
}

/// How builds are run.
#[derive(Debug)]
pub struct Sandbox {
    /// `None` with `--no-sandbox`.
    bwrap: Option<PathBuf>,
    /// `setpriv`, when the runner is root: the build drops to [`SANDBOX_UID`] inside bwrap.
    setpriv: Option<PathBuf>,
    /// `prlimit`, when an rlimit is set.
    prlimit: Option<PathBuf>,
    limits: LimitArgs,
    /// Read-only paths the build needs besides the system: the toolchain, the driver.
    tools: Vec<PathBuf>,
    /// The builds' cgroups, when the machine lets us create them.
    cgroups: Option<Arc<Cgroups>>,
    /// Packages of the registry already made readable for the build's user.
    shared: Mutex<HashSet<PathBuf>>,
}

/// What [`Sandbox::prepare`] set up for one build.
#[derive(Debug)]
pub struct Prepared {
    cgroup: Option<Cgroup>,
    pub disk: Option<DiskLimit>,
}

impl Sandbox {
    /// Find and test bubblewrap (unless `no_sandbox`), the cgroups and the util-linux tools
    /// the limits need.
    pub fn detect(
        no_sandbox: bool,
        limits: LimitArgs,
        tools: Vec<PathBuf>,
    ) -> Result<Sandbox, SandboxError> {
        let root = rustix::process::geteuid().is_root();
        let cgroups = Cgroups::create().map(Arc::new);
        let (bwrap, setpriv) = if no_sandbox {
            (None, None)
        } else {
            let bwrap = find_on_path("bwrap").ok_or(SandboxError::NoBwrap)?;
            let setpriv = match root {
                true => Some(find_on_path("setpriv").ok_or(SandboxError::NoUtilLinux("setpriv"))?),
                false => None,
            };
            bwrap::probe(&bwrap, setpriv.as_deref())?;
            (Some(bwrap), setpriv)
        };
        // Resident memory is limited by the build's cgroup where one has the memory
        // controller; RLIMIT_AS (address space) only where none has.
        let memory_cgroup = cgroups.as_ref().is_some_and(|c| c.has_memory());
        let rlimits = (limits.memory > 0 && !memory_cgroup)
            || limits.target_size > 0
            || (limits.procs > 0 && cgroups.is_none());
        let prlimit = match rlimits {
            true => Some(find_on_path("prlimit").ok_or(SandboxError::NoUtilLinux("prlimit"))?),
            false => None,
        };
        Ok(Sandbox {
            bwrap,
            setpriv,
            prlimit,
            limits,
            tools,
            cgroups,
            shared: Mutex::default(),
        })
    }

    /// Whether the memory limit is the builds' cgroups' (else RLIMIT_AS).
    fn memory_by_cgroup(&self) -> bool {
        self.cgroups.as_ref().is_some_and(|c| c.has_memory())
    }

    pub fn is_sandboxed(&self) -> bool {
        self.bwrap.is_some()
    }

    /// The isolation of every build of this run, for the results.
    pub fn isolation(&self, timeout: Duration) -> Isolation {
        let procs_by = match (self.limits.procs, &self.cgroups) {
            (0, _) => ProcsBy::None,
            (_, Some(_)) => ProcsBy::Cgroup,
            (_, None) => ProcsBy::Rlimit,
        };
        let memory_by = match (self.limits.memory, self.memory_by_cgroup()) {
            (0, _) => MemoryBy::None,
            (_, true) => MemoryBy::Cgroup,
            (_, false) => MemoryBy::Rlimit,
        };
        let mib = |bytes: u64| bytes >> 20;
        Isolation {
            kind: match self.bwrap {
                Some(_) => IsolationKind::Bwrap,
                None => IsolationKind::None,
            },
            uid: self.bwrap.as_ref().map(|_| SANDBOX_UID),
            limits: IsolationLimits {
                timeout_s: timeout.as_secs(),
                address_space_mib: match memory_by {
                    MemoryBy::Rlimit => mib(self.limits.memory),
                    _ => 0,
                },
                memory_cgroup_mib: (memory_by == MemoryBy::Cgroup).then(|| mib(self.limits.memory)),
                memory_by: Some(memory_by),
                procs: self.limits.procs,
                procs_by,
                disk_mib: mib(self.limits.target_size),
            },
        }
    }

    /// The directories as the build sees them.
    pub fn inner(&self, mounts: &Mounts) -> Mounts {
        if self.bwrap.is_none() {
            return mounts.clone();
        }
        let root = Path::new(SANDBOX_ROOT);
        Mounts {
            entry_dir: root.join("entry"),
            target_dir: root.join("target"),
            cargo_home: root.join("cargo-home"),
            home: root.join("home"),
            tmp_dir: "/tmp".into(),
        }
    }

    /// A path the build reported, on the host.
    pub fn to_host(&self, mounts: &Mounts, path: &Path) -> PathBuf {
        let inner = self.inner(mounts);
        for (inside, outside) in [
            (&inner.target_dir, &mounts.target_dir),
            (&inner.entry_dir, &mounts.entry_dir),
            (&inner.cargo_home, &mounts.cargo_home),
        ] {
            if let Ok(rest) = path.strip_prefix(inside) {
                return outside.join(rest);
            }
        }
        path.to_path_buf()
    }

    /// Before one build: an empty private `/tmp` with the mount points, the target directory
    /// owned by the build's user, a fresh cgroup, and the disk use to measure growth from.
    pub fn prepare(&self, mounts: &Mounts) -> io::Result<Prepared> {
        fs::create_dir_all(&mounts.target_dir)?;
        let mut disk_dirs = vec![mounts.target_dir.clone()];
        if self.bwrap.is_some() {
            limits::remove_tree(&mounts.tmp_dir)?;
            // The mount points are made here (root's, 0755) so the build cannot replace them,
            // and bwrap need not create them.
            let root = mounts.tmp_dir.join(&SANDBOX_ROOT[5..]);
            for dir in ["entry", "target", "cargo-home", "home"] {
                fs::create_dir_all(root.join(dir))?;
            }
            if self.setpriv.is_some() {
                self.share_sources(mounts)?;
                limits::chown_tree(&mounts.target_dir, SANDBOX_UID)?;
                for dir in [&mounts.tmp_dir, &root.join("home")] {
                    std::os::unix::fs::lchown(dir, Some(SANDBOX_UID), Some(SANDBOX_UID))?;
                }
            }
            disk_dirs.push(mounts.tmp_dir.clone());
        } else {
            fs::create_dir_all(&mounts.home)?;
        }
        let cgroup = match &self.cgroups {
            Some(cgroups) => Some(cgroups.build_cgroup(&self.limits)?),
            None => None,
        };
        let disk = (self.limits.target_size > 0).then_some(DiskLimit {
            baseline: None,
            dirs: disk_dirs,
            limit: self.limits.target_size,
        });
        Ok(Prepared { cgroup, disk })
    }

    /// Make the entry's sources and the packages of the registry readable for the build's
    /// user; each package once per run (the entry's own copy every time: it is small).
    fn share_sources(&self, mounts: &Mounts) -> io::Result<()> {
        host::share_read_only(&mounts.entry_dir)?;
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        for place in ["registry/src", "git/checkouts"] {
            let Ok(sources) = fs::read_dir(mounts.cargo_home.join(place)) else {
                continue;
            };
            for source in sources.flatten() {
                for package in fs::read_dir(source.path())?.flatten() {
                    let path = package.path();
                    if !shared.contains(&path) {
                        host::share_read_only(&path)?;
                        shared.insert(path);
                    }
                }
            }
        }
        Ok(())
    }

    /// After the build: the limit of its cgroup it ran into, if any.
    pub fn exceeded(&self, prepared: &Prepared) -> Option<String> {
        prepared.cgroup.as_ref()?.exceeded(&self.limits)
    }

    /// The process that runs `cargo` (built with [`Sandbox::inner`] paths) for one entry. It
    /// starts with an empty environment, so nothing of the runner's reaches the sandbox (not
    /// even bwrap, the sandbox's PID 1): only the variables of `cargo` and the few a build
    /// needs.
    pub fn command(
        &self,
        mounts: &Mounts,
        cargo: &CargoCommand,
        cwd: &Path,
        prepared: &Prepared,
    ) -> Command {
        let inner = self.inner(mounts);
        let mut env: Vec<(OsString, OsString)> = vec![
            ("PATH".into(), "/usr/local/bin:/usr/bin:/bin".into()),
            ("HOME".into(), inner.home.clone().into()),
            ("CARGO_HOME".into(), inner.cargo_home.clone().into()),
            ("CARGO_TERM_COLOR".into(), "never".into()),
            ("CARGO_TERM_PROGRESS_WHEN".into(), "never".into()),
            ("TMPDIR".into(), "/tmp".into()),
        ];
        env.extend(
            cargo
                .envs
                .iter()
                .map(|(k, v)| (OsString::from(k), v.clone())),
        );
        let mut argv: Vec<OsString> = Vec::new();
        if let Some(cgroup) = &prepared.cgroup {
            // The first process moves itself into the build's cgroup before anything else
            // starts, so every process of the build is counted.
            let files = cgroup.procs_files();
            let script =
                "echo $$ > \"$1\" || exit 125; shift; ".repeat(files.len()) + "exec \"$@\"";
            argv.extend(["/bin/sh".into(), "-c".into(), script.into(), "sh".into()]);
            argv.extend(files.into_iter().map(OsString::from));
        }
        if let Some(bwrap) = &self.bwrap {
            argv.push(bwrap.into());
            argv.extend(bwrap::args(
                &bwrap::Layout {
                    mounts,
                    inner: &inner,
                    tools: &self.tools,
                    as_root: self.setpriv.is_some(),
                },
                cwd,
            ));
            for (key, value) in &env {
                argv.extend(["--setenv".into(), key.clone(), value.clone()]);
            }
            argv.push("--".into());
        }
        // Inside bwrap, so the limits bind the build and not bwrap: RLIMIT_NPROC counts the
        // processes of a uid in its user namespace, which outside is every process of the
        // runner's uid.
        if let Some(prlimit) = &self.prlimit {
            argv.push(prlimit.into());
            let l = &self.limits;
            if l.memory > 0 && !self.memory_by_cgroup() {
                argv.push(format!("--as={}", l.memory).into());
            }
            if l.procs > 0 && prepared.cgroup.is_none() {
                argv.push(format!("--nproc={}", l.procs).into());
            }
            if l.target_size > 0 {
                // One file cannot be bigger than the whole allowance; the watchdog measures
                // the sum, this stops a single huge file at once.
                argv.push(format!("--fsize={}", l.target_size).into());
            }
            argv.push("--".into());
        }
        if let Some(setpriv) = &self.setpriv {
            argv.push(setpriv.into());
            argv.extend(bwrap::SETPRIV_ARGS.iter().map(OsString::from));
        }
        argv.push(cargo.program.clone().into());
        argv.extend(cargo.args.iter().cloned());
        let mut cmd = Command::new(&argv[0]);
        cmd.args(&argv[1..]).env_clear();
        if self.bwrap.is_none() {
            cmd.envs(env).current_dir(cwd);
        }
        cmd
    }
}

/// `program` in one of `$PATH`'s directories.
pub fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests;
