//! The SQL engine (painter-engine, DataFusion over the Parquet dataset) answers like the
//! in-memory queries (painter_query) on the demo's graph: the same figures, the same reach
//! sets, shortest paths of the same length, the same link tables; empty tables still have
//! their columns, and a damaged file is an error naming it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use painter_engine::datafusion::arrow::array::{Array, AsArray};
use painter_engine::datafusion::arrow::datatypes::UInt64Type;
use painter_engine::datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use painter_engine::{Edges, Engine, EngineOptions, Population, ReachOutput, ReachTarget};
use painter_query::figures::{self, Population as QueryPopulation};
use painter_query::{CandidateMode, Target, call_graph_with, reach};
use painter_schema::LinkedGraph;
use painter_tests::{assert_success, binaries, cargo_painter, copy_dir, painter_sql, repo_root};

/// The demo analysed and exported once for all tests of this file: (temp dir, graph, dataset).
fn demo() -> &'static (tempfile::TempDir, LinkedGraph, PathBuf) {
    static DEMO: OnceLock<(tempfile::TempDir, LinkedGraph, PathBuf)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo_root().join("examples/demo"), dir.path());
        assert_success(&cargo_painter(dir.path(), &["--locked"]));
        // `cargo painter` writes its graph as a dataset, possibly with the link pending;
        // `export` writes a linked one, which is what the engine and the comparison read.
        let graph_path = dir.path().join("target/painter/graph");
        let dataset = dir.path().join("dataset");
        let export = std::process::Command::new(&binaries().cargo_painter)
            .args(["painter", "export"])
            .arg(&graph_path)
            .args(["--format", "parquet", "-o"])
            .arg(&dataset)
            .output()
            .unwrap();
        assert_success(&export);
        let graph = painter_dataset::read_dataset(&dataset).unwrap();
        (dir, graph, dataset)
    })
}

fn open(dataset: &Path) -> Engine {
    let options = EngineOptions {
        threads: Some(2),
        ..EngineOptions::default()
    };
    Engine::open(dataset, &options).unwrap()
}

#[test]
fn figures_equal_the_in_memory_figures() {
    let (_, graph, dataset) = demo();
    let engine = open(dataset);
    for (population, query_population) in [
        (Population::All, QueryPopulation::All),
        (Population::Primary, QueryPopulation::Primary),
    ] {
        let expected = figures::figures(graph, query_population);
        let got = engine.figures(population).unwrap();
        // Not vacuous: the demo has unsafe code, FFI and candidate edges that matter.
        assert!(expected.public_functions_reaching_unsafe > 0);
        assert!(expected.reaches_ffi.crates > 0);
        assert_eq!(got, expected, "{population:?}");
    }
}

/// The ids in a reach result file.
fn reach_ids(path: &Path) -> BTreeSet<String> {
    let file = std::fs::File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut ids = BTreeSet::new();
    for batch in reader {
        let batch = batch.unwrap();
        let krate = batch.column_by_name("crate_id").unwrap();
        let krate = krate.as_primitive::<UInt64Type>();
        let hash = batch.column_by_name("hash").unwrap();
        let hash = hash.as_primitive::<UInt64Type>();
        let text = batch.column_by_name("id_text").unwrap();
        let text = painter_engine::datafusion::arrow::compute::cast(
            text,
            &painter_engine::datafusion::arrow::datatypes::DataType::Utf8,
        )
        .unwrap();
        let text = text.as_string::<i32>();
        for i in 0..batch.num_rows() {
            ids.insert(if krate.is_null(i) {
                text.value(i).to_owned()
            } else {
                painter_dataset_id(krate.value(i), hash.value(i))
            });
        }
    }
    ids
}

fn painter_dataset_id(krate: u64, hash: u64) -> String {
    format!("{krate:016x}:{hash:016x}")
}

