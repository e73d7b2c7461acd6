//! Temp files left by a killed `cargo painter`: every writer writes a per-process temp and
//! renames it into place ([`painter_schema::atomic`]), so a run killed between the two leaves
//! the temp file behind. The next run removes those of processes that are gone (a live process
//! may be a concurrent run still writing its file).

use std::{fs, io, path::Path};

use painter_schema::atomic::writer_pid;

/// Remove every per-process temp file directly in `dir` whose process no longer runs.
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

    #[cfg(target_os = "linux")]
    #[test]
    fn only_dead_writers_files_go() {
        let dir = TempDir::new("leftovers");
        // Above Linux's largest pid (2^22): never a running process.
        let dead = dir.path().join(".a-0.1.0-00.json.4194305.tmp");
        let dead_graph = dir.path().join(".graph.json.4194305.0.tmp");
        let live = painter_schema::atomic::temp_path(
            &dir.path().join("b-0.1.0-00.json"),
            painter_schema::atomic::Temp::PerProcess,
        );
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
