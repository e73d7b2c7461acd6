//! Every export of the demo's linked graph loads in the real tool that reads it: GraphML in
//! NetworkX, DOT through Graphviz `dot`, SQLite through `sqlite3` (running the example queries
//! of docs/exports.md), SARIF against the 2.1.0 JSON schema, Neo4j CSV headers against the
//! `neo4j-admin database import` format, the Parquet dataset through pyarrow and DuckDB.
//! `path` finds the demo's C calls.
//!
//! A missing tool skips its test with a message locally; under `CI=true` it fails (.ci/run
//! installs them).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use painter_tests::{assert_success, binaries, cargo_painter, copy_dir, repo_root};

/// The demo analysed once for all tests of this file: (temp dir, its dataset).
fn demo_graph() -> &'static Path {
    static GRAPH: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &GRAPH
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            copy_dir(&repo_root().join("examples/demo"), dir.path());
            assert_success(&cargo_painter(dir.path(), &["--locked"]));
            let graph = dir.path().join("target/painter/graph");
            (dir, graph)
        })
        .1
}

fn painter(args: &[&str]) -> Output {
    Command::new(&binaries().cargo_painter)
        .arg("painter")
        .args(args)
        // Tables fit 100 columns unless the environment names a width.
        .env_remove("COLUMNS")
        .output()
        .expect("running cargo-painter")
}

fn export(format: &str, out: &Path, extra: &[&str]) {
    let graph = demo_graph().to_str().unwrap();
    let mut args = vec![
        "export",
        graph,
        "--format",
        format,
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    assert_success(&painter(&args));
}

/// Whether `program args` runs; if not, skip (or fail under CI).
fn have(program: &str, args: &[&str], install: &str) -> bool {
    let ok = Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{program} {args:?} is needed under CI ({install})"
        );
        eprintln!("skipped: {program} {args:?} failed; {install}");
    }
    ok
}

fn python(script: &str, args: &[&str]) -> Output {
    Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("running python3")
}

#[test]
fn graphml_loads_in_networkx_with_typed_attributes() {
    if !have(
        "python3",
        &["-c", "import networkx"],
        "pip install networkx",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("calls.graphml");
    export("graphml", &out, &["--candidates"]);
    let script = r#"
import sys, networkx as nx
g = nx.read_graphml(sys.argv[1])
assert isinstance(g, nx.MultiDiGraph), type(g)
assert g.number_of_nodes() > 1000 and g.number_of_edges() > 1000, g
by_path = {d.get("path"): n for n, d in g.nodes(data=True)}
main, c = by_path["demo_app::main"], by_path["demo_core::checksum::sys::demo_checksum"]
# Declared types arrive typed.
assert g.nodes[c]["foreign"] is True and g.nodes[main]["public"] in (True, False)
assert isinstance(g.nodes[main]["unsafe_ops"], int) and isinstance(g.nodes[main]["line"], int)
kinds = {d["kind"] for _, _, d in g.edges(data=True)}
assert {"static", "ffi", "dyn"} <= kinds, kinds
assert any(d["candidate"] is True and d.get("reason") for _, _, d in g.edges(data=True))
assert nx.has_path(g, main, c)
print(nx.shortest_path_length(g, main, c))
"#;
    let output = python(script, &[out.to_str().unwrap()]);
    assert_success(&output);
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "2");
}

#[test]
fn dot_of_the_paths_to_ffi_renders_in_graphviz() {
    if !have("dot", &["-V"], "apt-get install graphviz") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ffi.dot");
    export(
        "dot",
        &out,
        &[
            "--from",
            "demo_app::main",
            "--to",
            "ffi",
            "--max-paths",
            "4",
        ],
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("subgraph cluster_") && text.contains("label=\"demo-core@0.1.0\""));
    let svg = dir.path().join("ffi.svg");
    let output = Command::new("dot")
        .args(["-Tsvg", "-o"])
        .arg(&svg)
        .arg(&out)
        .output()
        .unwrap();
    assert_success(&output);
    let svg = std::fs::read_to_string(&svg).unwrap();
    assert!(
        svg.contains("<svg") && svg.contains("demo_checksum"),
        "{svg}"
    );
    // Four paths: a handful of functions, not the whole graph.
    assert!(text.matches(" -> ").count() <= 12, "{text}");
}

