//! The driver never changes what compiles: for a corpus of crates (every edition, `no_std`,
//! `cdylib`, `staticlib`, proc-macros, build scripts, nightly `#![feature]`s, test targets, and
//! crates that must fail), `cargo painter` succeeds exactly when plain `cargo check` does, with
//! the same exit code and the same compiler diagnostics, and the units it analysed are exactly
//! the units `cargo check` compiled.
//!
//! Each case is a workspace under `tests/fixtures/` (the new ones under `tests/fixtures/corpus/`),
//! checked with `--all-targets` so test harnesses, examples and binaries are in the build too.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use painter_schema::Status;
use painter_tests::{
    cargo_painter, copy_dir, crate_graphs, plain_cargo, repo_root, scratch_fixture,
};

/// One compiled unit, as both sides can name it: package, version, crate name, test harness?
type Unit = (String, String, String, bool);

/// The units `cargo check` reported as `compiler-artifact` messages (JSON on stdout).
fn units_of_cargo_check(output: &Output) -> BTreeSet<Unit> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut units = BTreeSet::new();
    for line in stdout.lines().filter(|l| l.starts_with('{')) {
        let message: serde_json::Value = serde_json::from_str(line).expect("cargo JSON message");
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        let (package, version) = package_name_version(message["package_id"].as_str().unwrap());
        let crate_name = message["target"]["name"]
            .as_str()
            .unwrap()
            .replace('-', "_");
        let test = message["profile"]["test"].as_bool().unwrap();
        units.insert((package, version, crate_name, test));
    }
    units
}

/// `path+file:///w/foo#bar@0.1.0` → (bar, 0.1.0); `path+file:///w/foo#0.1.0` → (foo, 0.1.0);
/// `registry+https://…#itoa@1.0.15` → (itoa, 1.0.15).
fn package_name_version(id: &str) -> (String, String) {
    let (url, fragment) = id.rsplit_once('#').expect("package id has a fragment");
    match fragment.split_once('@') {
        Some((name, version)) => (name.to_string(), version.to_string()),
        None => {
            let name = url.rsplit('/').next().unwrap_or(url);
            (name.to_string(), fragment.to_string())
        }
    }
}

/// The units painter analysed: its per-crate files.
fn units_of_painter(out: &Path) -> BTreeSet<Unit> {
    crate_graphs(out)
        .into_iter()
        .map(|g| {
            assert_eq!(g.status, Status::Ok, "{}: {:?}", g.krate.key(), g.error);
            let test = g.krate.kind == "test";
            (g.krate.package, g.krate.version, g.krate.name, test)
        })
        .collect()
}

/// The compiler's diagnostics (`error[E…]: …`, `warning: …` headers), without the lines cargo
/// words differently depending on timing (which units it got to before stopping).
fn diagnostics(output: &Output) -> BTreeSet<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|l| l.starts_with("error") || l.starts_with("warning"))
        .filter(|l| {
            !l.contains("could not compile")
                && !l.contains("build failed, waiting for other jobs")
                && !l.contains(" generated ")
        })
        .map(str::to_string)
        .collect()
}

fn describe(output: &Output) -> String {
    format!(
        "{:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Build fixture `name` both ways and compare. `must_compile` states what the fixture is for,
/// so that a fixture that stopped (or started) compiling on a new nightly is noticed.
fn same_as_cargo_check(name: &str, must_compile: bool) {
    same_in(&scratch_fixture(name), name, must_compile)
}

fn same_in(dir: &tempfile::TempDir, name: &str, must_compile: bool) {
    let check = plain_cargo(
        dir.path(),
        &[
            "check",
            "--locked",
            "--all-targets",
            "--message-format=json-render-diagnostics",
            "--target-dir",
            "target-check",
        ],
    );
    assert_eq!(
        check.status.success(),
        must_compile,
        "cargo check on {name}: {}",
        describe(&check)
    );
    let painter = cargo_painter(dir.path(), &["--locked", "--all-targets"]);
    assert_eq!(
        painter.status.code(),
        check.status.code(),
        "cargo painter exits as cargo check does on {name}: {}",
        describe(&painter)
    );
    let (ours, theirs) = (diagnostics(&painter), diagnostics(&check));
    assert_eq!(ours, theirs, "diagnostics of {name} differ");
    if !must_compile {
        // No graph is linked from a failed build.
        assert!(!dir.path().join("target/painter/graph").exists());
        return;
    }
    let compiled = units_of_cargo_check(&check);
    assert!(!compiled.is_empty());
    assert_eq!(
        units_of_painter(&dir.path().join("target/painter")),
        compiled,
        "analysed units of {name} are not the compiled ones"
    );
}

macro_rules! corpus {
    ($($test:ident: $fixture:literal, $compiles:literal;)*) => {
        $(
            #[test]
            fn $test() {
                same_as_cargo_check($fixture, $compiles);
            }
        )*
    };
}

corpus! {
    edition_2015: "corpus/edition-2015", true;
    edition_2018: "corpus/edition-2018", true;
    edition_2021: "corpus/edition-2021", true;
    edition_2024: "corpus/edition-2024", true;
    no_std_library: "corpus/no-std", true;
    cdylib: "corpus/cdylib", true;
    staticlib_and_rlib: "corpus/staticlib", true;
    nightly_features: "corpus/nightly-features", true;
    bins_examples_and_tests: "corpus/all-targets", true;
    proc_macro: "proc-macro", true;
    build_script: "build-script", true;
    renamed_dependency: "renamed-dep", true;
    two_versions_of_a_registry_crate: "two-versions", true;
    type_error_fails: "compile-error", false;
    unsafe_op_without_unsafe_block_fails: "corpus/unsafe-without-block", false;
    failing_build_script_fails: "corpus/failing-build-script", false;
    panicking_derive_fails: "corpus/panicking-proc-macro", false;
}

/// The benchmark's real tree (80 units: tokio, syn, regex, serde, clap, …). A minute with the
/// debug driver, so not in the default run: `cargo test -p painter-tests --test corpus --
/// --ignored`.
#[test]
#[ignore = "about a minute on 2 cores: run with --ignored"]
fn the_benchmark_tree() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo_root().join("bench/tree"), dir.path());
    same_in(&dir, "bench/tree", true);
}

#[test]
fn package_ids_in_both_formats() {
    assert_eq!(
        package_name_version("path+file:///w/foo#bar@0.1.0"),
        ("bar".into(), "0.1.0".into())
    );
    assert_eq!(
        package_name_version("path+file:///w/foo#0.1.0"),
        ("foo".into(), "0.1.0".into())
    );
    assert_eq!(
        package_name_version("registry+https://github.com/rust-lang/crates.io-index#itoa@1.0.15"),
        ("itoa".into(), "1.0.15".into())
    );
}
