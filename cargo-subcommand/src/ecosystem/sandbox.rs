//! Running untrusted builds (crates' build scripts and proc-macros run): in a bubblewrap
//! sandbox with no network, a private HOME, read-only everything except the entry's target
//! directory, and per-crate time and memory limits — or, only when the user says
//! `--no-sandbox`, directly.
//!
//! Inside the sandbox the run's directories always appear at the same paths
//! ([`SANDBOX_ROOT`]), so the driver's files (which name source files of generated code, the
//! registry checkout …) are byte-identical whichever directory or machine a run used: that is
//! what makes shards of one list merge into exactly the graph of an unsharded run.

use std::{
    ffi::{OsStr, OsString},
    io,
    path::{Path, PathBuf},
    process::{Child, ChildStdout, Command, ExitStatus, Stdio},
    time::{Duration, Instant},
};

use thiserror::Error;

use crate::cargo::check::CargoCommand;

/// Where the sandbox shows the run's directories (on a tmpfs of its own).
pub const SANDBOX_ROOT: &str = "/tmp/painter";

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
        "the memory limit needs `prlimit` (util-linux), which is not on PATH; install it or \
         pass --memory-limit 0"
    )]
    NoPrlimit,
}

/// The directories of one build, on the host.
#[derive(Debug, Clone)]
pub struct Mounts {
    /// The entry's directory (`ws/`, `pkg/`): read-only.
    pub entry_dir: PathBuf,
    /// The worker's cargo target directory: the only writable place.
    pub target_dir: PathBuf,
    /// The run's private CARGO_HOME with the fetched registry: read-only.
    pub cargo_home: PathBuf,
    /// A private HOME for unsandboxed builds (the sandbox uses a tmpfs).
    pub home: PathBuf,
}

/// How builds are run.
#[derive(Debug, Clone)]
pub struct Sandbox {
    /// `None` with `--no-sandbox`.
    bwrap: Option<PathBuf>,
    /// `prlimit`, when a memory limit is set.
    prlimit: Option<PathBuf>,
    /// Address-space limit per process, in bytes (0: none).
    memory_limit: u64,
    /// Read-only paths the build needs even when HOME is hidden: the toolchain, the driver.
    tools: Vec<PathBuf>,
}

impl Sandbox {
    /// Find and test bubblewrap (unless `no_sandbox`), and `prlimit` for the memory limit.
    pub fn detect(
        no_sandbox: bool,
        memory_limit: u64,
        tools: Vec<PathBuf>,
    ) -> Result<Sandbox, SandboxError> {
        let bwrap = if no_sandbox {
            None
        } else {
            let bwrap = find_on_path("bwrap").ok_or(SandboxError::NoBwrap)?;
            probe(&bwrap)?;
            Some(bwrap)
        };
        let prlimit = match memory_limit {
            0 => None,
            _ => Some(find_on_path("prlimit").ok_or(SandboxError::NoPrlimit)?),
        };
        Ok(Sandbox {
            bwrap,
            prlimit,
            memory_limit,
            tools,
        })
    }

