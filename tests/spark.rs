//! The Spark job (`spark/`, pyspark in local mode) answers exactly as painter-engine on the
//! ecosystem fixture's dataset (the crates of tests/ecosystem.rs's shard test and num_cpus, whose
//! calls into libc's foreign functions make the FFI figures non-trivial, analysed by `cargo
//! painter ecosystem`): every figure of both populations, the per-crate figures and the
//! four reachability tables, row for row. It runs twice in one Spark session: on the run's
//! linked dataset, and on a copy whose link is pending (as an incremental run leaves it), which
//! the job must link in SQL first — its link tables must then be the engine's.
//!
//! Needs Java 17 and pyspark (`.ci/run` installs both) and bubblewrap for the ecosystem run; on
//! CI (`CI=true`) a missing one is a failure, elsewhere the test says it is skipped.

mod spark_tables;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use painter_engine::{Edges, Engine, EngineOptions, Population, ReachOutput, ReachTarget};
use painter_tests::{assert_success, cargo_painter, repo_root};

use self::spark_tables::{link_rows, reach_rows, spark_figures};

/// Whether a tool the test needs is there; on CI its absence fails the test.
fn available(what: &str, program: &str, args: &[&str]) -> bool {
    let found = Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{what} is missing: .ci/run must install it"
        );
        eprintln!("skipped: {what} is not installed");
    }
    found
}

/// The engine's answers on `dataset` against the Spark job's under `out`.
fn compare(dataset: &Path, out: &Path, scratch: &Path) {
    let options = EngineOptions {
        threads: Some(2),
        ..EngineOptions::default()
    };
    let engine = Engine::open(dataset, &options).unwrap();
    for (population, name) in [(Population::All, "all"), (Population::Primary, "primary")] {
        let want = engine.figures(population).unwrap();
        assert!(
            want.crates > 0 && want.uses_unsafe.crates > 0,
            "{name}: trivial figures"
        );
        assert_eq!(
            spark_figures(out, name),
            want,
            "{}: figures of {name}",
            dataset.display()
        );
    }
    for (target, t) in [(ReachTarget::Unsafe, "unsafe"), (ReachTarget::Ffi, "ffi")] {
        for (edges, e) in [
            (Edges::Exact, "exact"),
            (Edges::WithCandidates, "with_candidates"),
        ] {
            let file = scratch.join(format!("engine-{t}-{e}.parquet"));
            let summary = engine
                .reaches(&target, edges, ReachOutput::Parquet(&file))
                .unwrap();
            let want = reach_rows(&file);
            assert_eq!(want.len() as u64, summary.functions);
            assert!(
                want.iter().any(|r| r.3 > 0),
                "{t} {e}: nothing reaches by a call"
            );
            let got = reach_rows(&out.join(format!("reach_{t}_{e}")));
            assert_eq!(got, want, "{}: reach_{t}_{e}", dataset.display());
        }
    }
}

