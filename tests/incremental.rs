//! A run after an edit reads and writes only the units that changed, leaves the link pending,
//! and every reader then sees exactly the graph a full link of the same files gives: a changed
//! unit, a changed dependency (two units), a unit removed from the build. The summary it
//! prints is the full run's too. A cold run leaves the link pending as well (unless `--link`),
//! and its first reader sees the graph that linking in the run gives; the unit files it wrote
//! from encodings made during the build are those a full link writes.

use std::path::Path;
use std::process::{Command, Output};

use painter_tests::{assert_success, binaries, bytes_without_timings, graph_json, scratch_fixture};

/// `cargo painter` with the debug log (which says which link path was taken).
fn run(dir: &Path) -> Output {
    run_with(dir, &[])
}

fn run_with(dir: &Path, args: &[&str]) -> Output {
    let bins = binaries();
    let out = Command::new(&bins.cargo_painter)
        .arg("painter")
        .args(args)
        .current_dir(dir)
        // Cargo compiles without incremental state when `CI` is set, and the driver's reuse
        // of an unchanged crate needs rustc's HIR hashes, which a bin only gets with it.
        .env("CARGO_INCREMENTAL", "1")
        .env("PAINTER_DRIVER", &bins.driver)
        .env("PAINTER_LOG", "cargo_painter::analyse=debug")
        .env_remove("RUSTC_WRAPPER")
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .unwrap();
    assert_success(&out);
    out
}

fn updated_units(out: &Output) -> Option<String> {
    let log = String::from_utf8_lossy(&out.stderr);
    log.lines()
        .find(|l| l.contains("units changed"))
        .map(|l| l.split("] ").nth(1).unwrap_or(l).to_owned())
}

fn append(file: &Path, text: &str) {
    let old = std::fs::read_to_string(file).unwrap();
    std::fs::write(file, old + text).unwrap();
}

/// The graph and the summary table of a full link of the same per-crate files, done in the
/// run (`--link`): the caches that allow an incremental run are removed, so the next run
/// (cargo has nothing to do) links everything.
fn full_link(dir: &Path) -> (Vec<u8>, String) {
    let out = dir.join("target/painter");
    for cache in [".link-inputs.json", ".summary-cache.json"] {
        std::fs::remove_file(out.join(cache)).unwrap();
    }
    std::fs::remove_dir_all(out.join("graph")).unwrap();
    let run = run_with(dir, &["--link"]);
    assert_eq!(updated_units(&run), None, "a full link was expected");
    assert_eq!(manifest(dir)["linked"], true, "linked in the run");
    let graph = graph_json(&out.join("graph"));
    (graph, String::from_utf8(run.stdout).unwrap())
}

