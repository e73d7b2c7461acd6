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

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use painter_engine::datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use painter_engine::datafusion::arrow::compute::cast;
use painter_engine::datafusion::arrow::datatypes::{DataType, Float64Type, UInt64Type};
use painter_engine::datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use painter_engine::{Edges, Engine, EngineOptions, Population, ReachOutput, ReachTarget};
use painter_query::figures::{CalledUnsafeFn, CrateFigures, Figures, Share};
use painter_tests::{assert_success, cargo_painter, repo_root};

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

/// Every Parquet file of a table directory (Spark writes `part-*.parquet`, the engine one file).
fn batches(path: &Path) -> Vec<RecordBatch> {
    let mut files: Vec<PathBuf> = if path.is_dir() {
        std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
            .collect()
    } else {
        vec![path.to_path_buf()]
    };
    files.sort();
    assert!(!files.is_empty(), "{}: no Parquet file", path.display());
    let mut out = Vec::new();
    for file in files {
        let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&file).unwrap())
            .unwrap()
            .build()
            .unwrap();
        out.extend(reader.map(Result::unwrap));
    }
    out
}

/// Column `name` of every batch cast to `to` (Spark's DECIMAL(20,0) ids and BIGINT counts to
/// UInt64, string views to Utf8).
fn column(batches: &[RecordBatch], name: &str, to: &DataType) -> Vec<ArrayRef> {
    batches
        .iter()
        .map(|b| {
            let c = b
                .column_by_name(name)
                .unwrap_or_else(|| panic!("no column {name}"));
            cast(c, to).unwrap_or_else(|e| panic!("column {name}: {e}"))
        })
        .collect()
}

fn u64s(b: &[RecordBatch], name: &str) -> Vec<Option<u64>> {
    let arrays = column(b, name, &DataType::UInt64);
    arrays
        .iter()
        .flat_map(|a| a.as_primitive::<UInt64Type>().iter().collect::<Vec<_>>())
        .collect()
}

fn u64s_required(b: &[RecordBatch], name: &str) -> Vec<u64> {
    u64s(b, name)
        .into_iter()
        .map(|v| v.unwrap_or_else(|| panic!("{name}: null")))
        .collect()
}

