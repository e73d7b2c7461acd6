//! The sandbox of `cargo painter ecosystem` against crates that try to escape it
//! (`tests/fixtures/ecosystem/{escape,fork,disk}-probe`): every escape is denied, the limits
//! end a fork bomb and a disk filler as `resources_exceeded`, and a secret planted in the
//! runner's environment and files appears nowhere in the run's outputs. The same probe without
//! the sandbox shows that it does find the secret when it can.
//!
//! Needs `bwrap` (`.ci/run` installs it); on CI (`CI=true`) its absence is a failure.

use std::{
    collections::BTreeMap,
    io::ErrorKind,
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Command, Output},
};

use painter_tests::{
    assert_success, binaries, copy_dir, files_ending_with, graph_json, pinned_toolchain, repo_root,
};
use serde_json::Value;

fn bwrap_available() -> bool {
    let found = Command::new("bwrap")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var("CI").as_deref() != Ok("true"),
        "bubblewrap (bwrap) is missing: .ci/run must install it"
    );
    if !found {
        eprintln!("skipped: bubblewrap (bwrap) is not installed");
    }
    found
}

/// `cargo painter ecosystem` on the probes `names` (copied from the fixtures into `dir`), with
/// the secret in its environment.
fn run(dir: &Path, names: &[&str], out: &str, secret: &str, extra: &[&str]) -> Output {
    let fixtures = dir.join("fixtures");
    let list = dir.join(format!("{out}.txt"));
    let text: String = names
        .iter()
        .map(|n| format!("{n} path={}\n", fixtures.join(n).display()))
        .collect();
    std::fs::write(&list, text).unwrap();
    let bins = binaries();
    Command::new(&bins.cargo_painter)
        .args(["painter", "ecosystem", "--crates"])
        .arg(&list)
        .args(["--out", out, "--jobs", "2"])
        .args(extra)
        .current_dir(dir)
        .env("PAINTER_DRIVER", &bins.driver)
        .env("PAINTER_PLANTED_SECRET", secret)
        .output()
        .unwrap()
}

fn results(out: &Path) -> BTreeMap<String, Value> {
    std::fs::read_dir(out.join("results"))
        .unwrap()
        .map(|e| {
            let value: Value =
                serde_json::from_slice(&std::fs::read(e.unwrap().path()).unwrap()).unwrap();
            (value["name"].as_str().unwrap().to_string(), value)
        })
        .collect()
}

/// The escape probe's observations: `(check, escaped, detail)`.
fn observations(out: &Path) -> Vec<(String, bool, String)> {
    let files: Vec<PathBuf> = files_ending_with(&out.join("work/target"), "observations.txt")
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("escape-probe"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?} in {}", out.display());
    std::fs::read_to_string(&files[0])
        .unwrap()
        .lines()
        .map(|line| {
            let mut parts = line.splitn(3, '\t');
            let check = parts.next().unwrap().to_string();
            let verdict = parts.next().unwrap();
            assert!(["denied", "ESCAPED"].contains(&verdict), "{line}");
            (
                check,
                verdict == "ESCAPED",
                parts.next().unwrap().to_string(),
            )
        })
        .collect()
}

/// The files of the run a reader gets: results, logs, per-crate graphs, the graph, reports.
fn outputs(out: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["results", "logs", "crates"] {
        files.extend(files_ending_with(&out.join(dir), ""));
    }
    for file in ["report.md", "report.json"] {
        files.push(out.join(file));
    }
    // The dataset's pages are compressed: search the graph's JSON form.
    let graph = out.join("graph-as-json.json");
    std::fs::write(&graph, graph_json(&out.join("graph"))).unwrap();
    files.push(graph);
    files
}

