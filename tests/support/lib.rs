//! Test support shared by the end-to-end tests and the ui-tests: builds the real binaries once,
//! finds the pinned toolchain, runs `cargo painter` in a scratch copy of a fixture and loads
//! what it wrote.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use painter_schema::{CrateGraph, GraphFile, LinkedGraph};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The nightly the driver is built with, read from `rust-toolchain.toml`.
pub fn pinned_toolchain() -> String {
    let text = std::fs::read_to_string(repo_root().join("rust-toolchain.toml"))
        .expect("rust-toolchain.toml");
    text.lines()
        .find_map(|l| l.trim().strip_prefix("channel = "))
        .map(|v| v.trim_matches('"').to_string())
        .expect("rust-toolchain.toml has a channel")
}

pub struct Binaries {
    pub driver: PathBuf,
    pub cargo_painter: PathBuf,
}

/// Build `painter-driver` and `cargo-painter` (debug) once per test process and return their
/// paths. Cargo's lock makes concurrent test binaries wait for each other, not race.
pub fn binaries() -> &'static Binaries {
    static BINS: OnceLock<Binaries> = OnceLock::new();
    BINS.get_or_init(|| Binaries {
        driver: build_bin("painter-driver"),
        cargo_painter: build_bin("cargo-painter"),
    })
}

/// Only the driver (the ui-tests need nothing else).
pub fn driver() -> &'static Path {
    static DRIVER: OnceLock<PathBuf> = OnceLock::new();
    DRIVER.get_or_init(|| build_bin("painter-driver"))
}

/// `painter-sql`, the SQL engine's binary that `cargo painter sql` runs.
pub fn painter_sql() -> &'static Path {
    static SQL: OnceLock<PathBuf> = OnceLock::new();
    SQL.get_or_init(|| build("painter-engine", &["--bin", "painter-sql"], "painter-sql"))
}

fn build_bin(package: &str) -> PathBuf {
    build(package, &[], package)
}

fn build(package: &str, args: &[&str], binary: &str) -> PathBuf {
    let root = repo_root();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&root)
        .args(["build", "-q", "-p", package])
        .args(args)
        .status()
        .expect("running cargo build");
    assert!(status.success(), "building {package} failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    target.join("debug").join(binary)
}

/// Copy a fixture workspace (`tests/fixtures/<name>`) into a fresh temp dir, so tests never
/// write into the repository and always start cold.
pub fn scratch_fixture(name: &str) -> tempfile::TempDir {
    let src = repo_root().join("tests/fixtures").join(name);
    assert!(src.is_dir(), "no fixture {}", src.display());
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&src, dir.path());
    dir
}

pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" {
            continue;
        }
        let (from, to) = (entry.path(), dst.join(&name));
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&from, &to);
        } else {
            std::fs::copy(&from, &to).unwrap();
        }
    }
}

/// `cargo painter ARGS` in `dir`, with the pinned toolchain, as a user would run it.
pub fn cargo_painter(dir: &Path, args: &[&str]) -> Output {
    let bins = binaries();
    Command::new(&bins.cargo_painter)
        .arg("painter")
        .args(args)
        .current_dir(dir)
        .env("PAINTER_DRIVER", &bins.driver)
        .env_remove("RUSTC_WRAPPER")
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("running cargo-painter")
}

/// Panic with the command's output unless it succeeded.
pub fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "command failed ({:?})\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Run `painter-driver` (default options) on one file with rustc `args` (an `--out-dir DIR`
/// among them) and return the per-crate graph it wrote into `out_dir`.
pub fn analyse_file(file: &Path, args: &[String], out_dir: &Path) -> CrateGraph {
    let output = Command::new(driver())
        .args(args)
        .env("RUSTUP_TOOLCHAIN", pinned_toolchain())
        .env(
            painter_schema::PAINTER_ARGS_ENV,
            painter_schema::DriverConfig::default().to_env_value(),
        )
        .output()
        .expect("running painter-driver");
    assert_success(&output);
    let stem = file.file_stem().unwrap().to_string_lossy();
    let path = out_dir.join(format!("{stem}.painter.json"));
    match painter_schema::read_graph_file(&path).unwrap() {
        GraphFile::Crate(graph) => *graph,
        GraphFile::Linked(_) => panic!("{} is a linked graph", path.display()),
    }
}