/// The `sql` blocks of docs/exports.md, in order.
fn documented_queries() -> Vec<String> {
    let doc = std::fs::read_to_string(repo_root().join("docs/exports.md")).unwrap();
    let mut queries = Vec::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        match (&mut current, line.trim()) {
            (None, "```sql") => current = Some(String::new()),
            (Some(q), "```") => {
                queries.push(std::mem::take(q));
                current = None;
            }
            (Some(q), _) => {
                q.push_str(line);
                q.push('\n');
            }
            (None, _) => {}
        }
    }
    queries
}

#[test]
fn sqlite_answers_the_documented_queries() {
    if !have("sqlite3", &["-version"], "apt-get install sqlite3") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("graph.sqlite");
    export("sqlite", &db, &[]);
    let run = |sql: &str| {
        let output = Command::new("sqlite3")
            .arg("-bail")
            .arg(&db)
            .arg(sql)
            .output()
            .unwrap();
        assert_success(&output);
        String::from_utf8(output.stdout).unwrap()
    };
    let queries = documented_queries();
    assert_eq!(queries.len(), 4, "docs/exports.md has its example queries");
    for query in &queries {
        let rows = run(query);
        assert!(!rows.trim().is_empty(), "no rows from\n{query}");
    }
    // The answers are the demo's facts.
    assert!(run(&queries[1]).contains("demo_core::checksum::checksum_c|demo_checksum|democsum"));
    assert!(run(&queries[2]).contains("demo-app@0.1.0#bin:demo_app|demo-core@0.1.0|"));
    // The obvious joins use the indexes.
    let plan = run(
        "EXPLAIN QUERY PLAN SELECT * FROM calls c JOIN functions f ON f.id = c.callee \
         WHERE c.caller = 'x';",
    );
    assert!(plan.contains("calls_caller"), "{plan}");
}