#[test]
fn spark_answers_as_the_engine_on_the_ecosystem_dataset() {
    let ready = available("bubblewrap (bwrap)", "bwrap", &["--version"])
        && available("Java", "java", &["-version"])
        && available("pyspark", "python3", &["-c", "import pyspark"]);
    if !ready {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.txt");
    std::fs::write(&list, "itoa@1.0.15\nmemchr@2.7.4\nserde_json@1.0.140\ncfg-if@1.0.0\nryu@1.0.20\nnum_cpus@1.16.0\n").unwrap();
    let home = dir.path().join("cargo-home");
    let run = cargo_painter(
        dir.path(),
        &[
            "ecosystem",
            "--crates",
            list.to_str().unwrap(),
            "--out",
            "eco",
            "--jobs",
            "2",
            "--cargo-home",
            home.to_str().unwrap(),
        ],
    );
    assert_success(&run);
    let linked = dir.path().join("eco/graph");

    // The same units with the link pending: no graph-wide table, `linked: false`.
    let pending = dir.path().join("pending");
    painter_tests::copy_dir(&linked, &pending);
    let manifest = painter_dataset::read_manifest(&pending).unwrap();
    painter_dataset::update_units(
        &pending,
        &BTreeMap::new(),
        &BTreeSet::new(),
        &manifest.configurations,
        painter_dataset::Encoded::new(),
    )
    .unwrap();
    assert!(!painter_dataset::read_manifest(&pending).unwrap().linked);
    assert!(!pending.join("crate_ids/graph.parquet").exists());

    let (out_linked, out_pending) = (
        dir.path().join("spark-linked"),
        dir.path().join("spark-pending"),
    );
    let missing = dir.path().join("no-such-dataset");
    let started = Instant::now();
    let output = Command::new("python3")
        .arg(repo_root().join("spark/tests/run_jobs.py"))
        .args([
            "--master",
            "local[2]",
            "--conf",
            "spark.sql.shuffle.partitions=2",
            "--conf",
            "spark.ui.enabled=false",
            "--conf",
            "spark.driver.memory=1g",
            "--",
        ])
        .arg(format!("{}={}", linked.display(), out_linked.display()))
        .arg(format!("{}={}", pending.display(), out_pending.display()))
        .arg(format!(
            "{}={}",
            missing.display(),
            dir.path().join("spark-missing").display()
        ))
        .output()
        .unwrap();
    let seconds = started.elapsed().as_secs_f64();
    assert_success(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("ok ") || l.starts_with("error "))
        .collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    let session = stdout
        .lines()
        .find_map(|l| l.strip_prefix("session "))
        .unwrap_or("?");
    eprintln!("spark: 3 runs in one session, {seconds:.1} s in all, {session} s to start it");
    for line in &lines[..2] {
        let summary: serde_json::Value =
            serde_json::from_str(line.strip_prefix("ok ").unwrap_or_else(|| panic!("{line}")))
                .unwrap();
        eprintln!(
            "spark: {} s: {}",
            summary["seconds"]["total"], summary["seconds"]
        );
    }
    // A dataset that is not there: one error line naming it.
    assert!(lines[2].starts_with("error error: "), "{}", lines[2]);
    assert!(
        lines[2].contains("no-such-dataset/manifest.json"),
        "{}",
        lines[2]
    );
    assert!(!lines[2].contains('\n'));

    compare(&linked, &out_linked, dir.path());
    compare(&pending, &out_pending, dir.path());
    // The pending dataset was linked by the job (not by the dataset): its link tables are the
    // engine's SQL link of the same units, row for row.
    let engine_link = dir.path().join("engine-link");
    let options = EngineOptions {
        threads: Some(2),
        ..EngineOptions::default()
    };
    Engine::open(&pending, &options)
        .unwrap()
        .link(Some(&engine_link))
        .unwrap();
    for (table, columns) in [
        ("crate_ids", &["stable_id", "crate_id", "unit"][..]),
        (
            "external_functions",
            &["crate_id", "hash", "id_text", "path", "krate"][..],
        ),
    ] {
        let want = link_rows(&engine_link.join(table), columns);
        assert!(!want.is_empty(), "{table}: empty");
        assert_eq!(
            link_rows(&out_pending.join(table), columns),
            want,
            "{table}"
        );
    }
    assert!(
        !out_linked.join("crate_ids").exists(),
        "a linked dataset was linked again"
    );
}

/// The dialect layer's own tests (spark/tests/test_dialect.py): plain Python, no Spark.
#[test]
fn the_dialect_layer_rewrites_only_what_it_documents() {
    if !available("python3", "python3", &["--version"]) {
        return;
    }
    let output = Command::new("python3")
        .args(["-m", "unittest", "discover", "-s"])
        .arg(repo_root().join("spark/tests"))
        .args(["-p", "test_*.py"])
        .output()
        .unwrap();
    assert_success(&output);
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(report.contains("Ran 6 tests"), "{report}");
}
