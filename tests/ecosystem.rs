//! `cargo painter ecosystem` end to end, on small real crates.io crates and local fixtures
//! (`tests/fixtures/ecosystem/`): every status is classified, a killed run resumes without
//! redoing finished crates, 2, 3 or 4 shards merged in any order are exactly the unsharded
//! run's dataset (rows and bytes), the sandbox keeps build scripts off the network and out of
//! their sources, and without bubblewrap the runner refuses to start.
//!
//! The sandboxed tests need `bwrap` (`.ci/run` installs it); on CI (`CI=true`) its absence is a
//! failure, elsewhere those tests say they are skipped.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

use painter_tests::{assert_success, binaries, cargo_painter, graph_json, linked_graph, repo_root};
use serde_json::Value;

fn bwrap_available() -> bool {
    let found = Command::new("bwrap")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "bubblewrap (bwrap) is missing: .ci/run must install it"
        );
        eprintln!("skipped: bubblewrap (bwrap) is not installed");
    }
    found
}

/// Write a crate list into `dir`; `{F}` stands for the fixtures directory.
fn list(dir: &Path, lines: &[&str]) -> PathBuf {
    let fixtures = repo_root().join("tests/fixtures/ecosystem");
    let text: String = lines
        .iter()
        .map(|l| l.replace("{F}", &fixtures.display().to_string()) + "\n")
        .collect();
    let file = dir.join("list.txt");
    std::fs::write(&file, format!("# test list\n{text}")).unwrap();
    file
}

fn ecosystem(dir: &Path, list: &Path, out: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "ecosystem",
        "--crates",
        list.to_str().unwrap(),
        "--out",
        out,
    ];
    args.extend(extra);
    cargo_painter(dir, &args)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `<out>/results/*.json` by crate name.
fn results(out: &Path) -> BTreeMap<String, Value> {
    let mut map = BTreeMap::new();
    for entry in std::fs::read_dir(out.join("results")).unwrap() {
        let path = entry.unwrap().path();
        let value: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        map.insert(value["name"].as_str().unwrap().to_string(), value);
    }
    map
}