fn strings(b: &[RecordBatch], name: &str) -> Vec<Option<String>> {
    let arrays = column(b, name, &DataType::Utf8);
    arrays
        .iter()
        .flat_map(|a| {
            a.as_string::<i32>()
                .iter()
                .map(|v| v.map(str::to_owned))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn texts(b: &[RecordBatch], name: &str) -> Vec<String> {
    strings(b, name)
        .into_iter()
        .map(|v| v.unwrap_or_else(|| panic!("{name}: null")))
        .collect()
}

fn bools(b: &[RecordBatch], name: &str) -> Vec<bool> {
    let arrays = column(b, name, &DataType::Boolean);
    arrays
        .iter()
        .flat_map(|a| {
            a.as_boolean()
                .iter()
                .map(|v| v.unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn floats(b: &[RecordBatch], name: &str) -> Vec<f64> {
    let arrays = column(b, name, &DataType::Float64);
    arrays
        .iter()
        .flat_map(|a| {
            a.as_primitive::<Float64Type>()
                .iter()
                .map(|v| v.unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn string_lists(b: &[RecordBatch], name: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for batch in b {
        let list = batch.column_by_name(name).unwrap().as_list::<i32>();
        for i in 0..list.len() {
            let values: Arc<dyn Array> = list.value(i);
            let values = cast(&values, &DataType::Utf8).unwrap();
            out.push(
                values
                    .as_string::<i32>()
                    .iter()
                    .map(|v| v.unwrap().to_owned())
                    .collect(),
            );
        }
    }
    out
}

/// The figures of `population` as the Spark job wrote them under `out`.
fn spark_figures(out: &Path, population: &str) -> Figures {
    let all = batches(&out.join("figures"));
    let row = texts(&all, "population")
        .iter()
        .position(|p| p == population)
        .unwrap_or_else(|| panic!("no figures row for {population}"));
    let n = |name: &str| u64s_required(&all, name)[row];
    let share = |name: &str| Share {
        crates: n(name),
        percent: floats(&all, &format!("{name}_percent"))[row],
    };
    let mine = |b: &[RecordBatch]| -> Vec<bool> {
        texts(b, "population")
            .iter()
            .map(|p| p == population)
            .collect()
    };

    let by = batches(&out.join("figures_unsafe_ops_by"));
    let (mut by_kind, mut by_context) = (BTreeMap::new(), BTreeMap::new());
    let (dims, names, ops) = (
        texts(&by, "dimension"),
        texts(&by, "name"),
        u64s_required(&by, "ops"),
    );
    for (i, keep) in mine(&by).into_iter().enumerate() {
        if keep {
            let map = if dims[i] == "kind" {
                &mut by_kind
            } else {
                &mut by_context
            };
            map.insert(names[i].clone(), ops[i]);
        }
    }

    let top = batches(&out.join("figures_top"));
    let (rankings, ranks) = (texts(&top, "ranking"), u64s_required(&top, "rank"));
    let (keys, counts) = (texts(&top, "key"), u64s_required(&top, "count"));
    let ranking = |which: &str| {
        let mut rows: Vec<(u64, String, u64)> = mine(&top)
            .into_iter()
            .enumerate()
            .filter(|&(i, keep)| keep && rankings[i] == which)
            .map(|(i, _)| (ranks[i], keys[i].clone(), counts[i]))
            .collect();
        rows.sort();
        rows.into_iter().map(|(_, k, c)| (k, c)).collect::<Vec<_>>()
    };

    let called = batches(&out.join("figures_most_called_unsafe_fns"));
    let (cranks, paths) = (u64s_required(&called, "rank"), texts(&called, "path"));
    let (ccrates, sites) = (
        u64s_required(&called, "crates"),
        u64s_required(&called, "call_sites"),
    );
    let mut most_called: Vec<(u64, CalledUnsafeFn)> = mine(&called)
        .into_iter()
        .enumerate()
        .filter(|&(_, keep)| keep)
        .map(|(i, _)| {
            let f = CalledUnsafeFn {
                path: paths[i].clone(),
                crates: ccrates[i],
                call_sites: sites[i],
            };
            (cranks[i], f)
        })
        .collect();
    most_called.sort_by_key(|(rank, _)| *rank);

    let per = batches(&out.join("figures_per_crate"));
    let primary = bools(&per, "is_primary");
    let units = texts(&per, "unit");
    let calls_into = string_lists(&per, "calls_unsafe_crates");
    let pc = |name: &str| u64s_required(&per, name);
    let (uses, blocks, unsafe_ops) = (
        bools(&per, "uses_unsafe"),
        pc("user_unsafe_blocks"),
        pc("unsafe_ops"),
    );
    let (ffi, ffi_all) = (
        bools(&per, "reaches_ffi"),
        bools(&per, "reaches_ffi_with_candidates"),
    );
    let (imports, api) = (pc("ffi_imports"), pc("public_functions"));
    let (reach, reach_all) = (
        pc("public_functions_reaching_unsafe"),
        pc("public_functions_reaching_unsafe_with_candidates"),
    );
    let per_crate = (0..units.len())
        .filter(|&i| population == "all" || primary[i])
        .map(|i| CrateFigures {
            key: units[i].clone(),
            uses_unsafe: uses[i],
            user_unsafe_blocks: blocks[i],
            unsafe_ops: unsafe_ops[i],
            calls_unsafe_crates: calls_into[i].clone(),
            reaches_ffi: ffi[i],
            reaches_ffi_with_candidates: ffi_all[i],
            ffi_imports: imports[i],
            public_functions: api[i],
            public_functions_reaching_unsafe: reach[i],
            public_functions_reaching_unsafe_with_candidates: reach_all[i],
        })
        .collect();

    Figures {
        crates: n("crates"),
        uses_unsafe: share("uses_unsafe"),
        user_unsafe_blocks: share("user_unsafe_blocks"),
        has_unsafe_ops: share("has_unsafe_ops"),
        calls_unsafe_crate: share("calls_unsafe_crate"),
        reaches_ffi: share("reaches_ffi"),
        reaches_ffi_with_candidates: share("reaches_ffi_with_candidates"),
        public_functions: n("public_functions"),
        public_functions_reaching_unsafe: n("public_functions_reaching_unsafe"),
        public_functions_reaching_unsafe_with_candidates: n(
            "public_functions_reaching_unsafe_with_candidates",
        ),
        unsafe_ops_by_kind: by_kind,
        unsafe_ops_by_context: by_context,
        top_by_unsafe_ops: ranking("unsafe_ops"),
        top_by_ffi_imports: ranking("ffi_imports"),
        most_called_unsafe_fns: most_called.into_iter().map(|(_, f)| f).collect(),
        per_crate,
    }
}

/// A reach table's rows, sorted: (crate_id, hash, id_text, distance).
type ReachRow = (Option<u64>, Option<u64>, Option<String>, u64);

fn reach_rows(path: &Path) -> Vec<ReachRow> {
    let b = batches(path);
    let (k, h, t, d) = (
        u64s(&b, "crate_id"),
        u64s(&b, "hash"),
        strings(&b, "id_text"),
        u64s_required(&b, "distance"),
    );
    let mut rows: Vec<ReachRow> = (0..d.len())
        .map(|i| (k[i], h[i], t[i].clone(), d[i]))
        .collect();
    rows.sort();
    rows
}

/// A link table's rows as text, sorted (ids as numbers, so both engines' types compare).
fn link_rows(path: &Path, columns: &[&str]) -> BTreeSet<Vec<Option<String>>> {
    let b = batches(path);
    let cols: Vec<Vec<Option<String>>> = columns.iter().map(|c| strings(&b, c)).collect();
    (0..cols[0].len())
        .map(|i| cols.iter().map(|c| c[i].clone()).collect())
        .collect()
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
