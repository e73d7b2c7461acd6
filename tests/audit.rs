//! `cargo painter audit` on one fixture workspace (tests/fixtures/audit) depending on real
//! crates.io crates at versions with real advisories (tests/fixtures/audit-db, copied from the
//! RustSec database). Each member reaches the vulnerable functions in one way — directly,
//! through another crate, only through `dyn`/generic calls, not at all, from private code
//! only — and `--root` picks a member, so one analysis serves every case.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use painter_tests::{assert_success, cargo_painter, copy_dir, repo_root};
use serde_json::Value;

/// The four advisories with function data and the function of each that the fixture calls.
const CALLED: [(&str, &str); 5] = [
    ("RUSTSEC-2021-0003", "smallvec::SmallVec::insert_many"),
    ("RUSTSEC-2025-0047", "slab::Slab::get_disjoint_mut"),
    ("RUSTSEC-2020-0071", "time::now"),
    // `time::now` calls `time::at`: reached one call further.
    ("RUSTSEC-2020-0071", "time::at"),
    ("RUSTSEC-2024-0006", "shlex::quote"),
];

struct Fixture {
    dir: PathBuf,
    graph: PathBuf,
    /// `--format json` of the run that analysed the workspace itself.
    first: Value,
}

fn db() -> PathBuf {
    repo_root().join("tests/fixtures/audit-db")
}

/// The fixture, analysed once per test process by `cargo painter audit` itself, and its
/// per-crate files linked into `graph.json` for the runs with `--graph`.
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("audit-fixture");
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(&repo_root().join("tests/fixtures/audit"), &dir);
        let db = db();
        let out = cargo_painter(
            &dir,
            &[
                "audit",
                "--locked",
                "--db",
                db.to_str().unwrap(),
                "--format",
                "json",
            ],
        );
        // Findings are reachable from the workspace: the default --deny fails the run.
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let first: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
        let graph = dir.join("audit-graph.json");
        let crates = dir.join("target/painter/crates");
        let link = cargo_painter(
            &dir,
            &[
                "link",
                crates.to_str().unwrap(),
                "-o",
                graph.to_str().unwrap(),
            ],
        );
        assert_success(&link);
        Fixture { dir, graph, first }
    })
}

/// `cargo painter audit --graph G --db DB ARGS`.
fn audit(args: &[&str]) -> Output {
    let f = fixture();
    let db = db();
    let mut all = vec![
        "audit",
        "--graph",
        f.graph.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ];
    all.extend(args);
    cargo_painter(&f.dir, &all)
}

fn audit_json(args: &[&str]) -> (Value, Option<i32>) {
    let mut all = vec!["--format", "json"];
    all.extend(args);
    let out = audit(&all);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON report ({e}); stderr:\n{stderr}"));
    (report, out.status.code())
}

/// The finding for (advisory, function).
fn finding<'a>(report: &'a Value, id: &str, function: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["advisory"]["id"] == id && f["function"] == function)
        .unwrap_or_else(|| panic!("no finding for {id} {function}"))
}

