//! Temp files left by a killed `cargo painter`: `collect` and the linker write
//! `.<name>.json.<pid>[.<n>].tmp` and rename it into place, so a run killed between the two
//! leaves the temp file behind. The next run removes those of processes that are gone (a live
//! process may be a concurrent run still writing its file).

use std::{fs, io, path::Path};

/// Remove every `.*.json.<pid>….tmp` file directly in `dir` whose process no longer runs.
pub fn remove_dead_temps(dir: &Path) -> io::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(writer_pid) else {
            continue;
        };
        if !process_alive(pid) {
            log::debug!(
                "removing {} (left by process {pid})",
                entry.path().display()
            );
            match fs::remove_file(entry.path()) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
    }
    Ok(())
}

/// The process id in one of our temp names: `.regex-1.0.0-ab.json.123.tmp` and
/// `.graph.json.123.0.tmp` → 123. Anything else is not ours.
fn writer_pid(name: &str) -> Option<u32> {
    let inner = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (_, rest) = inner.rsplit_once(".json.")?;
    let mut parts = rest.split('.');
    let pid = parts.next()?.parse().ok()?;
    let attempt_ok = match parts.next() {
        None => true,
        Some(n) => n.parse::<u32>().is_ok() && parts.next().is_none(),
    };
    attempt_ok.then_some(pid)
}

#[cfg(target_os = "linux")]
fn process_alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

/// Without a cheap way to ask, every writer is assumed alive: nothing is removed.
#[cfg(not(target_os = "linux"))]
fn process_alive(_pid: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempDir;

    #[test]
    fn names_of_our_temp_files() {
        assert_eq!(writer_pid(".regex-1.13.2-00aa.json.4242.tmp"), Some(4242));
        assert_eq!(writer_pid(".graph.json.17.0.tmp"), Some(17));
        assert_eq!(writer_pid("graph.json"), None);
        assert_eq!(writer_pid(".summary-cache.tmp"), None);
        assert_eq!(writer_pid(".x.json.12.tmp.bak"), None);
        assert_eq!(writer_pid(".x.json.pid.tmp"), None);
        assert_eq!(writer_pid(".x.json.1.2.3.tmp"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn only_dead_writers_files_go() {
        let dir = TempDir::new("leftovers");
        // Above Linux's largest pid (2^22): never a running process.
        let dead = dir.path().join(".a-0.1.0-00.json.4194305.tmp");
        let dead_graph = dir.path().join(".graph.json.4194305.0.tmp");
        let live = dir
            .path()
            .join(format!(".b-0.1.0-00.json.{}.tmp", std::process::id()));
        let other = dir.path().join("a-0.1.0-00.json");
        for file in [&dead, &dead_graph, &live, &other] {
            fs::write(file, "x").unwrap();
        }
        remove_dead_temps(dir.path()).unwrap();
        assert!(!dead.exists() && !dead_graph.exists());
        assert!(live.exists() && other.exists());
        remove_dead_temps(&dir.path().join("missing")).unwrap();
    }
}