fn status(results: &BTreeMap<String, Value>, name: &str) -> String {
    results[name]["status"].as_str().unwrap().to_string()
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

#[test]
fn statuses_are_classified_and_reruns_resume() {
    if !bwrap_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let list = list(
        dir.path(),
        &[
            "itoa@1.0.15",
            "cfg-if@1.0.0",
            "painter-test-no-such-crate-x7q",
            "broken path={F}/broken",
            "slow-build path={F}/slow-build",
            "net-probe path={F}/net-probe",
        ],
    );
    let run = ["--jobs", "2", "--timeout", "10"];
    let output = ecosystem(dir.path(), &list, "out", &run);
    assert_success(&output);
    let out = dir.path().join("out");
    let r = results(&out);
    assert_eq!(status(&r, "itoa"), "ok");
    assert_eq!(r["itoa"]["graph_key"], "itoa@1.0.15");
    assert_eq!(status(&r, "cfg-if"), "ok");
    assert_eq!(status(&r, "painter-test-no-such-crate-x7q"), "fetch_failed");
    assert!(
        r["painter-test-no-such-crate-x7q"]["error"]
            .as_str()
            .unwrap()
            .contains("no matching package named `painter-test-no-such-crate-x7q`"),
        "{}",
        r["painter-test-no-such-crate-x7q"]
    );
    assert_eq!(status(&r, "broken"), "build_failed");
    assert_eq!(
        r["broken"]["error"],
        "error[E0425]: cannot find value `undefined_value` in this scope"
    );
    assert_eq!(r["broken"]["failed_package"], "broken");
    assert_eq!(status(&r, "slow-build"), "timeout");
    assert_eq!(
        r["slow-build"]["error"],
        "killed after the time limit of 10s"
    );

    // The probe's build script ran, in the sandbox: no network, read-only sources.
    assert_eq!(status(&r, "net-probe"), "ok", "{}", r["net-probe"]);
    assert_eq!(r["net-probe"]["sandboxed"], true);
    let log = std::fs::read_to_string(out.join(r["net-probe"]["log"].as_str().unwrap())).unwrap();
    assert!(log.contains("net-probe: network unreachable"), "{log}");
    assert!(log.contains("net-probe: cannot write its sources"), "{log}");

    let graph = linked_graph(&out.join("graph"));
    for key in ["itoa@1.0.15", "cfg-if@1.0.0", "net-probe@0.1.0"] {
        assert!(graph.crates.contains_key(key), "{key} not in the graph");
    }
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let by_status = &report["entries_by_status"];
    assert_eq!(by_status["ok"], 3);
    assert_eq!(by_status["build_failed"], 1);
    assert_eq!(by_status["fetch_failed"], 1);
    assert_eq!(by_status["timeout"], 1);
    assert_eq!(report["figures"]["crates"], 3);
    // itoa and net-probe have unsafe blocks, cfg-if has none.
    assert_eq!(report["figures"]["user_unsafe_blocks"]["crates"], 2);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| uses_unsafe | 2 | 66.67% |"), "{md}");

    // One definition per figure: `stats` on the same graph, counting the list's entries (its
    // primary crates), gives exactly the report's figures, every one of them.
    let stats = cargo_painter(
        dir.path(),
        &[
            "stats",
            "out/graph",
            "--format",
            "json",
            "--crates",
            "primary",
        ],
    );
    assert_success(&stats);
    let stats: Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert!(
        stats["figures"] == report["figures"],
        "stats and report.json disagree: {}",
        json_difference(&stats["figures"], &report["figures"], "figures")
    );

    // A rerun finds every entry done and touches nothing.
    let results_before = snapshot(&out.join("results"));
    let logs_before = snapshot(&out.join("logs"));
    let again = ecosystem(dir.path(), &list, "out", &run);
    assert_success(&again);
    assert!(
        stderr(&again).contains("6 done by an earlier run, 0 to analyse"),
        "{}",
        stderr(&again)
    );
    assert_eq!(snapshot(&out.join("results")), results_before);
    assert_eq!(snapshot(&out.join("logs")), logs_before);

    // --retry-failed redoes exactly the three failures.
    let retry = ecosystem(
        dir.path(),
        &list,
        "out",
        &["--retry-failed", "--timeout", "2"],
    );
    assert_success(&retry);
    assert!(
        stderr(&retry).contains("3 done by an earlier run, 3 to analyse"),
        "{}",
        stderr(&retry)
    );
    let r2 = results(&out);
    assert_eq!(r2["itoa"], r["itoa"]);
    assert_eq!(
        r2["slow-build"]["error"],
        "killed after the time limit of 2s"
    );

    // A unit file of an `ok` entry that cannot be read any more: the entry is no longer `ok`
    // (its figures would describe part of it), in its result and in the report, naming the file.
    let unit = r2["cfg-if"]["units"][0].as_str().unwrap().to_owned();
    std::fs::write(
        out.join("crates").join(&unit),
        "{\"schema_version\": 1, trunc",
    )
    .unwrap();
    let relinked = ecosystem(dir.path(), &list, "out", &run);
    assert_success(&relinked);
    let r3 = results(&out);
    assert_eq!(status(&r3, "cfg-if"), "analysis_failed", "{}", r3["cfg-if"]);
    let error = r3["cfg-if"]["error"].as_str().unwrap();
    assert!(error.contains(&unit), "{error}");
    assert!(stderr(&relinked).contains(&unit), "{}", stderr(&relinked));
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["entries_by_status"]["analysis_failed"], 1);
    assert_eq!(report["figures"]["crates"], 2);
}