#[test]
fn reach_sets_equal_the_in_memory_reach() {
    let (dir, graph, dataset) = demo();
    let engine = open(dataset);
    let cg = call_graph_with(graph, CandidateMode::Include);
    // One function target too: the demo's C checksum, reached from main through demo-core.
    let checksum = cg
        .graph
        .node_indices()
        .find(|&n| cg.node(n).path.contains("demo_checksum"))
        .expect("the demo calls demo_checksum");
    let checksum_id = cg.node(checksum).id.to_owned();
    let out = dir.path().join("reach.parquet");
    for (target, query_target) in [
        (ReachTarget::Unsafe, Target::Unsafe),
        (ReachTarget::Ffi, Target::Ffi),
        (ReachTarget::Function(checksum_id.clone()), Target::Unsafe),
    ] {
        for edges in [Edges::Exact, Edges::WithCandidates] {
            let expected = match &target {
                ReachTarget::Function(_) => {
                    painter_query::reach_from_targets(&cg, &[checksum], edges)
                }
                _ => reach(&cg, &query_target, edges),
            };
            let expected: BTreeSet<String> = cg
                .graph
                .node_indices()
                .filter(|&n| expected.reaches(n))
                .map(|n| cg.node(n).id.to_owned())
                .collect();
            let summary = engine
                .reaches(&target, edges, ReachOutput::Parquet(&out))
                .unwrap();
            assert!(expected.len() > 1, "{target:?}: a trivial reach set");
            assert_eq!(
                summary.functions as usize,
                expected.len(),
                "{target:?} {edges:?}"
            );
            assert_eq!(reach_ids(&out), expected, "{target:?} {edges:?}");
        }
    }
}

#[test]
fn shortest_paths_are_as_long_as_the_in_memory_ones() {
    let (_, graph, dataset) = demo();
    let engine = open(dataset);
    let cg = call_graph_with(graph, CandidateMode::Include);
    let ffi = reach(&cg, &Target::Ffi, Edges::Exact);
    // Functions of the demo's own crates, reaching FFI or not: every one that reaches it
    // through 2 or more calls, and a spread of the others (each search is a few queries).
    let demo: Vec<_> = cg
        .graph
        .node_indices()
        .filter(|&n| cg.node(n).crate_key.is_some_and(|k| k.starts_with("demo-")))
        .collect();
    let far: Vec<_> = demo
        .iter()
        .copied()
        .filter(|&n| ffi.distance(n).is_some_and(|d| d >= 2))
        .collect();
    let step = (demo.len() / 12).max(1);
    let starts: Vec<_> = far
        .iter()
        .copied()
        .chain(demo.iter().copied().step_by(step))
        .collect();
    let mut longest = 0;
    for &start in &starts {
        let from = cg.node(start).id;
        let path = engine
            .shortest_path(from, &ReachTarget::Ffi, Edges::Exact)
            .unwrap();
        match (ffi.distance(start), path) {
            (None, None) => {}
            (Some(d), Some(path)) => {
                assert_eq!(path.len() as u32, d + 1, "from {}", cg.node(start).path);
                assert_eq!(path[0].id, from);
                // Each step is a call of the graph, and the last one is on the FFI boundary.
                for pair in path.windows(2) {
                    let (a, b) = (
                        cg.by_id(&pair[0].id).unwrap(),
                        cg.by_id(&pair[1].id).unwrap(),
                    );
                    assert!(cg.graph.find_edge(a, b).is_some(), "{pair:?}");
                }
                let last = cg.by_id(&path.last().unwrap().id).unwrap();
                assert!(cg.node(last).foreign);
                assert_eq!(path.last().unwrap().path, cg.node(last).path);
                longest = longest.max(d);
            }
            (d, path) => panic!(
                "from {}: in memory {d:?}, engine {path:?}",
                cg.node(start).path
            ),
        }
    }
    assert!(longest >= 2, "the demo has multi-call paths to C");
}

/// Rows of a query as text, for comparing tables.
fn rows(engine: &Engine, sql: &str) -> Vec<String> {
    let batches = engine.run_sql("test", sql).unwrap();
    let text = painter_engine::datafusion::arrow::util::pretty::pretty_format_batches(&batches)
        .unwrap()
        .to_string();
    text.lines().map(str::to_owned).collect()
}

