//! Analyses finished after their compiler exited (`painter_schema::detach`): they record what
//! in-process analyses record, and one killed before writing its file is redone by the next
//! run. `--release` makes the fixture's members non-incremental, where the driver forks.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use painter_schema::names;
use painter_tests::{
    assert_success, cargo_painter, crate_graphs, files_ending_with, run_snapshot, scratch_fixture,
};

fn painter_dir(dir: &Path) -> PathBuf {
    dir.join("target/painter")
}

fn slot(out: &Path, index: usize) -> PathBuf {
    out.join(names::DETACH_DIR).join(format!("slot-{index}"))
}

/// The one file below `dir` whose name starts with `prefix` and ends with `suffix`.
fn unit_file(dir: &Path, prefix: &str, suffix: &str) -> PathBuf {
    let found: Vec<PathBuf> = files_ending_with(dir, suffix)
        .into_iter()
        .filter(|f| f.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .collect();
    assert_eq!(found.len(), 1, "{prefix}…{suffix} in {}", dir.display());
    found.into_iter().next().unwrap()
}

#[test]
fn detached_analyses_give_the_bytes_of_in_process_ones() {
    let dir = scratch_fixture("cross-crate-calls");
    let out = painter_dir(dir.path());
    let run = |slots: &str| {
        let _ = std::fs::remove_dir_all(out.join("release"));
        assert_success(&cargo_painter(
            dir.path(),
            &["--locked", "--release", "--detached-analyses", slots],
        ));
        run_snapshot(&out)
    };
    let in_process = run("0");

    // Slot files dated long ago: a driver that takes one writes its crate into it.
    let long_ago = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    std::fs::create_dir_all(out.join(names::DETACH_DIR)).unwrap();
    for index in 0..2 {
        let file = std::fs::File::create(slot(&out, index)).unwrap();
        file.set_modified(long_ago).unwrap();
    }
    let detached = run("2");
    let used = (0..2)
        .filter(|&index| {
            let modified = std::fs::metadata(slot(&out, index)).unwrap().modified();
            modified.unwrap() > long_ago
        })
        .count();
    assert!(used > 0, "no analysis was detached");

    assert_eq!(
        in_process.keys().collect::<Vec<_>>(),
        detached.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &in_process {
        assert!(
            *bytes == detached[name],
            "{name} differs between in-process and detached analyses"
        );
    }
}

#[test]
fn a_detached_analysis_killed_before_its_file_is_redone() {
    let dir = scratch_fixture("cross-crate-calls");
    let out = painter_dir(dir.path());
    assert_success(&cargo_painter(dir.path(), &["--locked", "--release"]));
    let units = crate_graphs(&out).len();

    // What a child killed mid-analysis leaves: the driver removed the old file before it
    // forked, the metadata is written, and the slot still names it.
    let release = out.join("release");
    let file = unit_file(&release, "shapes-", names::CRATE_FILE_SUFFIX);
    let rmeta = unit_file(&release, "libshapes-", ".rmeta");
    std::fs::remove_file(&file).unwrap();
    std::fs::write(slot(&out, 0), rmeta.as_os_str().as_encoded_bytes()).unwrap();

    let rerun = cargo_painter(dir.path(), &["--locked", "--release"]);
    assert_success(&rerun);
    let stderr = String::from_utf8_lossy(&rerun.stderr);
    assert!(
        stderr.contains("Checking shapes"),
        "cargo checks the crate again:\n{stderr}"
    );
    assert!(!stderr.contains("no graph for"), "{stderr}");
    assert!(file.is_file(), "the crate has its file again");
    assert_eq!(crate_graphs(&out).len(), units);
    assert_eq!(std::fs::read(slot(&out, 0)).unwrap(), b"");
}
