//! The watchdog of one build: it kills the build's whole process group at the wall-time limit,
//! or as soon as the build has written more than its share of disk into its writable
//! directories.

use std::{
    io,
    path::PathBuf,
    process::{Child, ChildStdout, Command, ExitStatus, Stdio},
    time::{Duration, Instant},
};

use super::limits::disk_usage;

/// What the watchdog enforces.
#[derive(Debug, Clone)]
pub struct Watch {
    pub timeout: Duration,
    /// The build's writable directories, what they held before it started and how many bytes
    /// it may add (no disk limit when `None`).
    pub disk: Option<DiskLimit>,
}

#[derive(Debug, Clone)]
pub struct DiskLimit {
    pub dirs: Vec<PathBuf>,
    /// What `dirs` held before the build. `None`: the watchdog's first walk, as the build
    /// starts, measures it. Late in a list a walk of a worker's target directory takes tens
    /// of milliseconds, and a walk before the build and another as it started were two on
    /// every entry's path; what the build writes before that first walk ends (its sandbox and
    /// cargo are still starting) goes uncounted.
    pub baseline: Option<u64>,
    pub limit: u64,
}

/// A build that ran to its end or was stopped.
pub struct Finished {
    pub status: ExitStatus,
    pub timed_out: bool,
    /// Why the watchdog stopped it for a resource (the disk), if it did.
    pub exceeded: Option<String>,
}

/// Run `cmd` as the leader of a new process group, its stdout piped to `on_stdout` (on this
/// thread), under a watchdog that kills the whole group — every build script, rustc and
/// proc-macro host it started — once the time is up or the disk limit is passed.
pub fn run_limited(
    mut cmd: Command,
    watch: Watch,
    on_stdout: impl FnOnce(ChildStdout),
) -> io::Result<Finished> {
    use std::os::unix::process::CommandExt;
    let mut child = cmd.process_group(0).stdout(Stdio::piped()).spawn()?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let watchdog = std::thread::spawn(move || supervise(child, watch));
    on_stdout(stdout);
    watchdog
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("the watchdog panicked")))
}

/// Poll the child until it ends or a limit is passed. The group is killed only while its
/// leader is still unreaped, so its id cannot belong to anybody else yet.
fn supervise(mut child: Child, mut watch: Watch) -> io::Result<Finished> {
    let start = Instant::now();
    let deadline = start + watch.timeout;
    let mut next_disk_check = start;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Finished {
                status,
                timed_out: false,
                exceeded: None,
            });
        }
        let now = Instant::now();
        let mut exceeded = None;
        if let Some(disk) = &mut watch.disk
            && now >= next_disk_check
        {
            let dirs: Vec<&std::path::Path> = disk.dirs.iter().map(PathBuf::as_path).collect();
            let held = disk_usage(&dirs);
            let used = held.saturating_sub(*disk.baseline.get_or_insert(held));
            // Walking a big target directory costs (tens of ms for a worker's directory late in
            // a list): look again after a hundred times what this walk took, so the watchdog
            // stays within 1% of one core. (At fifty times, the two workers' walks were 1.4 %
            // of all the CPU of a `popular-100.txt` run, taken from the builds.)
            let took = now.elapsed();
            next_disk_check = Instant::now() + (took * 100).max(DISK_POLL);
            if used > disk.limit {
                exceeded = Some(format!(
                    "killed after writing more than the disk limit of {} MiB \
                     (target directory and /tmp)",
                    disk.limit >> 20
                ));
            }
        }
        let timed_out = exceeded.is_none() && now >= deadline;
        if timed_out || exceeded.is_some() {
            let pid = rustix::process::Pid::from_child(&child);
            if let Err(e) = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL)
            {
                log::debug!("killing process group {pid:?}: {e}");
            }
            let status = child.wait()?;
            return Ok(Finished {
                status,
                timed_out,
                exceeded,
            });
        }
        std::thread::sleep(POLL);
    }
}