fn verdict(report: &Value, id: &str, function: &str) -> String {
    finding(report, id, function)["verdict"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The source text a path step's span covers, read from the fixture copy.
fn span_text(step: &Value) -> String {
    let file = fixture().dir.join(step["file"].as_str().unwrap());
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let span = &step["span"];
    let line = span["line"].as_u64().unwrap() as usize;
    let (col, end_col) = (
        span["col"].as_u64().unwrap() as usize,
        span["end_col"].as_u64().unwrap() as usize,
    );
    assert_eq!(span["end_line"], span["line"], "one-line call: {step}");
    let line = text.lines().nth(line - 1).unwrap();
    line.chars().skip(col - 1).take(end_col - col).collect()
}

#[test]
fn direct_calls_are_reachable_with_the_call_site() {
    let (report, code) = audit_json(&["--root", "m_direct::"]);
    assert_eq!(code, Some(1));
    for (id, function) in CALLED {
        let f = finding(&report, id, function);
        assert_eq!(f["verdict"], "reachable", "{f}");
        let path = f["path"].as_array().unwrap();
        let first = &path[0];
        assert_eq!(first["caller_crate"], "m-direct@0.1.0");
        assert_eq!(first["file"], "m-direct/src/lib.rs");
        assert_eq!(first["kind"], "static");
        let name = function.rsplit("::").next().unwrap();
        let called = if function == "time::at" { "now" } else { name };
        assert!(
            span_text(first).contains(called),
            "{} at {first}",
            span_text(first)
        );
        assert!(path.iter().all(|s| s["unresolved"] == false));
        assert_eq!(f["matched"][0]["rule"], "def_path");
    }
    // Every registry package of Cargo.lock is audited, built (6) or not (winapi, wasi, …):
    // with --graph too, from the lock file of the graph's workspace.
    let lock = std::fs::read_to_string(fixture().dir.join("Cargo.lock")).unwrap();
    let registry = lock.matches("source = \"registry+").count();
    assert!(registry > 6, "{lock}");
    assert_eq!(report["packages_audited"], registry);
    assert_eq!(fixture().first["packages_audited"], registry);
    // The analysing run (no --graph, default roots: every workspace function) agrees.
    let first = &fixture().first;
    for (id, function) in CALLED {
        assert_eq!(verdict(first, id, function), "reachable");
    }
}

#[test]
fn calls_through_another_crate_are_reachable_with_the_whole_path() {
    let (report, _) = audit_json(&["--root", "m_via_crate::"]);
    for (id, function) in CALLED {
        let f = finding(&report, id, function);
        assert_eq!(f["verdict"], "reachable", "{f}");
        let path = f["path"].as_array().unwrap();
        assert_eq!(path[0]["file"], "m-via-crate/src/lib.rs");
        assert!(
            path[0]["callee"]
                .as_str()
                .unwrap()
                .starts_with("audit_helpers::"),
            "{}",
            path[0]
        );
        assert_eq!(path[1]["caller_crate"], "audit-helpers@0.1.0");
        assert_eq!(path[1]["file"], "helpers/src/lib.rs");
        let name = function.rsplit("::").next().unwrap();
        let called = if function == "time::at" { "now" } else { name };
        assert!(span_text(&path[1]).contains(called), "{}", path[1]);
    }
}

#[test]
fn dyn_and_generic_calls_give_candidate_verdicts_naming_the_call() {
    let (report, code) = audit_json(&["--root", "m_indirect::"]);
    // Nothing is proven reachable, so the default --deny passes (atty's advisory without
    // function data is informational: it never fails the run).
    assert_eq!(code, Some(0), "{report}");
    for (id, function) in CALLED {
        let f = finding(&report, id, function);
        assert_eq!(f["verdict"], "reachable_through_candidates", "{f}");
        let path = f["path"].as_array().unwrap();
        let open: Vec<&Value> = path.iter().filter(|s| s["unresolved"] == true).collect();
        assert_eq!(open.len(), 1, "{f}");
        let (kind, file) = match id {
            // Boxed as `dyn Task` and called in the workspace.
            "RUSTSEC-2021-0003" | "RUSTSEC-2020-0071" => ("dyn", "m-indirect/src/lib.rs"),
            // `t.run()` on `T: Task` in the helper crate.
            _ => ("trait_generic", "helpers/src/lib.rs"),
        };
        assert_eq!(open[0]["kind"], kind, "{f}");
        assert_eq!(open[0]["file"], file, "{f}");
        assert!(open[0]["candidate"].is_string(), "{f}");
        assert!(
            span_text(open[0]).ends_with(".run()"),
            "{}",
            span_text(open[0])
        );
        assert!(f["detail"].as_str().unwrap().contains(kind), "{f}");
    }
    let (report, code) = audit_json(&["--root", "m_indirect::", "--deny", "candidates"]);
    assert_eq!(code, Some(1), "{report}");
}

#[test]
fn depending_without_calling_is_not_reachable() {
    let (report, code) = audit_json(&["--root", "m_unused::"]);
    for (id, function) in CALLED {
        assert_eq!(verdict(&report, id, function), "not_reachable");
        assert!(
            finding(&report, id, function)["path"]
                .as_array()
                .unwrap()
                .is_empty()
        );
    }
    assert_eq!(code, Some(0));
    // Version-only matching fails on every affected package.
    let (_, code) = audit_json(&["--root", "m_unused::", "--deny", "any"]);
    assert_eq!(code, Some(1));
}

#[test]
fn private_code_is_a_root_unless_only_the_public_api_is() {
    let (report, _) = audit_json(&["--root", "m_private::"]);
    assert_eq!(
        verdict(&report, "RUSTSEC-2024-0006", "shlex::quote"),
        "reachable"
    );
    let (report, code) = audit_json(&["--root-public-api=m-private"]);
    assert_eq!(
        verdict(&report, "RUSTSEC-2024-0006", "shlex::quote"),
        "not_reachable"
    );
    assert_eq!(code, Some(0));
    assert!(report["roots"].as_str().unwrap().contains("m-private"));
}

#[test]
fn paths_missing_in_this_version_and_other_verdicts_are_reported() {
    let report = &fixture().first;
    // `shlex::bytes` appeared in 1.2.0, `time::UtcOffset` in 0.2: reported, not dropped.
    for (id, function, missing) in [
        ("RUSTSEC-2024-0006", "shlex::bytes::quote", "`mod bytes`"),
        ("RUSTSEC-2024-0006", "shlex::bytes::join", "`mod bytes`"),
        (
            "RUSTSEC-2020-0071",
            "time::UtcOffset::local_offset_at",
            "type `UtcOffset`",
        ),
    ] {
        let f = finding(report, id, function);
        assert_eq!(f["verdict"], "not_in_build", "{f}");
        let detail = f["detail"].as_str().unwrap();
        assert!(
            detail.contains(missing) && detail.contains("does not exist in this version"),
            "{detail}"
        );
    }
    // Called by nothing in the workspace.
    assert_eq!(
        verdict(report, "RUSTSEC-2024-0006", "shlex::join"),
        "not_reachable"
    );
    assert_eq!(
        verdict(report, "RUSTSEC-2020-0071", "time::at_utc"),
        "not_reachable"
    );
    let by_id = |id: &str| -> Vec<&Value> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["advisory"]["id"] == id)
            .collect()
    };
    // atty: unmaintained (no function data, called by m-unused), and an unsound read on
    // windows only.
    let unmaintained = by_id("RUSTSEC-2024-0375");
    assert_eq!(unmaintained.len(), 1);
    assert_eq!(unmaintained[0]["verdict"], "no_function_data");
    assert_eq!(unmaintained[0]["advisory"]["informational"], "unmaintained");
    assert_eq!(unmaintained[0]["path"][0]["file"], "m-unused/src/lib.rs");
    let windows = by_id("RUSTSEC-2021-0145");
    assert_eq!(windows[0]["verdict"], "not_applicable");
    assert!(
        windows[0]["detail"]
            .as_str()
            .unwrap()
            .contains("os windows")
    );
    // Advisories of other versions do not match: smallvec's older ones, time 0.3's.
    for id in [
        "RUSTSEC-2018-0003",
        "RUSTSEC-2018-0018",
        "RUSTSEC-2019-0009",
        "RUSTSEC-2026-0009",
    ] {
        assert!(by_id(id).is_empty(), "{id} matched");
    }
    assert_eq!(report["advisories_in_database"], 11);
}