#[test]
fn the_sql_link_computes_the_linkers_tables() {
    let (dir, _, dataset) = demo();
    let copy = dir.path().join("relinked");
    copy_dir(dataset, &copy);
    let engine = open(&copy);
    let crate_ids = "SELECT stable_id, crate_id, unit FROM crate_ids ORDER BY stable_id";
    let externals = "SELECT crate_id, hash, id_text, path, krate FROM external_functions \
                     ORDER BY crate_id, hash, id_text";
    let (ids_before, ext_before) = (rows(&engine, crate_ids), rows(&engine, externals));
    assert!(ids_before.len() > 4 && ext_before.len() > 4);
    let summary = engine.link(Some(&copy)).unwrap();
    assert_eq!(rows(&engine, crate_ids), ids_before);
    assert_eq!(rows(&engine, externals), ext_before);
    assert_eq!(summary.crate_ids as usize, ids_before.len() - 4);
    // Written the way the dataset writer writes them: the same bytes.
    for table in ["crate_ids", "external_functions"] {
        let file = format!("{table}/graph.parquet");
        assert_eq!(
            std::fs::read(copy.join(&file)).unwrap(),
            std::fs::read(dataset.join(&file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn a_table_without_files_has_its_columns_and_no_rows() {
    let (dir, _, dataset) = demo();
    // The demo's dataset without its callbacks: no file, and 0 rows in the manifest.
    let copy = dir.path().join("no-callbacks");
    copy_dir(dataset, &copy);
    assert!(copy.join("ffi_callbacks").is_dir());
    std::fs::remove_dir_all(copy.join("ffi_callbacks")).unwrap();
    let manifest = copy.join("manifest.json");
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    for unit in json["units"].as_array_mut().unwrap() {
        unit["rows"]["ffi_callbacks"] = 0.into();
    }
    std::fs::write(&manifest, serde_json::to_vec(&json).unwrap()).unwrap();
    let engine = open(&copy);
    let got = rows(
        &engine,
        "SELECT count(*) AS n, count(callback_path) AS p FROM ffi_callbacks WHERE unit <> ''",
    );
    assert!(got.iter().any(|l| l.contains("| 0 | 0 |")), "{got:?}");
}

#[test]
fn a_damaged_file_is_an_error_naming_it() {
    let (dir, _, dataset) = demo();
    for (name, damage) in [
        (
            "truncated",
            (|b: &[u8]| b[..b.len() / 2].to_vec()) as fn(&[u8]) -> Vec<u8>,
        ),
        ("garbage", |b: &[u8]| b.iter().map(|x| x ^ 0x5a).collect()),
    ] {
        let copy = dir.path().join(name);
        copy_dir(dataset, &copy);
        let victim = std::fs::read_dir(copy.join("calls"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .max()
            .unwrap();
        let bytes = std::fs::read(&victim).unwrap();
        std::fs::write(&victim, damage(&bytes)).unwrap();
        let err = match Engine::open(&copy, &EngineOptions::default()) {
            Ok(_) => panic!("{name}: a damaged file opened"),
            Err(e) => e.to_string(),
        };
        assert!(err.contains(&victim.display().to_string()), "{name}: {err}");
    }
}

/// docs/dataset.md's DuckDB code: views over every table, the SQL link, the reach loop and the
/// per-crate figures from the files of `query/sql/`, and pyarrow reading every table.
const DUCKDB_RUNNER: &str = r#"
import json, os, sys
import duckdb, pyarrow.parquet as pq
DIR, SQL = sys.argv[1], sys.argv[2]
con = duckdb.connect()
rows = {}
for table in sorted(os.listdir(DIR)):
    if os.path.isdir(os.path.join(DIR, table)) and os.listdir(os.path.join(DIR, table)):
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{DIR}/{table}/*.parquet')")
        rows[table] = pq.read_table(os.path.join(DIR, table)).num_rows
run = lambda name: con.execute(open(f"{SQL}/{name}.sql").read())
link_ok = run("link_crate_ids").fetchall() == con.execute("SELECT * FROM crate_ids ORDER BY stable_id").fetchall()
# procedures.json: the exact edges materialise the instantiation edges first.
con.execute("CREATE TABLE instance_edges AS " + open(f"{SQL}/reach_instance_edges.sql").read())
run("reach_edges_exact"); run("reach_targets_unsafe"); run("reach_seed")
while True:
    run("reach_step")
    if run("reach_count").fetchone()[0] == 0:
        run("reach_finish")
        break
    run("reach_advance")
reached = con.execute("SELECT count(*) FROM reach_seen").fetchone()[0]
public = sum(int(r[2]) for r in run("figures_reach_per_crate").fetchall())
ops = {r[0]: int(r[4]) for r in run("figures_per_crate").fetchall()}
print(json.dumps({"link_ok": link_ok, "reached": reached, "public": public, "ops": ops, "rows": rows}))
"#;

#[test]
fn the_sql_files_run_in_duckdb_and_pyarrow_reads_every_table() {
    let (_, graph, dataset) = demo();
    let ok = std::process::Command::new("python3")
        .args(["-c", "import duckdb, pyarrow"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "python3 with duckdb and pyarrow is needed under CI"
        );
        eprintln!("skipped: no python3 with duckdb and pyarrow");
        return;
    }
    let out = std::process::Command::new("python3")
        .args(["-c", DUCKDB_RUNNER])
        .arg(dataset)
        .arg(repo_root().join("query/sql"))
        .output()
        .unwrap();
    assert_success(&out);
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(seen["link_ok"], true);
    let cg = call_graph_with(graph, CandidateMode::Include);
    let unsafe_reach = reach(&cg, &Target::Unsafe, Edges::Exact);
    assert_eq!(seen["reached"], unsafe_reach.count());
    let expected = figures::figures(graph, QueryPopulation::All);
    assert_eq!(seen["public"], expected.public_functions_reaching_unsafe);
    for row in &expected.per_crate {
        assert_eq!(seen["ops"][&row.key], row.unsafe_ops, "{}", row.key);
    }
    for table in [
        "functions",
        "calls",
        "units",
        "crate_ids",
        "call_candidates",
        "external_functions",
    ] {
        assert!(
            seen["rows"][table].as_u64().is_some_and(|n| n > 0),
            "{table}: {}",
            seen["rows"]
        );
    }
}

/// `cargo painter sql …` runs painter-sql with its arguments: on the run's own dataset, the
/// figures are `stats --format json`'s, for both populations; a function named by its path is
/// found; a query's rows come out as CSV; a missing painter-sql is one clear error.
#[test]
fn cargo_painter_sql_answers_like_stats() {
    let (dir, _, _) = demo();
    let graph = dir.path().join("target/painter/graph");
    let painter = |args: &[&str], sql: Option<&Path>| {
        let mut cmd = std::process::Command::new(&binaries().cargo_painter);
        cmd.arg("painter").args(args);
        match sql {
            Some(sql) => cmd.env("PAINTER_SQL", sql),
            None => cmd.env_remove("PAINTER_SQL"),
        };
        cmd.output().unwrap()
    };
    let sql = painter_sql();
    let graph_arg = graph.to_str().unwrap();
    for crates in ["all", "primary"] {
        let stats = painter(
            &["stats", graph_arg, "--format", "json", "--crates", crates],
            None,
        );
        assert_success(&stats);
        let stats: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
        let figures = painter(
            &[
                "sql",
                graph_arg,
                "--threads",
                "2",
                "figures",
                "--format",
                "json",
                "--crates",
                crates,
            ],
            Some(sql),
        );
        assert_success(&figures);
        let figures: serde_json::Value = serde_json::from_slice(&figures.stdout).unwrap();
        assert_eq!(figures, stats["figures"], "--crates {crates}");
    }

    let path = painter(
        &["sql", graph_arg, "path", "demo_app::main", "ffi"],
        Some(sql),
    );
    assert_success(&path);
    let text = String::from_utf8_lossy(&path.stdout);
    assert!(text.starts_with("demo_app::main ("), "{text}");
    assert!(
        text.lines().count() >= 2,
        "a path of at least one call: {text}"
    );

    let query = painter(
        &[
            "sql",
            graph_arg,
            "query",
            "SELECT count(*) AS n FROM functions WHERE path = 'demo_app::main'",
            "--format",
            "csv",
        ],
        Some(sql),
    );
    assert_success(&query);
    assert_eq!(String::from_utf8_lossy(&query.stdout), "n\n1\n");

    let missing = painter(
        &["sql", graph_arg, "figures"],
        Some(Path::new("/nonexistent/painter-sql")),
    );
    assert!(!missing.status.success());
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(err.contains("/nonexistent/painter-sql"), "{err}");
}