#[test]
fn sarif_validates_against_the_2_1_0_schema() {
    if !have(
        "python3",
        &["-c", "import jsonschema"],
        "pip install jsonschema",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("painter.sarif");
    export("sarif", &out, &[]);
    // The schema file comes from npm (see tests/schemas/README.md).
    let schema = repo_root().join("tests/schemas/sarif-2.1.0-rtm.5.json");
    let script = r#"
import sys, json, jsonschema
log, schema = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
jsonschema.Draft4Validator.check_schema(schema)
jsonschema.Draft4Validator(schema).validate(log)
results = log["runs"][0]["results"]
rules = {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
assert all(r["ruleId"] in rules for r in results)
ffi = [r for r in results if r["ruleId"] == "ffi/call"]
uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in ffi}
print(len(results), sorted(uris))
"#;
    let output = python(script, &[out.to_str().unwrap(), schema.to_str().unwrap()]);
    assert_success(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    // C calls of the workspace crates, relative to the workspace root.
    assert!(stdout.contains("demo-core/src/checksum.rs"), "{stdout}");
    assert!(!stdout.contains("file://"), "{stdout}");
}

/// A header field of `neo4j-admin database import`: `name[:type]`, `[name]:ID[(space)]`,
/// `:START_ID[(space)]`, `:END_ID[(space)]`, `:LABEL`, `:TYPE`, `:IGNORE`.
fn valid_header_field(field: &str) -> bool {
    const TYPES: [&str; 14] = [
        "int",
        "long",
        "float",
        "double",
        "boolean",
        "byte",
        "short",
        "char",
        "string",
        "point",
        "date",
        "localtime",
        "time",
        "datetime",
    ];
    let Some((name, ty)) = field.split_once(':') else {
        return !field.is_empty();
    };
    let (base, space) = match ty.split_once('(') {
        Some((base, rest)) => (base, rest.strip_suffix(')')),
        None => (ty, Some("")),
    };
    match (base, space) {
        (_, None) => false,
        ("ID", Some(_)) => true,
        ("START_ID" | "END_ID", Some(_)) | ("LABEL" | "TYPE" | "IGNORE", Some("")) => {
            name.is_empty()
        }
        (t, Some("")) => !name.is_empty() && TYPES.contains(&t.trim_end_matches("[]")),
        _ => false,
    }
}

#[test]
fn neo4j_csv_files_follow_the_import_format() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("neo4j");
    export("neo4j", &out, &["--candidates"]);
    let read = |name: &str| -> (Vec<String>, Vec<Vec<String>>) {
        let text = std::fs::read_to_string(out.join(name)).unwrap();
        let mut lines = parse_csv(&text).into_iter();
        (lines.next().unwrap(), lines.collect())
    };
    let mut ids: std::collections::HashMap<String, HashSet<String>> = Default::default();
    for name in ["crates.csv", "functions.csv", "unsafe_ops.csv"] {
        let (header, rows) = read(name);
        assert!(
            header.iter().all(|f| valid_header_field(f)),
            "{name}: {header:?}"
        );
        let id_col = header.iter().position(|f| f.contains(":ID(")).unwrap();
        let space = header[id_col]
            .split('(')
            .nth(1)
            .unwrap()
            .trim_end_matches(')');
        assert!(header.contains(&":LABEL".to_string()), "{name}");
        let set = ids.entry(space.to_string()).or_default();
        for row in &rows {
            assert_eq!(row.len(), header.len(), "{name}: {row:?}");
            assert!(
                set.insert(row[id_col].clone()),
                "{name}: duplicate id {}",
                row[id_col]
            );
        }
        assert!(!rows.is_empty(), "{name} is empty");
    }
    for name in ["calls.csv", "defined_in.csv", "has_unsafe_op.csv"] {
        let (header, rows) = read(name);
        assert!(
            header.iter().all(|f| valid_header_field(f)),
            "{name}: {header:?}"
        );
        let space = |prefix: &str| {
            let i = header.iter().position(|f| f.starts_with(prefix)).unwrap();
            (
                i,
                header[i]
                    .split('(')
                    .nth(1)
                    .unwrap()
                    .trim_end_matches(')')
                    .to_string(),
            )
        };
        let ((s, s_space), (e, e_space)) = (space(":START_ID"), space(":END_ID"));
        let t = header.iter().position(|f| f == ":TYPE").unwrap();
        for row in &rows {
            assert!(
                ids[&s_space].contains(&row[s]),
                "{name}: no node {}",
                row[s]
            );
            assert!(
                ids[&e_space].contains(&row[e]),
                "{name}: no node {}",
                row[e]
            );
            assert!(!row[t].is_empty());
        }
    }
    let (header, rows) = read("calls.csv");
    let t = header.iter().position(|f| f == ":TYPE").unwrap();
    let types: HashSet<&str> = rows.iter().map(|r| r[t].as_str()).collect();
    assert_eq!(types, HashSet::from(["CALLS", "MAY_CALL"]));
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(readme.contains("neo4j-admin database import full"));
    for file in [
        "crates.csv",
        "functions.csv",
        "calls.csv",
        "has_unsafe_op.csv",
    ] {
        assert!(readme.contains(file), "README names {file}");
    }
    assert!(valid_header_field("count:int") && !valid_header_field("count:integer"));
}

/// RFC 4180 CSV (quoted fields with `""` and newlines), enough for our files.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn path_finds_the_demos_c_calls() {
    let graph = demo_graph().to_str().unwrap();
    let output = painter(&["path", graph, "--from", "demo_app::main", "--to", "ffi"]);
    assert_success(&output);
    let text = String::from_utf8_lossy(&output.stdout);
    // main -> checksum_c -> the C function, with the call sites.
    assert!(text.contains("demo_core::checksum::checksum_c"), "{text}");
    assert!(text.contains("--ffi--> at src/checksum.rs:27:14"), "{text}");
    assert!(text.contains("demo_core::checksum::sys::demo_checksum  [demo-core@0.1.0, foreign]"));

    let json = painter(&[
        "path",
        graph,
        "--from",
        "demo_app::main",
        "--to",
        "demo_core::checksum::sys::demo_apply",
        "--format",
        "json",
    ]);
    assert_success(&json);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let steps = &value["paths"][0]["steps"];
    assert_eq!(steps.as_array().unwrap().len(), 2);
    assert_eq!(steps[1]["kind"], "ffi");
    assert_eq!(
        steps[1]["callee"]["path"],
        "demo_core::checksum::sys::demo_apply"
    );

    // Nothing reaches main: no path, exit code 1 and a reason.
    let none = painter(&[
        "path",
        graph,
        "--from",
        "demo_core::checksum::seed",
        "--to",
        "demo_app::main",
    ]);
    assert_eq!(none.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no call path"));
    let bad = painter(&["path", graph, "--from", "no::such::fn", "--to", "ffi"]);
    assert!(String::from_utf8_lossy(&bad.stderr).starts_with("error: no function"));
}

#[test]
fn stats_prints_the_ecosystem_figures() {
    let graph = demo_graph().to_str().unwrap();
    let table = painter(&["stats", graph]);
    assert_success(&table);
    let text = String::from_utf8_lossy(&table.stdout);
    let eco = text
        .split("\nfigures of ")
        .nth(1)
        .expect("a figures section");
    assert!(eco.contains("reaches_ffi") && eco.contains("top crates by unsafe ops"));

    let json = painter(&["stats", graph, "--format", "json"]);
    assert_success(&json);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let eco = &value["figures"];
    let row = |key: &str| {
        eco["per_crate"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == key)
            .unwrap_or_else(|| panic!("no row {key}"))
            .clone()
    };
    // demo-core calls C itself; demo-app through demo-core and its own extern fn.
    let core = row("demo-core@0.1.0");
    assert_eq!(
        (core["uses_unsafe"].as_bool(), core["reaches_ffi"].as_bool()),
        (Some(true), Some(true))
    );
    let app = row("demo-app@0.1.0#bin:demo_app");
    assert_eq!(app["reaches_ffi"], true);
    assert!(
        app["calls_unsafe_crates"]
            .as_array()
            .unwrap()
            .contains(&"demo-core@0.1.0".into())
    );
    assert!(eco["reaches_ffi"]["crates"].as_u64().unwrap() >= 2);
    let public = eco["public_functions"].as_u64().unwrap();
    let reaching = eco["public_functions_reaching_unsafe"].as_u64().unwrap();
    assert!(0 < reaching && reaching < public, "{reaching} of {public}");
    assert!(
        eco["unsafe_ops_by_kind"]["access_union_field"]
            .as_u64()
            .unwrap()
            > 0
    );
}

/// `link --keep-going` with nothing readable fails, names the files and writes nothing.
#[test]
fn link_keep_going_without_a_usable_input_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"schema_version\": 1, trunc").unwrap();
    let out = dir.path().join("graph.json");
    let output = painter(&[
        "link",
        "--keep-going",
        bad.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no usable input"), "{stderr}");
    assert!(stderr.contains(&*bad.to_string_lossy()), "{stderr}");
    assert!(!out.exists());
}

/// The summary of the demo fits 100 columns by default, and `--wide` shows every column.
#[test]
fn stats_table_fits_100_columns() {
    let graph = demo_graph().to_str().unwrap();
    let narrow = painter(&["stats", graph]);
    assert_success(&narrow);
    let text = String::from_utf8_lossy(&narrow.stdout);
    let table = text.split("\nFFI boundary").next().unwrap();
    for line in table.lines() {
        assert!(line.chars().count() <= 100, "{line:?}\n{text}");
    }
    assert!(table.contains("demo-core@0.1.0"), "{table}");
    let wide = painter(&["stats", graph, "--wide"]);
    assert_success(&wide);
    let wide = String::from_utf8_lossy(&wide.stdout);
    assert!(
        wide.lines()
            .next()
            .unwrap()
            .contains("unsafe fn/impl/trait"),
        "{wide}"
    );
    assert!(wide.lines().any(|l| l.chars().count() > 100), "{wide}");
}

/// `link` prunes: only what demo-app's main reaches within 2 calls, without candidates.
#[test]
fn link_prunes_to_what_main_reaches() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pruned.json");
    let graph = demo_graph().to_str().unwrap();
    let output = painter(&[
        "link",
        graph,
        "-o",
        out.to_str().unwrap(),
        "--root",
        "demo_app::main",
        "--root-depth",
        "2",
        "--drop-candidates",
    ]);
    assert_success(&output);
    let pruned = painter_tests::linked_graph(&out);
    let full = painter_tests::linked_graph(demo_graph());
    let count = |g: &painter_schema::LinkedGraph| -> usize {
        g.crates.values().map(|k| k.functions.len()).sum()
    };
    assert!(
        count(&pruned) < count(&full) / 4,
        "{} of {}",
        count(&pruned),
        count(&full)
    );
    assert!(pruned.candidate_sets.is_empty());
    // main's direct C call and checksum_c's are both within 2 calls.
    let paths = painter(&[
        "path",
        out.to_str().unwrap(),
        "--from",
        "demo_app::main",
        "--to",
        "ffi",
    ]);
    assert_success(&paths);
    assert!(String::from_utf8_lossy(&paths.stdout).contains("demo_checksum"));
}