#[test]
fn killed_run_resumes_without_redoing_finished_crates() {
    if !bwrap_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let list = list(
        dir.path(),
        &[
            "itoa@1.0.15",
            "cfg-if@1.0.0",
            "slow-build path={F}/slow-build",
        ],
    );
    let out = dir.path().join("out");
    let bins = binaries();
    let mut child = Command::new(&bins.cargo_painter)
        .args(["painter", "ecosystem", "--crates"])
        .arg(&list)
        .arg("--out")
        .arg(&out)
        .current_dir(dir.path())
        .env("PAINTER_DRIVER", &bins.driver)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // One worker takes the list in order: once two results exist, the slow build is running.
    let start = Instant::now();
    while std::fs::read_dir(out.join("results")).map_or(0, |d| d.count()) < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "no results after 5 minutes"
        );
        assert!(child.try_wait().unwrap().is_none(), "the run ended early");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(1));
    child.kill().unwrap();
    child.wait().unwrap();
    let finished = snapshot(&out.join("results"));
    assert_eq!(finished.len(), 2);

    let output = ecosystem(dir.path(), &list, "out", &["--timeout", "2"]);
    assert_success(&output);
    assert!(
        stderr(&output).contains("2 done by an earlier run, 1 to analyse"),
        "{}",
        stderr(&output)
    );
    for (path, bytes) in &finished {
        assert_eq!(
            &std::fs::read(path).unwrap(),
            bytes,
            "{} was redone",
            path.display()
        );
    }
    assert_eq!(status(&results(&out), "slow-build"), "timeout");
}

/// A fetch that fails with a network error is retried after waits of 2 and 4 s, and an entry
/// that still cannot be fetched says after how many attempts. The registry is a port nothing
/// listens on, with cargo's own retries off, so each attempt fails at once. (Which errors are
/// not retried — no such crate or version — is fetch.rs's unit test.)
#[test]
fn network_failures_of_the_fetch_are_retried() {
    let dir = tempfile::tempdir().unwrap();
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let home = dir.path().join("cargo-home");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(
        home.join("config.toml"),
        format!(
            "[source.crates-io]\nreplace-with = \"down\"\n\
             [source.down]\nregistry = \"sparse+http://127.0.0.1:{port}/index/\"\n\
             [net]\nretry = 0\n"
        ),
    )
    .unwrap();
    let list = list(dir.path(), &["itoa@1.0.15"]);
    let started = Instant::now();
    let output = ecosystem(
        dir.path(),
        &list,
        "out",
        &[
            "--no-sandbox",
            "--fetch-retries",
            "2",
            "--cargo-home",
            home.to_str().unwrap(),
        ],
    );
    let waited = started.elapsed();
    let out = dir.path().join("out");
    let results = results(&out);
    assert_eq!(
        status(&results, "itoa"),
        "fetch_failed",
        "{}",
        stderr(&output)
    );
    let error = results["itoa"]["error"].as_str().unwrap();
    assert!(
        error.ends_with("(a network or registry error, 3 attempts)"),
        "{error}"
    );
    let log = std::fs::read_to_string(out.join("logs/itoa@1.0.15.log")).unwrap();
    assert!(
        log.contains("fetch attempt 1 failed with a network or registry error; retrying in 2 s"),
        "{log}"
    );
    assert!(
        log.contains("fetch attempt 2 failed with a network or registry error; retrying in 4 s"),
        "{log}"
    );
    assert!(!log.contains("fetch attempt 3"), "{log}");
    assert!(waited >= Duration::from_secs(6), "{waited:?}");
}

/// The orders the shards of an N-way split are merged in: every order of 2 and 3 shards, and
/// for 4 (24 orders) the identity, the reverse and two interleavings.
fn merge_orders(n: usize) -> Vec<Vec<usize>> {
    match n {
        2 => vec![vec![1, 2], vec![2, 1]],
        3 => vec![
            vec![1, 2, 3],
            vec![1, 3, 2],
            vec![2, 1, 3],
            vec![2, 3, 1],
            vec![3, 1, 2],
            vec![3, 2, 1],
        ],
        4 => vec![
            vec![1, 2, 3, 4],
            vec![4, 3, 2, 1],
            vec![2, 4, 1, 3],
            vec![3, 1, 4, 2],
        ],
        _ => unreachable!(),
    }
}

