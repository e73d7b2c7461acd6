//! bubblewrap's command line for one build, and the check that bwrap works on this machine.
//!
//! Two ways to the unprivileged user: a runner that is not root has bwrap map its own uid to
//! [`SANDBOX_UID`] in a new user namespace; a root runner does not use a user namespace (it
//! would map `nobody` to host root, which owns most of the host's files), but keeps for the
//! sandbox's first process only the capabilities `setpriv` needs to become uid [`SANDBOX_UID`]
//! on the host, drop every capability, the bounding set included, and set no-new-privs.

use std::{
    ffi::OsString,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use super::{
    Mounts, SANDBOX_UID, SandboxError,
    host::{self, HostPath},
};

/// `setpriv` inside the sandbox, when the runner is root.
pub const SETPRIV_ARGS: [&str; 7] = [
    "--reuid=65534",
    "--regid=65534",
    "--clear-groups",
    "--inh-caps=-all",
    "--bounding-set=-all",
    "--no-new-privs",
    "--",
];

pub struct Layout<'a> {
    pub mounts: &'a Mounts,
    pub inner: &'a Mounts,
    pub tools: &'a [PathBuf],
    pub as_root: bool,
}

/// Namespaces, user, capabilities: everything but the mounts.
fn isolation_args(as_root: bool) -> Vec<OsString> {
    // The sandbox dies with us; its own PID namespace dies with its first process, so killing
    // bwrap ends every process of the build. No network at all (only its own `lo`). A new
    // session: no TIOCSTI into the runner's terminal.
    let mut args: Vec<String> = [
        "--die-with-parent",
        "--new-session",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
    ]
    .map(String::from)
    .to_vec();
    if as_root {
        args.extend(
            [
                "--unshare-cgroup",
                "--cap-drop",
                "ALL",
                "--cap-add",
                "CAP_SETUID",
                "--cap-add",
                "CAP_SETGID",
                "--cap-add",
                "CAP_SETPCAP",
            ]
            .map(String::from),
        );
    } else {
        let uid = SANDBOX_UID.to_string();
        args.extend(
            [
                "--unshare-cgroup-try",
                "--unshare-user",
                "--uid",
                &uid,
                "--gid",
                &uid,
                "--cap-drop",
                "ALL",
            ]
            .map(String::from),
        );
    }
    args.into_iter().map(OsString::from).collect()
}

/// The system's paths, and the directories above `extra` (the toolchain …) bwrap must make.
fn system_args(extra: &[&Path]) -> Vec<OsString> {
    let mut args: Vec<OsString> = Vec::new();
    let system = host::system_paths();
    let mut destinations: Vec<&Path> = extra.to_vec();
    for path in &system {
        if let HostPath::ReadOnly(p) = path {
            destinations.push(p);
        }
    }
    let mounted: Vec<&Path> = [Path::new("/usr"), Path::new("/tmp")]
        .into_iter()
        .chain(extra.iter().copied())
        .collect();
    for dir in host::ancestors(&destinations, &mounted) {
        args.extend(["--dir".into(), dir.into()]);
    }
    for path in system {
        match path {
            HostPath::ReadOnly(p) => {
                args.extend(["--ro-bind".into(), p.clone().into(), p.into()]);
            }
            HostPath::Symlink { path, target } => {
                args.extend(["--symlink".into(), target.into(), path.into()]);
            }
        }
    }
    args
}

/// bwrap's arguments for one build, up to its environment.
pub fn args(layout: &Layout<'_>, cwd: &Path) -> Vec<OsString> {
    let (mounts, inner) = (layout.mounts, layout.inner);
    let mut args = isolation_args(layout.as_root);
    let tools: Vec<&Path> = layout.tools.iter().map(PathBuf::as_path).collect();
    args.extend(system_args(&tools));
    // bwrap mounts in argument order, a later mount hiding what an earlier one put below it:
    // the entry's own /tmp first, then the tools, so that a tool installed under /tmp (a
    // checkout built in /tmp, as CI may do) stays visible inside.
    args.extend([
        "--bind".into(),
        mounts.tmp_dir.clone().into(),
        "/tmp".into(),
    ]);
    // The directories of such a tool inside that /tmp: made with `--dir` (mode 0755), since
    // the ones bwrap makes for a bind follow the runner's umask and may not be traversable by
    // the unprivileged build (EACCES running the driver).
    let under_tmp: Vec<&Path> = tools
        .iter()
        .copied()
        .filter(|t| t.starts_with("/tmp"))
        .collect();
    for dir in host::ancestors(&under_tmp, &[]) {
        if dir != Path::new("/tmp") {
            args.extend(["--dir".into(), dir.into()]);
        }
    }
    for tool in &tools {
        args.extend(["--ro-bind".into(), tool.into(), tool.into()]);
    }
    let mut push = |op: &str, from: &Path, to: &Path| {
        args.extend([op.into(), from.into(), to.into()]);
    };
    push("--ro-bind", &mounts.cargo_home, &inner.cargo_home);
    push("--ro-bind", &mounts.entry_dir, &inner.entry_dir);
    push("--bind", &mounts.target_dir, &inner.target_dir);
    args.extend(
        [
            "--dev",
            "/dev",
            "--proc",
            "/proc",
            // The root and /dev are tmpfs of bwrap's, the build's own in a user namespace:
            // read-only, so no memory-backed place (`/dev/shm`) escapes the disk limit. The
            // device nodes stay writable.
            "--remount-ro",
            "/dev",
            "--remount-ro",
            "/",
            "--chdir",
        ]
        .map(OsString::from),
    );
    args.push(cwd.into());
    args.push("--clearenv".into());
    args
}

/// Start bwrap as the builds will (namespaces, user, the system's paths) and see whether the
/// kernel allows it (nested containers and hardened kernels may not).
pub fn probe(bwrap: &Path, setpriv: Option<&Path>) -> Result<(), SandboxError> {
    let mut args = isolation_args(setpriv.is_some());
    args.extend(system_args(&[]));
    args.extend(["--proc", "/proc", "--dev", "/dev", "--"].map(OsString::from));
    if let Some(setpriv) = setpriv {
        args.push(setpriv.into());
        args.extend(SETPRIV_ARGS.iter().map(OsString::from));
    }
    args.extend(["/bin/sh", "-c", ":"].map(OsString::from));
    let command = format!(
        "{} {}",
        bwrap.display(),
        args.iter()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let output = Command::new(bwrap)
        .args(&args)
        .env_clear()
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