/// How often the watchdog looks: small against builds of seconds.
const POLL: Duration = Duration::from_millis(50);
/// The shortest interval between two measures of the disk used.
const DISK_POLL: Duration = Duration::from_millis(250);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempDir;

    fn timeout(limit: Duration) -> Watch {
        Watch {
            timeout: limit,
            disk: None,
        }
    }

    #[test]
    fn watchdog_kills_the_group() {
        let mut sh = Command::new("sh");
        // The grandchild `sleep` holds stdout open: reading it ends only if it dies too.
        sh.args(["-c", "sleep 30 & wait"]);
        let start = Instant::now();
        let mut read = String::new();
        let finished = run_limited(sh, timeout(Duration::from_millis(300)), |mut out| {
            io::Read::read_to_string(&mut out, &mut read).unwrap();
        })
        .unwrap();
        assert!(finished.timed_out && !finished.status.success());
        assert!(finished.exceeded.is_none());
        assert!(start.elapsed() < Duration::from_secs(10));

        let mut echo = Command::new("echo");
        echo.arg("hi");
        let finished = run_limited(echo, timeout(Duration::from_secs(30)), |mut out| {
            io::Read::read_to_string(&mut out, &mut read).unwrap();
        })
        .unwrap();
        assert!(!finished.timed_out && finished.status.success());
        assert_eq!(read, "hi\n");
    }

    #[test]
    fn watchdog_stops_a_build_filling_the_disk() {
        let dir = TempDir::new("disk");
        let mut sh = Command::new("sh");
        // 1 MiB files, one after the other, for up to 60 s: far past the 4 MiB allowed.
        sh.current_dir(dir.path()).args([
            "-c",
            "i=0; while [ $i -lt 600 ]; do head -c 1048576 /dev/zero > f$i; i=$((i+1)); \
             sleep 0.1; done",
        ]);
        let watch = Watch {
            timeout: Duration::from_secs(120),
            disk: Some(DiskLimit {
                dirs: vec![dir.path().to_path_buf()],
                baseline: Some(0),
                limit: 4 << 20,
            }),
        };
        let finished = run_limited(sh, watch, |_| {}).unwrap();
        assert!(!finished.timed_out && !finished.status.success());
        let message = finished.exceeded.expect("stopped for the disk");
        assert!(message.contains("disk limit of 4 MiB"), "{message}");
        let used = disk_usage(&[dir.path()]);
        assert!((4 << 20..16 << 20).contains(&used), "{used}");
    }

    /// Without a baseline, what the directory held when the build started is not the build's:
    /// 8 MiB there and a 4 MiB limit stop nothing, and 6 MiB more written do.
    #[test]
    fn the_first_walk_is_the_baseline() {
        let dir = TempDir::new("disk-baseline");
        std::fs::write(dir.path().join("before"), vec![1u8; 8 << 20]).unwrap();
        let limit = |baseline| Watch {
            timeout: Duration::from_secs(120),
            disk: Some(DiskLimit {
                dirs: vec![dir.path().to_path_buf()],
                baseline,
                limit: 4 << 20,
            }),
        };
        let mut idle = Command::new("sh");
        idle.args(["-c", "sleep 0.6"]);
        let finished = run_limited(idle, limit(None), |_| {}).unwrap();
        assert!(finished.status.success(), "{:?}", finished.exceeded);
        assert!(finished.exceeded.is_none());

        let mut writer = Command::new("sh");
        writer.current_dir(dir.path()).args([
            "-c",
            "sleep 0.3; i=0; while [ $i -lt 600 ]; do head -c 1048576 /dev/zero > f$i; \
             i=$((i+1)); sleep 0.1; done",
        ]);
        let finished = run_limited(writer, limit(None), |_| {}).unwrap();
        let message = finished.exceeded.expect("stopped for the disk");
        assert!(message.contains("disk limit of 4 MiB"), "{message}");
        let written = disk_usage(&[dir.path()]) - (8 << 20);
        assert!((4 << 20..16 << 20).contains(&written), "{written}");
    }
}