/// The SQL of docs/schema.md's "read it yourself" and a read of every table, in Python:
/// pyarrow reads every table directory, DuckDB counts functions per unit and the calls whose
/// callee is a function of the graph (a join on the two integer id columns).
const PARQUET_CHECK: &str = r#"
import json, os, sys
import duckdb, pyarrow.parquet as pq
d = sys.argv[1]
manifest = json.load(open(os.path.join(d, "manifest.json")))
rows = {}
for table in sorted(os.listdir(d)):
    if os.path.isdir(os.path.join(d, table)):
        rows[table] = pq.read_table(os.path.join(d, table)).num_rows
per_unit = dict(duckdb.sql(f"SELECT unit, count(*) FROM read_parquet('{d}/functions/*.parquet') GROUP BY unit").fetchall())
linked = duckdb.sql(f"""
    SELECT count(*) FROM read_parquet('{d}/calls/*.parquet') c
    JOIN read_parquet('{d}/functions/*.parquet') f
      ON c.callee_crate_id = f.crate_id AND c.callee_hash = f.hash""").fetchall()[0][0]
print(json.dumps({"units": len(manifest["units"]), "rows": rows, "functions": per_unit, "linked_calls": linked}))
"#;

/// `export --format parquet` of the demo writes a dataset that every command reads like the
/// JSON graph (`stats` prints the same figures, `path` finds the same paths, an export back to
/// JSON is the same bytes), and that pyarrow and DuckDB read with the counts of the graph.
#[test]
fn parquet_dataset_reads_back_in_painter_pyarrow_and_duckdb() {
    let dir = tempfile::tempdir().unwrap();
    // The JSON-era graph: what `cargo painter` wrote before the dataset, now an export.
    let json = dir.path().join("graph.json");
    export("json", &json, &[]);
    let dataset = dir.path().join("dataset");
    export("parquet", &dataset, &[]);
    let (graph, data) = (json.to_str().unwrap(), dataset.to_str().unwrap());
    let run = demo_graph().to_str().unwrap();
    for args in [
        &["stats", "--format", "json"][..],
        &["stats", "--wide"][..],
        &["path", "--from", "demo_app::main", "--to", "ffi"][..],
        &[
            "path",
            "--from",
            "demo_app::main",
            "--to",
            "unsafe",
            "--candidates",
        ][..],
    ] {
        let from_json = painter(&[&[args[0], graph][..], &args[1..]].concat());
        assert_success(&from_json);
        for dataset in [data, run] {
            let from_dataset = painter(&[&[args[0], dataset][..], &args[1..]].concat());
            assert_success(&from_dataset);
            assert_eq!(
                String::from_utf8_lossy(&from_dataset.stdout),
                String::from_utf8_lossy(&from_json.stdout),
                "{args:?} on {dataset}"
            );
        }
    }
    // The run's dataset and its export hold the same tables, file for file.
    let run_files = painter_tests::files_ending_with(demo_graph(), ".parquet");
    let export_files = painter_tests::files_ending_with(&dataset, ".parquet");
    assert_eq!(run_files.len(), export_files.len());
    for (a, b) in run_files.iter().zip(&export_files) {
        assert_eq!(
            std::fs::read(a).unwrap(),
            std::fs::read(b).unwrap(),
            "{}",
            a.display()
        );
    }
    let back = dir.path().join("back.json");
    let back_str = back.to_str().unwrap();
    assert_success(&painter(&[
        "export", data, "--format", "json", "-o", back_str,
    ]));
    assert_eq!(std::fs::read(&back).unwrap(), std::fs::read(&json).unwrap());
    let relinked = dir.path().join("relinked.json");
    assert_success(&painter(&["link", data, "-o", relinked.to_str().unwrap()]));
    assert_eq!(
        std::fs::read(&relinked).unwrap(),
        std::fs::read(&json).unwrap()
    );

    if !have(
        "python3",
        &["-c", "import pyarrow, duckdb"],
        "pip install pyarrow duckdb",
    ) {
        return;
    }
    let out = python(PARQUET_CHECK, &[data]);
    assert_success(&out);
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let graph: painter_schema::LinkedGraph =
        serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(seen["units"], graph.crates.len());
    let count =
        |f: fn(&painter_schema::CrateGraph) -> usize| graph.crates.values().map(f).sum::<usize>();
    let expected_rows = [
        ("functions", count(|c| c.functions.len())),
        ("calls", count(|c| c.calls.len())),
        ("unsafe_ops", count(|c| c.unsafe_ops.len())),
        ("unsafe_blocks", count(|c| c.unsafe_blocks.len())),
        ("declarations", count(|c| c.declarations.len())),
        ("ffi_imports", count(|c| c.ffi.imports.len())),
        ("ffi_exports", count(|c| c.ffi.exports.len())),
        ("native_libraries", count(|c| c.ffi.native_libraries.len())),
        ("address_taken", count(|c| c.address_taken.len())),
        ("units", graph.crates.len()),
        ("candidate_sets", graph.candidate_sets.len()),
        (
            "candidate_targets",
            graph.candidate_sets.iter().map(|s| s.targets.len()).sum(),
        ),
        ("external_functions", graph.external_functions.len()),
        (
            "call_candidates",
            count(|c| c.calls.iter().filter(|x| x.candidates.is_some()).count()),
        ),
        ("crate_ids", {
            let own = graph.crates.values().map(|c| c.krate.stable_id.as_str());
            let landed = graph
                .crates
                .values()
                .flat_map(|c| &c.calls)
                .filter_map(|x| {
                    x.target_crate.as_ref()?;
                    Some(painter_schema::crate_prefix(x.callee.as_deref()?))
                });
            own.chain(landed)
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        }),
    ];
    for (table, rows) in expected_rows {
        assert!(
            rows > 0,
            "the demo has no {table}: the check would prove nothing"
        );
        assert_eq!(seen["rows"][table], rows, "rows of {table}");
    }
    for (key, krate) in &graph.crates {
        let n = krate.functions.len();
        let got = seen["functions"]
            .get(key.as_str())
            .and_then(|v| v.as_u64())
            .unwrap_or(0);
        assert_eq!(got, n as u64, "functions of {key}");
    }
    // The join counts a call once per function row with its callee's id.
    let mut rows_of_id: std::collections::HashMap<&str, u64> = Default::default();
    for f in graph.crates.values().flat_map(|c| &c.functions) {
        *rows_of_id.entry(f.id.as_str()).or_default() += 1;
    }
    let linked_calls: u64 = graph
        .crates
        .values()
        .flat_map(|c| &c.calls)
        .filter_map(|call| rows_of_id.get(call.callee.as_deref()?))
        .sum();
    assert!(linked_calls > 0);
    assert_eq!(seen["linked_calls"], linked_calls);
}