fn contains(file: &Path, needle: &str) -> bool {
    let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The first path component of `path` (`/root/.rustup/…` → `root`).
fn top(path: &Path) -> String {
    path.components()
        .nth(1)
        .unwrap()
        .as_os_str()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn the_sandbox_denies_every_escape() {
    if !bwrap_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Unique per run, and an identifier: a leak would show as a function name in the graph.
    let secret = format!("plantedSecret{}x{}", std::process::id(), rand_suffix());
    // A file of the host outside the sandbox's mounts (not in the temp dir: the sandbox has
    // a /tmp of its own, so a path there would prove less).
    let planted_dir = tempfile::tempdir_in("/var/tmp").unwrap();
    let planted = planted_dir.path().join("planted");
    std::fs::write(&planted, &secret).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let fixtures = repo_root().join("tests/fixtures/ecosystem");
    for name in ["escape-probe", "fork-probe", "disk-probe"] {
        copy_dir(
            &fixtures.join(name),
            &dir.path().join("fixtures").join(name),
        );
    }
    std::fs::write(
        dir.path().join("fixtures/escape-probe/probe.conf"),
        format!(
            "planted={}\nloopback={}\n",
            planted.display(),
            listener.local_addr().unwrap()
        ),
    )
    .unwrap();

    let output = run(
        dir.path(),
        &["escape-probe", "fork-probe", "disk-probe"],
        "sandboxed",
        &secret,
        &["--max-procs", "128", "--max-target-size", "64"],
    );
    assert_success(&output);
    let out = dir.path().join("sandboxed");
    let r = results(&out);

    let probe = &r["escape-probe"];
    assert_eq!(probe["status"], "ok", "{probe}");
    assert_eq!(probe["isolation"]["kind"], "bwrap");
    assert_eq!(probe["isolation"]["uid"], 65534);
    assert_eq!(probe["isolation"]["limits"]["procs"], 128);
    assert_eq!(probe["isolation"]["limits"]["disk_mib"], 64);
    // The memory limit (default 8192 MiB) is the cgroup's where one has the memory controller,
    // else RLIMIT_AS, never both, and the result says which.
    let limits = &probe["isolation"]["limits"];
    match limits["memory_by"].as_str() {
        Some("cgroup") => {
            assert_eq!(limits["memory_cgroup_mib"], 8192, "{limits}");
            assert_eq!(limits["address_space_mib"], 0, "{limits}");
        }
        Some("rlimit") => {
            assert_eq!(limits["address_space_mib"], 8192, "{limits}");
            assert!(limits.get("memory_cgroup_mib").is_none(), "{limits}");
        }
        _ => panic!("no memory_by: {limits}"),
    }
    let seen = observations(&out);
    let checks: Vec<&str> = seen.iter().map(|(c, _, _)| c.as_str()).collect();
    for check in [
        "shadow",
        "planted_file",
        "environ",
        "root",
        "capabilities",
        "write_outside",
        "loopback",
        "network",
    ] {
        assert!(checks.contains(&check), "no `{check}` in {seen:?}");
    }
    let escaped: Vec<_> = seen.iter().filter(|(_, escaped, _)| *escaped).collect();
    assert!(escaped.is_empty(), "escapes: {escaped:?}");
    let uid = &seen.iter().find(|(c, _, _)| c == "root").unwrap().2;
    assert_eq!(uid, "Uid: 65534 65534 65534 65534");
    assert_eq!(
        seen.iter().filter(|(c, _, _)| c == "write_outside").count(),
        6
    );

    // Of the host's top-level directories, only the system's and those holding the toolchain
    // and the driver exist in the sandbox (as empty directories up to them).
    let sysroot = Command::new("rustc")
        .args(["--print", "sysroot"])
        .env("RUSTUP_TOOLCHAIN", pinned_toolchain())
        .output()
        .unwrap();
    let sysroot = PathBuf::from(String::from_utf8(sysroot.stdout).unwrap().trim());
    let mut allowed: Vec<String> = [
        "bin", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "sbin", "tmp", "usr",
    ]
    .map(String::from)
    .to_vec();
    allowed.push(top(&sysroot));
    allowed.push(top(&binaries().driver));
    let listing = &seen.iter().find(|(c, _, _)| c == "root_listing").unwrap().2;
    for name in listing.split(',') {
        assert!(
            allowed.contains(&name.to_string()),
            "/{name} is visible: {listing}"
        );
    }

    let fork = &r["fork-probe"];
    assert_eq!(fork["status"], "resources_exceeded", "{fork}");
    assert!(
        fork["error"].as_str().unwrap().contains("process limit"),
        "{fork}"
    );
    let disk = &r["disk-probe"];
    assert_eq!(disk["status"], "resources_exceeded", "{disk}");
    assert!(
        disk["error"]
            .as_str()
            .unwrap()
            .contains("the disk limit of 64 MiB"),
        "{disk}"
    );
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["entries_by_status"]["resources_exceeded"], 2);

    for file in outputs(&out) {
        assert!(
            !contains(&file, &secret),
            "{} holds the secret",
            file.display()
        );
    }
    match listener.accept() {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {}
        other => panic!("the host's loopback was reached: {other:?}"),
    }

    // The control: without the sandbox, the same probe reads the planted file and the
    // runner's environment and reaches the loopback, and the secret is in the outputs.
    let output = run(
        dir.path(),
        &["escape-probe"],
        "unsandboxed",
        &secret,
        &["--no-sandbox"],
    );
    assert_success(&output);
    let out = dir.path().join("unsandboxed");
    let probe = &results(&out)["escape-probe"];
    assert_eq!(probe["status"], "ok", "{probe}");
    assert_eq!(probe["isolation"]["kind"], "none");
    let seen = observations(&out);
    for check in ["planted_file", "environ", "loopback"] {
        assert!(
            seen.iter().any(|(c, escaped, _)| c == check && *escaped),
            "no {check} escape without the sandbox: {seen:?}"
        );
    }
    assert!(listener.accept().is_ok());
    let graph = graph_json(&out.join("graph"));
    let leaked = format!("leaked_{secret}");
    assert!(graph.windows(leaked.len()).any(|w| w == leaked.as_bytes()));
    assert!(
        outputs(&out)
            .iter()
            .any(|f| f.starts_with(out.join("logs")) && contains(f, &secret))
    );
}

/// A few characters that differ between runs.
fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        % 1_000_000
}