/// Every file below `dir` by its path relative to `dir`, with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The shards' datasets (`<out>/graph`) of a 2-, 3- and 4-way split, merged by `cargo painter
/// link` in several orders, are the unsharded run's dataset: the same graph record for record
/// (every row of every table), and the same bytes in every file — the dataset writer is
/// deterministic (docs/schema.md), manifest.json included. A shard may hold no entry (5
/// entries in 4 shards), and its empty dataset merges too. The shards' per-crate caches
/// (`<out>/crates`) link to the same graph as JSON.
#[test]
fn shards_merged_in_any_order_equal_the_unsharded_run() {
    if !bwrap_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let list = list(
        dir.path(),
        &[
            "itoa@1.0.15",
            "memchr@2.7.4",
            "serde_json@1.0.140",
            "cfg-if@1.0.0",
            "ryu@1.0.20",
        ],
    );
    // One registry download for every run.
    let home = dir.path().join("cargo-home");
    let home = home.to_str().unwrap();
    let all = ecosystem(
        dir.path(),
        &list,
        "all",
        &["--jobs", "2", "--cargo-home", home],
    );
    assert_success(&all);
    let unsharded_dir = dir.path().join("all/graph");
    let unsharded = linked_graph(&unsharded_dir);
    let unsharded_files = tree(&unsharded_dir);
    assert!(unsharded.crates.contains_key("serde_json@1.0.140"));
    assert!(unsharded.crates.keys().any(|k| k.starts_with("serde@1.")));
    assert!(unsharded_files.keys().any(|p| p.starts_with("calls")));

    for n in 2..=4 {
        let mut entries = 0;
        for k in 1..=n {
            let shard = format!("{k}/{n}");
            let out = format!("s{n}-{k}");
            let output = ecosystem(
                dir.path(),
                &list,
                &out,
                &["--shard", &shard, "--cargo-home", home],
            );
            assert_success(&output);
            entries += results(&dir.path().join(&out)).len();
        }
        assert_eq!(entries, 5, "the {n} shards do not cover the list");
        for (i, order) in merge_orders(n).into_iter().enumerate() {
            let merged = dir.path().join(format!("merged-{n}-{i}"));
            let mut args = vec!["link".to_string()];
            args.extend(order.iter().map(|k| format!("s{n}-{k}/graph")));
            args.extend(["-o".to_string(), merged.display().to_string()]);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            assert_success(&cargo_painter(dir.path(), &args));
            let graph = linked_graph(&merged);
            if graph != unsharded {
                let as_json = |g: &painter_schema::LinkedGraph| serde_json::to_value(g).unwrap();
                panic!(
                    "{n} shards merged in the order {order:?} differ from the unsharded run: {}",
                    json_difference(&as_json(&graph), &as_json(&unsharded), "")
                );
            }
            let files = tree(&merged);
            let names = |t: &BTreeMap<PathBuf, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
            assert_eq!(
                names(&files),
                names(&unsharded_files),
                "{n} shards, {order:?}"
            );
            for (path, bytes) in &files {
                assert!(
                    *bytes == unsharded_files[path],
                    "{n} shards merged in the order {order:?}: {} differs in its bytes",
                    path.display()
                );
            }
        }
    }

    // The per-crate caches link to the same graph, written as JSON.
    let merged = dir.path().join("merged.json");
    let link = cargo_painter(
        dir.path(),
        &[
            "link",
            "s2-2/crates",
            "s2-1/crates",
            "-o",
            merged.to_str().unwrap(),
        ],
    );
    assert_success(&link);
    let parse = |b: &[u8]| serde_json::from_slice::<Value>(b).unwrap();
    let unsharded = parse(&graph_json(&unsharded_dir));
    let sharded = parse(&std::fs::read(&merged).unwrap());
    if sharded != unsharded {
        panic!(
            "the shards' merged graph differs from the unsharded one: {}",
            json_difference(&sharded, &unsharded, "")
        );
    }
}

/// Where two JSON values first differ (a path and both values, shortened), for a failure
/// message that says what to look at.
fn json_difference(a: &Value, b: &Value, at: &str) -> String {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()) {
                match (x.get(key), y.get(key)) {
                    (Some(p), Some(q)) if p == q => {}
                    (Some(p), Some(q)) => return json_difference(p, q, &format!("{at}/{key}")),
                    (p, q) => return format!("{at}/{key}: {p:?} vs {q:?}"),
                }
            }
            format!("{at}: equal")
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                if p != q {
                    return json_difference(p, q, &format!("{at}/{i}"));
                }
            }
            format!("{at}: equal")
        }
        _ => {
            let short = |v: &Value| v.to_string().chars().take(300).collect::<String>();
            format!("{at}: {} vs {}", short(a), short(b))
        }
    }
}