/// Runs `query/sql/figures.sql` over the dataset's tables in DuckDB and prints the row as JSON.
const FIGURES_SQL_RUNNER: &str = r#"
import json, sys, duckdb
dataset, sql = sys.argv[1], sys.argv[2]
con = duckdb.connect()
for t in ["units", "crate_ids", "functions", "calls", "unsafe_ops", "unsafe_blocks", "declarations"]:
    con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{dataset}/{t}/*.parquet')")
cur = con.execute(open(sql).read())
names = [d[0] for d in cur.description]
print(json.dumps(dict(zip(names, [int(v) for v in cur.fetchone()]))))
"#;

/// The figures as plain SQL (`query/sql/figures.sql`, documented in docs/figures.md), run by
/// Python's duckdb on the demo's dataset, give exactly the numbers of `stats --format json`.
#[test]
fn the_documented_figures_sql_reproduces_stats() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = dir.path().join("dataset");
    export("parquet", &dataset, &[]);
    if !have("python3", &["-c", "import duckdb"], "pip install duckdb") {
        return;
    }
    let sql = repo_root().join("query/sql/figures.sql");
    let out = python(
        FIGURES_SQL_RUNNER,
        &[dataset.to_str().unwrap(), sql.to_str().unwrap()],
    );
    assert_success(&out);
    let from_sql: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let stats = painter(&["stats", demo_graph().to_str().unwrap(), "--format", "json"]);
    assert_success(&stats);
    let stats: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    let figures = &stats["figures"];
    for name in [
        "crates",
        "uses_unsafe",
        "user_unsafe_blocks",
        "has_unsafe_ops",
        "calls_unsafe_crate",
        "reaches_ffi",
        "public_functions",
        "public_functions_reaching_unsafe",
    ] {
        let expected = match &figures[name] {
            serde_json::Value::Object(share) => share["crates"].clone(),
            number => number.clone(),
        };
        assert!(expected.as_u64().is_some(), "stats has no figure {name}");
        assert_eq!(from_sql[name], expected, "figure {name}: SQL {from_sql}");
    }
}