    pub fn is_sandboxed(&self) -> bool {
        self.bwrap.is_some()
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

    /// The process that runs `cargo` (built with [`Sandbox::inner`] paths) for one entry, with
    /// a clean environment: only the variables of `cargo` and the few a build needs.
    pub fn command(&self, mounts: &Mounts, cargo: &CargoCommand, cwd: &Path) -> Command {
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
        if let Some(prlimit) = &self.prlimit {
            argv.push(prlimit.into());
            argv.push(format!("--as={}", self.memory_limit).into());
            argv.push("--".into());
        }
        match &self.bwrap {
            Some(bwrap) => {
                argv.push(bwrap.into());
                argv.extend(self.bwrap_args(mounts, &inner, cwd));
                argv.push("--clearenv".into());
                for (key, value) in &env {
                    argv.extend(["--setenv".into(), key.clone(), value.clone()]);
                }
                argv.push("--".into());
            }
            None => {
                let _ = std::fs::create_dir_all(&mounts.home);
            }
        }
        argv.push(cargo.program.clone().into());
        argv.extend(cargo.args.iter().cloned());
        let mut cmd = Command::new(&argv[0]);
        cmd.args(&argv[1..]);
        if self.bwrap.is_none() {
            cmd.env_clear().envs(env).current_dir(cwd);
        }
        cmd
    }

    fn bwrap_args(&self, mounts: &Mounts, inner: &Mounts, cwd: &Path) -> Vec<OsString> {
        let mut args: Vec<OsString> = Vec::new();
        let mut push = |parts: &[&OsStr]| args.extend(parts.iter().map(|p| p.to_os_string()));
        // The sandbox dies with us; its own PID namespace dies with its first process, so
        // killing bwrap ends every process of the build. No network at all (only `lo`).
        push(&[
            "--die-with-parent".as_ref(),
            "--unshare-net".as_ref(),
            "--unshare-pid".as_ref(),
            "--unshare-ipc".as_ref(),
            "--unshare-uts".as_ref(),
            "--unshare-cgroup-try".as_ref(),
        ]);
        // The host read-only, with fresh /dev, /proc and /tmp.
        push(&["--ro-bind".as_ref(), "/".as_ref(), "/".as_ref()]);
        push(&["--dev".as_ref(), "/dev".as_ref()]);
        push(&["--proc".as_ref(), "/proc".as_ref()]);
        push(&["--tmpfs".as_ref(), "/tmp".as_ref()]);
        // The user's home (keys, tokens, cargo credentials) is not visible at all.
        if let Some(home) = std::env::home_dir().filter(|h| h.is_dir() && h != Path::new("/")) {
            push(&["--tmpfs".as_ref(), home.as_os_str()]);
        }
        for tool in &self.tools {
            push(&["--ro-bind".as_ref(), tool.as_os_str(), tool.as_os_str()]);
        }
        push(&[
            "--ro-bind".as_ref(),
            mounts.cargo_home.as_os_str(),
            inner.cargo_home.as_os_str(),
        ]);
        push(&[
            "--ro-bind".as_ref(),
            mounts.entry_dir.as_os_str(),
            inner.entry_dir.as_os_str(),
        ]);
        push(&[
            "--bind".as_ref(),
            mounts.target_dir.as_os_str(),
            inner.target_dir.as_os_str(),
        ]);
        push(&["--dir".as_ref(), inner.home.as_os_str()]);
        push(&["--chdir".as_ref(), cwd.as_os_str()]);
        args
    }
}

/// Start `bwrap` with the namespaces the builds use and see whether the kernel allows it
/// (nested containers and hardened kernels may not).
fn probe(bwrap: &Path) -> Result<(), SandboxError> {
    let args = [
        "--die-with-parent",
        "--unshare-net",
        "--unshare-pid",
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--tmpfs",
        "/tmp",
        "--",
        "true",
    ];
    let command = format!("{} {}", bwrap.display(), args.join(" "));
    let output = Command::new(bwrap)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| SandboxError::Unusable {
            command: command.clone(),
            stderr: e.to_string(),
        })?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
    Err(SandboxError::Unusable {
        command,
        stderr: if stderr.is_empty() {
            output.status.to_string()
        } else {
            stderr
        },
    })
}

/// `program` in one of `$PATH`'s directories.
pub fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// A build that ran to its end or to its time limit.
pub struct Finished {
    pub status: ExitStatus,
    pub timed_out: bool,
}

/// Run `cmd` as the leader of a new process group, its stdout piped to `on_stdout` (on this
/// thread), under a watchdog that kills the whole group — every build script, rustc and
/// proc-macro host it started — once `limit` has passed.
pub fn run_limited(
    mut cmd: Command,
    limit: Duration,
    on_stdout: impl FnOnce(ChildStdout),
) -> io::Result<Finished> {
    use std::os::unix::process::CommandExt;
    let mut child = cmd.process_group(0).stdout(Stdio::piped()).spawn()?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let watchdog = std::thread::spawn(move || watch(child, limit));
    on_stdout(stdout);
    watchdog
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("the watchdog panicked")))
}

/// Poll the child until it ends or its time is up. The group is killed only while its leader
/// is still unreaped, so its id cannot belong to anybody else yet.
fn watch(mut child: Child, limit: Duration) -> io::Result<Finished> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Finished {
                status,
                timed_out: false,
            });
        }
        if Instant::now() >= deadline {
            let pid = rustix::process::Pid::from_child(&child);
            if let Err(e) = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL)
            {
                log::debug!("killing process group {pid:?}: {e}");
            }
            let status = child.wait()?;
            return Ok(Finished {
                status,
                timed_out: true,
            });
        }
        std::thread::sleep(POLL);
    }
}

