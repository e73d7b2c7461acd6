//! `cargo painter diff` on the sides that analyse real crates from crates.io: two lock files of
//! one workspace (the demo with an older libc) and two versions of a crate (smallvec 1.6.0, the
//! version of RUSTSEC-2021-0003, against 1.6.1, which removed the faulty branch of
//! `insert_many`). They need crates.io (as every real-crate test does) and, for `--crate`, the
//! ecosystem runner's sandbox.

use std::path::Path;
use std::process::Command;

use painter_tests::{assert_success, cargo_painter, copy_dir, pinned_toolchain, repo_root};
use serde_json::Value;

fn diff_json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["diff", "--format", "json"];
    all.extend(args);
    let out = cargo_painter(dir, &all);
    assert_success(&out);
    serde_json::from_slice(&out.stdout).unwrap()
}

fn changed(diff: &Value) -> Vec<(String, String, String)> {
    diff["crates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] != "unchanged")
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_owned();
            (s("identity"), s("old_key"), s("new_key"))
        })
        .collect()
}

/// An older lock file against the workspace's: only libc and its build script changed; the
/// demo's own crates, analysed on both sides, have no op added or removed.
#[test]
fn lock_file_side_pairs_the_updated_dependency() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("demo");
    copy_dir(&repo_root().join("examples/demo"), &ws);
    let new_lock = std::fs::read(ws.join("Cargo.lock")).unwrap();
    let update = Command::new("cargo")
        .current_dir(&ws)
        .env("RUSTUP_TOOLCHAIN", pinned_toolchain())
        .args(["update", "-q", "-p", "libc", "--precise", "0.2.170"])
        .output()
        .unwrap();
    assert_success(&update);
    std::fs::rename(ws.join("Cargo.lock"), ws.join("old.lock")).unwrap();
    std::fs::write(ws.join("Cargo.lock"), new_lock).unwrap();

    let diff = diff_json(&ws, &["old.lock"]);
    let libc = changed(&diff);
    assert_eq!(
        libc.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(),
        ["libc", "libc#build-script"],
        "{libc:?}"
    );
    assert!(libc[0].1.starts_with("libc@0.2.170") && libc[0].2.starts_with("libc@0.2.191"));
    for krate in diff["crates"].as_array().unwrap() {
        if krate["identity"].as_str().unwrap().starts_with("demo") {
            assert_eq!(krate["status"], "unchanged", "{krate}");
        }
    }
}

/// smallvec 1.6.1 removed the branch of `insert_many` that RUSTSEC-2021-0003 is about: the
/// diff is exactly its four ops, removed, and nothing added.
#[test]
fn crate_versions_side_finds_the_removed_branch() {
    let bwrap = Command::new("bwrap").arg("--version").output();
    if !bwrap.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "bwrap missing"
        );
        eprintln!("skipped: bubblewrap (bwrap) is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let diff = diff_json(dir.path(), &["--crate", "smallvec@1.6.0..1.6.1"]);
    let summary = &diff["summary"];
    assert_eq!(summary["ops_added"], 0, "{summary}");
    assert_eq!(summary["ops_removed"], 4, "{summary}");
    let smallvec = &diff["crates"][0];
    assert_eq!(
        (smallvec["old_key"].as_str(), smallvec["new_key"].as_str()),
        (Some("smallvec@1.6.0"), Some("smallvec@1.6.1"))
    );
    for op in smallvec["ops"]["removed"].as_array().unwrap() {
        let function = op["function"].as_str().unwrap_or_default();
        assert!(function.contains("insert_many"), "{op}");
    }
}