#[test]
fn refuses_to_run_unsandboxed_without_bubblewrap() {
    let dir = tempfile::tempdir().unwrap();
    let list = list(dir.path(), &["itoa@1.0.15"]);
    let empty = dir.path().join("empty-path");
    std::fs::create_dir(&empty).unwrap();
    let bins = binaries();
    let output = Command::new(&bins.cargo_painter)
        .args(["painter", "ecosystem", "--crates"])
        .arg(&list)
        .args(["--out", "out"])
        .current_dir(dir.path())
        .env("PAINTER_DRIVER", &bins.driver)
        .env("PATH", &empty)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.starts_with("error: the sandbox for untrusted crates needs bubblewrap (`bwrap`)"),
        "{err}"
    );
    assert!(err.contains("--no-sandbox"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn only_the_sandbox_keeps_build_scripts_off_the_network() {
    // Meaningful only where the network is reachable at all (the registry must be, to fetch).
    let reachable = std::net::ToSocketAddrs::to_socket_addrs("index.crates.io:443")
        .ok()
        .and_then(|mut a| a.next())
        .is_some_and(|a| std::net::TcpStream::connect_timeout(&a, Duration::from_secs(5)).is_ok());
    assert!(
        reachable,
        "index.crates.io:443 is not reachable from the tests"
    );
    let dir = tempfile::tempdir().unwrap();
    let list = list(dir.path(), &["net-probe path={F}/net-probe"]);
    let output = ecosystem(dir.path(), &list, "out", &["--no-sandbox"]);
    assert_success(&output);
    assert!(stderr(&output).contains("warning: --no-sandbox"));
    let r = results(&dir.path().join("out"));
    assert_eq!(status(&r, "net-probe"), "build_failed");
    assert_eq!(r["net-probe"]["sandboxed"], false);
    let error = r["net-probe"]["error"].as_str().unwrap();
    assert!(
        error.ends_with("net-probe: the build script reached the network (index.crates.io:443)"),
        "{error}"
    );
    // The same crate in the sandbox: statuses_are_classified_and_reruns_resume.
}

/// `--verify` records a verdict for every entry's package and its crates.io dependencies, and
/// the report gives the share of each verdict. Whether the repositories are reachable depends
/// on the machine (here GitHub is not), so the test checks the bookkeeping, not which verdict:
/// a local `path=` crate has no published package and is not verified.
#[test]
fn verify_records_a_verdict_per_package_and_the_report_its_shares() {
    if !bwrap_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let list = list(dir.path(), &["itoa@1.0.15", "broken path={F}/broken"]);
    let output = ecosystem(dir.path(), &list, "out", &["--verify", "--timeout", "60"]);
    assert_success(&output);
    let out = dir.path().join("out");
    let r = results(&out);
    const VERDICTS: &[&str] = &[
        "verified",
        "verified, tagged",
        "files differ",
        "files not in repository",
        "commit not found",
        "dirty publish",
        "no vcs info",
        "repository unreachable",
        "repository does not contain this crate",
    ];
    let itoa = r["itoa"]["verification"].as_array().unwrap();
    assert_eq!(itoa.len(), 1, "itoa has no dependencies: {itoa:?}");
    assert_eq!(itoa[0]["package"], "itoa@1.0.15");
    assert_eq!(itoa[0]["entry"], true);
    let verdict = itoa[0]["verdict"].as_str().unwrap();
    assert!(VERDICTS.contains(&verdict), "{verdict}");

    let report: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let shares = &report["verification"]["entries"];
    let counted: u64 = VERDICTS
        .iter()
        .map(|v| shares[*v]["crates"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, 1, "one entry has a package to verify: {shares}");
    assert_eq!(shares[verdict]["crates"], 1);
    assert_eq!(shares[verdict]["percent"], 100.0);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("## Verification"), "{md}");
}