/// Analyse `source` as the edition-2024 library crate `name` (a file of its own in a temp dir).
pub fn analyse_source(name: &str, source: &str) -> CrateGraph {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join(format!("{name}.rs"));
    std::fs::write(&file, source).expect("write the source");
    let args: Vec<String> = [
        "--crate-type=lib",
        "--edition=2024",
        "--emit=metadata",
        "--out-dir",
    ]
    .iter()
    .map(|a| a.to_string())
    .chain([dir.path().display().to_string(), file.display().to_string()])
    .collect();
    analyse_file(&file, &args, dir.path())
}

/// All per-crate files in `<out>/crates/`.
pub fn crate_graphs(out: &Path) -> Vec<CrateGraph> {
    let mut graphs = Vec::new();
    let dir = out.join("crates");
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        match painter_schema::read_graph_file(&path).unwrap() {
            GraphFile::Crate(graph) => graphs.push(*graph),
            GraphFile::Linked(_) => panic!("{} is a linked graph", path.display()),
        }
    }
    graphs.sort_by_key(|g| g.krate.key());
    graphs
}

/// The linked graph in `path`: a dataset directory (what `cargo painter` writes; linked now
/// when a run left its link pending, as every command does) or a JSON graph.
pub fn linked_graph(path: &Path) -> LinkedGraph {
    if path.is_dir() {
        return painter_linker::read_graph(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    match painter_schema::read_graph_file(path).unwrap() {
        GraphFile::Linked(graph) => *graph,
        GraphFile::Crate(_) => panic!("{} is a per-crate file", path.display()),
    }
}

/// The linked graph in the dataset (or JSON graph) `path` as one JSON document, for tests that
/// compare or search a run's graph as text (the dataset's Parquet pages are compressed).
pub fn graph_json(path: &Path) -> Vec<u8> {
    serde_json::to_vec(&linked_graph(path)).unwrap()
}

/// The one crate graph of package `package` with kind `kind`.
pub fn find<'a>(graphs: &'a [CrateGraph], package: &str, kind: &str) -> &'a CrateGraph {
    graphs
        .iter()
        .find(|g| g.krate.package == package && g.krate.kind == kind)
        .unwrap_or_else(|| {
            let keys: Vec<String> = graphs.iter().map(|g| g.krate.key()).collect();
            panic!("no {kind} graph for {package}; have {keys:?}")
        })
}

/// Plain `cargo ARGS` in `dir` with the pinned toolchain and none of painter's variables: the
/// reference every painter run is compared with.
pub fn plain_cargo(dir: &Path, args: &[&str]) -> Output {
    Command::new("cargo")
        .args(args)
        .current_dir(dir)
        .env("RUSTUP_TOOLCHAIN", pinned_toolchain())
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("RUSTC")
        .env_remove("RUSTC_WRAPPER")
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("running cargo")
}

/// Every file below `dir` whose name ends with `suffix` (recursively).
pub fn files_ending_with(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries {
        let entry = entry.unwrap();
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            found.extend(files_ending_with(&path, suffix));
        } else if path.to_string_lossy().ends_with(suffix) {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// A graph file's bytes with the one field allowed to differ between two analyses of the same
/// input (`"analysis_ms":N`) set to 0, for byte-for-byte comparisons.
pub fn bytes_without_timings(bytes: &[u8]) -> Vec<u8> {
    const KEY: &[u8] = b"\"analysis_ms\":";
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(KEY) {
            out.extend_from_slice(KEY);
            out.push(b'0');
            i += KEY.len();
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}