fn manifest(dir: &Path) -> serde_json::Value {
    let path = dir.join("target/painter/graph/manifest.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn edits_update_their_units_and_readers_see_the_full_link() {
    let dir = scratch_fixture("two-members");
    let d = dir.path();
    let graph_dir = d.join("target/painter/graph");
    run(d);
    let alpha_functions = graph_dir.join("functions/alpha@0.1.0.parquet");
    let alpha_before = std::fs::metadata(&alpha_functions)
        .unwrap()
        .modified()
        .unwrap();

    // One unit changed: only it is read and written; the link is left pending.
    append(
        &d.join("beta/src/main.rs"),
        "\npub fn added(p: *const u8) -> u8 {\n    unsafe { *p }\n}\n",
    );
    let edited = run(d);
    assert_eq!(
        updated_units(&edited).as_deref(),
        Some("1 units changed, 0 removed, 1 kept")
    );
    assert_eq!(manifest(d)["linked"], false);
    let after = std::fs::metadata(&alpha_functions)
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(alpha_before, after, "alpha's files were rewritten");
    // A reader links it (and writes the link back); a full link gives the same graph.
    let incremental = graph_json(&graph_dir);
    assert_eq!(manifest(d)["linked"], true);
    let table = String::from_utf8(edited.stdout).unwrap();
    let (full, full_table) = full_link(d);
    assert_eq!(
        bytes_without_timings(&incremental),
        bytes_without_timings(&full)
    );
    assert_eq!(table, full_table);
    assert!(table.contains("beta@0.1.0"), "{table}");

    // A dependency changed: cargo re-checks it and its dependent, two units.
    append(
        &d.join("alpha/src/lib.rs"),
        "\npub fn more() -> u32 {\n    7\n}\n",
    );
    let edited = run(d);
    assert_eq!(
        updated_units(&edited).as_deref(),
        Some("2 units changed, 0 removed, 0 kept")
    );
    let incremental = graph_json(&graph_dir);
    let table = String::from_utf8(edited.stdout).unwrap();
    let (full, full_table) = full_link(d);
    assert_eq!(
        bytes_without_timings(&incremental),
        bytes_without_timings(&full)
    );
    assert_eq!(table, full_table);

    // A unit leaves the build: its files go, the rest stays.
    std::fs::write(
        d.join("Cargo.toml"),
        "[workspace]\nmembers = [\"alpha\"]\nexclude = [\"beta\"]\nresolver = \"3\"\n",
    )
    .unwrap();
    let edited = run(d);
    assert_eq!(
        updated_units(&edited).as_deref(),
        Some("0 units changed, 1 removed, 1 kept")
    );
    let units: Vec<String> = std::fs::read_dir(graph_dir.join("units"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(units, ["alpha@0.1.0.parquet"]);
    let incremental = graph_json(&graph_dir);
    let table = String::from_utf8(edited.stdout).unwrap();
    assert!(!table.contains("beta@"), "{table}");
    let (full, full_table) = full_link(d);
    assert_eq!(
        bytes_without_timings(&incremental),
        bytes_without_timings(&full)
    );
    assert_eq!(table, full_table);
}

/// A cold run writes every unit and leaves the link across units to its first reader; what
/// that reader sees, and the table the run prints, are those of a run that links (`--link`).
/// Both fixtures: plain members, and copies of a package joined by renaming crate ids.
#[test]
fn a_cold_run_leaves_the_link_to_the_first_reader() {
    for fixture in ["two-members", "proc-macro"] {
        let dir = scratch_fixture(fixture);
        let d = dir.path();
        let cold = run(d);
        assert!(
            String::from_utf8_lossy(&cold.stderr).contains("(link pending)"),
            "{fixture}: {}",
            String::from_utf8_lossy(&cold.stderr)
        );
        assert_eq!(manifest(d)["linked"], false, "{fixture}");
        assert_eq!(
            manifest(d)["graph_rows"],
            serde_json::json!({}),
            "{fixture}"
        );
        let mtimes = || -> Vec<_> {
            painter_tests::files_ending_with(&d.join("target/painter/graph"), ".parquet")
                .iter()
                .map(|f| (f.clone(), std::fs::metadata(f).unwrap().modified().unwrap()))
                .collect()
        };
        let units_before = mtimes();
        // The cold run wrote the units encoded while cargo was building (all of them but the
        // copies the link joins); the full link below encodes every unit at its write, and
        // must find the same bytes.
        let log = String::from_utf8_lossy(&cold.stderr);
        let encoded = log
            .lines()
            .find_map(|l| {
                l.split("] ")
                    .nth(1)?
                    .strip_suffix(" units encoded during the build")
            })
            .and_then(|n| n.parse::<usize>().ok());
        assert!(encoded.is_some_and(|n| n > 0), "{fixture}: {log}");
        let unit_bytes = || -> std::collections::BTreeMap<_, _> {
            painter_tests::files_ending_with(&d.join("target/painter/graph"), ".parquet")
                .into_iter()
                .filter(|f| !f.ends_with("graph.parquet"))
                .map(|f| (f.clone(), std::fs::read(&f).unwrap()))
                .collect()
        };
        let cold_units = unit_bytes();
        let read = graph_json(&d.join("target/painter/graph"));
        // The reader wrote the link back: SQL engines now find the graph-wide tables; the
        // units' files stayed as the run wrote them.
        let units_after: Vec<_> = mtimes()
            .into_iter()
            .filter(|(f, _)| !f.ends_with("graph.parquet"))
            .collect();
        assert_eq!(units_before, units_after, "{fixture}");
        assert_eq!(manifest(d)["linked"], true, "{fixture}");
        assert!(
            d.join("target/painter/graph/crate_ids/graph.parquet")
                .is_file()
        );
        let table = String::from_utf8(cold.stdout).unwrap();
        assert!(table.contains("total ("), "{fixture}: {table}");
        let (linked, linked_table) = full_link(d);
        assert_eq!(
            bytes_without_timings(&read),
            bytes_without_timings(&linked),
            "{fixture}"
        );
        assert_eq!(table, linked_table, "{fixture}");
        assert!(cold_units == unit_bytes(), "{fixture}: unit files differ");
    }
}

/// In a build where copies of a package are joined by renaming crate ids (the derive crate,
/// analysed as a proc-macro and compiled normally), the renaming of the last whole link is
/// applied to the units read again: the graph read back is a full link's.
#[test]
fn renamed_ids_of_the_last_link_apply_to_updated_units() {
    let dir = scratch_fixture("proc-macro");
    let d = dir.path();
    run(d);
    let inputs = std::fs::read_to_string(d.join("target/painter/.link-inputs.json")).unwrap();
    assert!(
        inputs.contains("\"prefixes\":{\""),
        "no renaming here: {inputs}"
    );
    append(
        &d.join("packets/src/lib.rs"),
        "\npub fn peek(p: *const u8) -> u8 {\n    unsafe { *p }\n}\n",
    );
    let edited = run(d);
    assert_eq!(
        updated_units(&edited).as_deref(),
        Some("1 units changed, 0 removed, 1 kept")
    );
    let incremental = graph_json(&d.join("target/painter/graph"));
    let table = String::from_utf8(edited.stdout).unwrap();
    let (full, full_table) = full_link(d);
    assert_eq!(
        bytes_without_timings(&incremental),
        bytes_without_timings(&full)
    );
    assert_eq!(table, full_table);
}

/// The workspace facts of the last run (target directory, root) are reused only while every
/// file cargo reads for them is unchanged: a config file that moves the target directory is
/// followed at once, and the next run reuses the new answer.
#[test]
fn a_config_that_moves_the_target_dir_is_followed() {
    let dir = scratch_fixture("two-members");
    let d = dir.path();
    let cache = tempfile::tempdir().unwrap();
    let run = || {
        let bins = binaries();
        let out = Command::new(&bins.cargo_painter)
            .arg("painter")
            .current_dir(d)
            .env("PAINTER_DRIVER", &bins.driver)
            .env("PAINTER_LOG", "cargo_painter::cargo::workspace=debug")
            .env("XDG_CACHE_HOME", cache.path())
            .env_remove("RUSTC_WRAPPER")
            .env_remove("RUSTC_WORKSPACE_WRAPPER")
            .env_remove("CARGO_TARGET_DIR")
            .output()
            .unwrap();
        assert_success(&out);
        String::from_utf8_lossy(&out.stderr).contains("no `cargo metadata`")
    };
    assert!(!run(), "first run: cargo metadata");
    assert!(run(), "nothing changed: the cached facts");
    assert!(d.join("target/painter/graph/manifest.json").is_file());

    std::fs::create_dir_all(d.join(".cargo")).unwrap();
    std::fs::write(
        d.join(".cargo/config.toml"),
        "[build]\ntarget-dir = \"moved\"\n",
    )
    .unwrap();
    assert!(!run(), "a new config file: cargo metadata again");
    assert!(d.join("moved/painter/graph/manifest.json").is_file());
    assert!(run(), "and its answer is cached in turn");
}

/// The driver's file of a unit (`<crate>-<hash>.painter.json` beside cargo's artifacts).
fn crate_file(dir: &Path, krate: &str) -> std::path::PathBuf {
    let prefix = format!("{krate}-");
    let mut files: Vec<_> =
        painter_tests::files_ending_with(&dir.join("target/painter/debug"), ".painter.json")
            .into_iter()
            .filter(|f| {
                f.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
            })
            .collect();
    assert_eq!(files.len(), 1, "{krate}: {files:?}");
    files.pop().unwrap()
}

fn mtime(file: &Path) -> std::time::SystemTime {
    std::fs::metadata(file).unwrap().modified().unwrap()
}

/// A crate recompiled with every input unchanged (a touched file) keeps the file of its last
/// analysis, so nothing is linked again; a change upstream that changes what its unchanged
/// source means (a called function became `unsafe`) is analysed again.
#[test]
fn an_unchanged_crate_keeps_its_analysis() {
    let dir = scratch_fixture("two-members");
    let d = dir.path();
    append(
        &d.join("alpha/src/lib.rs"),
        "\npub fn helper() -> u32 {\n    1\n}\n",
    );
    append(
        &d.join("beta/src/main.rs"),
        "\n#[allow(unused_unsafe)]\npub fn wrapped() -> u32 {\n    unsafe { alpha::helper() }\n}\n",
    );
    run(d);
    let beta = crate_file(d, "beta");
    assert!(
        beta.with_extension("key").is_file(),
        "no key beside {beta:?}"
    );
    let before = std::fs::read(&beta).unwrap();
    let stamp = mtime(&beta);
    let ops = |bytes: &[u8]| -> usize {
        let graph: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        graph["unsafe_ops"].as_array().unwrap().len()
    };

    // Touched: cargo recompiles beta, the driver keeps its file, no unit is read again.
    let main = d.join("beta/src/main.rs");
    std::fs::File::options()
        .write(true)
        .open(&main)
        .unwrap()
        .set_modified(std::time::SystemTime::now())
        .unwrap();
    let touched = run(d);
    let log = String::from_utf8_lossy(&touched.stderr);
    assert!(
        log.contains("Checking beta") || log.contains("Compiling beta"),
        "{log}"
    );
    assert_eq!(mtime(&beta), stamp, "beta was analysed again");
    assert!(log.contains("inputs unchanged"), "{log}");

    // Upstream `helper` becomes unsafe: beta's source is unchanged, its analysis is not.
    let lib = d.join("alpha/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, text.replace("pub fn helper", "pub unsafe fn helper")).unwrap();
    run(d);
    let after = std::fs::read(crate_file(d, "beta")).unwrap();
    assert_eq!(
        ops(&after),
        ops(&before) + 1,
        "the call to an unsafe fn is an unsafe op now"
    );
}