#[test]
fn ignored_advisories_keep_their_findings_and_do_not_fail() {
    let ids = [
        "RUSTSEC-2021-0003",
        "RUSTSEC-2025-0047",
        "RUSTSEC-2020-0071",
        "RUSTSEC-2024-0006",
    ];
    let args: Vec<String> = ids
        .iter()
        .map(|id| format!("--ignore={id}=checked: test input only"))
        .collect();
    let mut all = vec!["--root", "m_direct::"];
    all.extend(args.iter().map(String::as_str));
    let (report, code) = audit_json(&all);
    assert_eq!(code, Some(0), "{report}");
    let f = finding(
        &report,
        "RUSTSEC-2021-0003",
        "smallvec::SmallVec::insert_many",
    );
    assert_eq!(f["verdict"], "reachable");
    assert_eq!(f["ignored"], "checked: test input only");
    // The same through a cargo-audit config file.
    let file = fixture().dir.join("audit-ignore.toml");
    std::fs::write(
        &file,
        format!(
            "[advisories]\nignore = [{}]\n",
            ids.iter()
                .map(|id| format!("{{ id = \"{id}\", reason = \"from the file\" }}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
    .unwrap();
    let (report, code) = audit_json(&[
        "--root",
        "m_direct::",
        "--ignore-file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0));
    assert_eq!(
        finding(&report, "RUSTSEC-2024-0006", "shlex::quote")["ignored"],
        "from the file"
    );
}

#[test]
fn table_groups_by_verdict() {
    let out = audit(&["--root", "m_indirect::"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let order: Vec<usize> = [
        "\nreachable only through candidates",
        "\npackage affected; no function data",
        "\nnot reachable",
        "\nfunction not in this build",
        "\nnot applicable to this build",
    ]
    .iter()
    .map(|h| {
        text.find(h)
            .unwrap_or_else(|| panic!("no `{h}` in\n{text}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(text.contains("m-indirect/src/lib.rs:"), "{text}");
    assert!(text.contains("--dyn [candidate:"), "{text}");
}

#[test]
fn sarif_validates_and_points_at_the_workspace_call_sites() {
    let out_file = fixture().dir.join("audit.sarif");
    let out = audit(&[
        "--root",
        "m_via_crate::",
        "--format",
        "sarif",
        "-o",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let log: Value = serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let reachable: Vec<&Value> = results.iter().filter(|r| r["level"] == "error").collect();
    assert_eq!(reachable.len(), CALLED.len(), "{log}");
    for r in &reachable {
        let location = &r["locations"][0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"]["uri"],
            "m-via-crate/src/lib.rs"
        );
        assert_eq!(location["artifactLocation"]["uriBaseId"], "SRCROOT");
        assert!(
            r["codeFlows"][0]["threadFlows"][0]["locations"]
                .as_array()
                .unwrap()
                .len()
                >= 2
        );
    }
    if !have_jsonschema() {
        return;
    }
    let schema = repo_root().join("tests/schemas/sarif-2.1.0-rtm.5.json");
    let script = "import sys, json, jsonschema\n\
                  log, schema = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))\n\
                  jsonschema.Draft4Validator.check_schema(schema)\n\
                  jsonschema.Draft4Validator(schema).validate(log)\n";
    let out = Command::new("python3")
        .args([
            "-c",
            script,
            out_file.to_str().unwrap(),
            schema.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_success(&out);
}

/// Python's jsonschema is there (CI installs it, .ci/run); elsewhere the check is skipped.
fn have_jsonschema() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "python3 -m pip install jsonschema"
        );
        eprintln!("skipped: no python3 jsonschema");
    }
    ok
}

#[test]
fn a_missing_database_is_one_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-db");
    let out = cargo_painter(
        dir.path(),
        &[
            "audit",
            "--graph",
            fixture().graph.to_str().unwrap(),
            "--db",
            missing.to_str().unwrap(),
            "--no-fetch",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: advisory database"), "{stderr}");
    assert!(stderr.contains(missing.to_str().unwrap()), "{stderr}");
    assert!(out.stdout.is_empty());
}

/// The database is fetched as cargo-audit does (here from a local git repository holding the
/// fixture advisories): cloned when missing, then audited against; when the remote cannot be
/// reached, a database already there is used with a warning, and none is an error.
#[test]
fn the_database_is_fetched_when_missing_and_used_offline_when_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin");
    copy_dir(&db(), &origin);
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .arg("-C")
            .arg(&origin)
            .args(["-c", "user.name=t", "-c", "user.email=t@t"])
            .args(args)
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "--quiet"]);
    git(&["add", "-A"]);
    git(&["commit", "--quiet", "-m", "fixture advisories"]);
    let url = format!("file://{}", origin.display());
    let fetched = dir.path().join("cargo-home/advisory-db");
    let graph = fixture().graph.to_str().unwrap();
    let run = |url: &str, extra: &[&str]| {
        let mut args = vec!["audit", "--graph", graph, "--format", "json"];
        args.extend(["--db", fetched.to_str().unwrap(), "--db-url", url]);
        args.extend(extra);
        cargo_painter(&fixture().dir, &args)
    };
    let out = run(&url, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Fetched advisory database"), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (expected, _) = audit_json(&[]);
    assert_eq!(report["findings"], expected["findings"]);

    let gone = format!("file://{}/gone", dir.path().display());
    let out = run(&gone, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning:") && stderr.contains("cannot fetch"),
        "{stderr}"
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"], expected["findings"]);

    std::fs::remove_dir_all(&fetched).unwrap();
    let out = run(&gone, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: advisory database"), "{stderr}");
    assert!(stderr.contains(&gone), "{stderr}");
}