/// How often the watchdog looks: small against builds of seconds.
const POLL: Duration = Duration::from_millis(50);

#[cfg(test)]
mod tests {
    use super::*;

    fn mounts() -> Mounts {
        Mounts {
            entry_dir: "/out/work/entries/itoa".into(),
            target_dir: "/out/work/target/slot-0".into(),
            cargo_home: "/out/work/cargo-home".into(),
            home: "/out/work/home".into(),
        }
    }

    fn unsandboxed(memory: u64) -> Sandbox {
        Sandbox {
            bwrap: None,
            prlimit: (memory > 0).then(|| "/usr/bin/prlimit".into()),
            memory_limit: memory,
            tools: vec![],
        }
    }

    #[test]
    fn paths_inside_and_back() {
        let sandbox = Sandbox {
            bwrap: Some("/usr/bin/bwrap".into()),
            ..unsandboxed(0)
        };
        let m = mounts();
        let inner = sandbox.inner(&m);
        assert_eq!(inner.target_dir, Path::new("/tmp/painter/target"));
        assert_eq!(
            sandbox.to_host(
                &m,
                Path::new("/tmp/painter/target/debug/deps/libitoa-1.rmeta")
            ),
            Path::new("/out/work/target/slot-0/debug/deps/libitoa-1.rmeta")
        );
        assert_eq!(sandbox.to_host(&m, Path::new("/x")), Path::new("/x"));
        let plain = unsandboxed(0);
        assert_eq!(plain.inner(&m).target_dir, m.target_dir);
    }

    #[test]
    fn sandboxed_command_line() {
        let sandbox = Sandbox {
            bwrap: Some("/usr/bin/bwrap".into()),
            tools: vec!["/opt/toolchain".into()],
            ..unsandboxed(1 << 30)
        };
        let cargo = CargoCommand {
            program: "/opt/toolchain/bin/cargo".into(),
            args: vec!["check".into()],
            envs: vec![("RUSTC_WRAPPER", "/opt/driver".into())],
            env_remove: vec![],
        };
        let cmd = sandbox.command(&mounts(), &cargo, Path::new("/tmp/painter/entry/ws"));
        assert_eq!(cmd.get_program(), "/usr/bin/prlimit");
        let args: Vec<String> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let line = args.join(" ");
        assert!(
            line.starts_with("--as=1073741824 -- /usr/bin/bwrap --die-with-parent --unshare-net"),
            "{line}"
        );
        assert!(line.contains("--ro-bind / / "), "{line}");
        assert!(line.contains("--ro-bind /out/work/cargo-home /tmp/painter/cargo-home"));
        assert!(line.contains("--bind /out/work/target/slot-0 /tmp/painter/target"));
        assert!(line.contains("--ro-bind /opt/toolchain /opt/toolchain"));
        assert!(line.contains("--clearenv"));
        assert!(line.contains("--setenv RUSTC_WRAPPER /opt/driver"));
        assert!(line.contains("--setenv HOME /tmp/painter/home"));
        assert!(
            line.ends_with("-- /opt/toolchain/bin/cargo check"),
            "{line}"
        );
    }

    #[test]
    fn watchdog_kills_the_group() {
        let mut sh = Command::new("sh");
        // The grandchild `sleep` holds stdout open: reading it ends only if it dies too.
        sh.args(["-c", "sleep 30 & wait"]);
        let start = Instant::now();
        let mut read = String::new();
        let finished = run_limited(sh, Duration::from_millis(300), |mut out| {
            io::Read::read_to_string(&mut out, &mut read).unwrap();
        })
        .unwrap();
        assert!(finished.timed_out && !finished.status.success());
        assert!(start.elapsed() < Duration::from_secs(10));

        let mut echo = Command::new("echo");
        echo.arg("hi");
        let finished = run_limited(echo, Duration::from_secs(30), |mut out| {
            io::Read::read_to_string(&mut out, &mut read).unwrap();
        })
        .unwrap();
        assert!(!finished.timed_out && finished.status.success());
        assert_eq!(read, "hi\n");
    }
}
