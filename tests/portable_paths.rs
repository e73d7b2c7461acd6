//! Portable spans: the same crates analysed with two different `CARGO_HOME`s and two target
//! dirs give byte-identical per-crate files (timings aside), whose files outside the package
//! are written under `$CARGO_REGISTRY`, `$RUST_SRC` and `$OUT_DIR`, never as a path of this
//! machine (docs/schema.md, "Paths").

use std::path::Path;
use std::process::{Command, Output};

use painter_tests::{
    assert_success, binaries, bytes_without_timings, copy_dir, crate_graphs, find, scratch_fixture,
};

/// `cargo painter --locked --target-dir TARGET` in `dir` with `CARGO_HOME=cargo_home`.
fn painter_with(dir: &Path, cargo_home: &Path, target: &Path) -> Output {
    let bins = binaries();
    Command::new(&bins.cargo_painter)
        .args(["painter", "--locked", "--target-dir"])
        .arg(target)
        .current_dir(dir)
        .env("PAINTER_DRIVER", &bins.driver)
        .env("CARGO_HOME", cargo_home)
        .env_remove("RUSTC_WRAPPER")
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("running cargo-painter")
}

/// A fresh cargo home that keeps the user's cargo configuration (a registry mirror, say).
fn fresh_cargo_home(path: &Path) {
    std::fs::create_dir_all(path).unwrap();
    let user_home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    for name in ["config.toml", "config"] {
        if let Some(file) = user_home.as_ref().map(|h| h.join(name))
            && file.is_file()
        {
            std::fs::copy(&file, path.join(name)).unwrap();
        }
    }
}

/// `name -> bytes without timings` of every per-crate file in `<target>/painter/crates`.
fn crate_files(target: &Path) -> Vec<(String, String)> {
    let dir = target.join("painter/crates");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let bytes = bytes_without_timings(&std::fs::read(&path).unwrap());
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            (name, String::from_utf8(bytes).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// The pinned toolchain's sysroot.
fn sysroot() -> String {
    let output = Command::new("rustc")
        .args(["--print", "sysroot"])
        .env("RUSTUP_TOOLCHAIN", painter_tests::pinned_toolchain())
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

#[test]
fn per_crate_files_do_not_depend_on_cargo_home_or_target_dir() {
    let scratch = scratch_fixture("portable-paths");
    let project = scratch.path();
    let machine = tempfile::tempdir().unwrap();
    let (home1, home2) = (machine.path().join("home1"), machine.path().join("home2"));
    let (target1, target2) = (machine.path().join("t1"), machine.path().join("t2"));

    fresh_cargo_home(&home1);
    assert_success(&painter_with(project, &home1, &target1));
    // The second home is a copy of the first (same registry, already unpacked) elsewhere.
    copy_dir(&home1, &home2);
    assert_success(&painter_with(project, &home2, &target2));

    let first = crate_files(&target1);
    let second = crate_files(&target2);
    let names = |files: &[(String, String)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&first),
        names(&second),
        "not the same per-crate files"
    );
    assert_eq!(
        first.len(),
        3,
        "the lib, its build script and smallvec: {:?}",
        names(&first)
    );
    for ((name, a), (_, b)) in first.iter().zip(&second) {
        assert!(
            a == b,
            "{name} differs between the two cargo homes and target dirs"
        );
    }

    // No path of this machine outside the project: cargo homes, target dirs, toolchain, $HOME.
    let sysroot = sysroot();
    let mut machine_paths: Vec<String> = [&home1, &home2, &target1, &target2]
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    machine_paths.push(sysroot);
    if let Some(home) = std::env::var_os("HOME").map(|h| h.to_string_lossy().to_string())
        && !project.starts_with(&home)
    {
        machine_paths.push(home);
    }
    for (name, text) in first.iter().chain(&second) {
        for path in &machine_paths {
            assert!(!text.contains(path.as_str()), "{name} contains {path}");
        }
    }

    // The spans that were machine paths are now under their roots.
    let graphs = crate_graphs(&target1.join("painter"));
    let files_of = |package: &str, kind: &str| -> Vec<String> {
        let graph = find(&graphs, package, kind);
        let calls = graph.calls.iter().map(|c| &c.span);
        let ops = graph.unsafe_ops.iter().map(|o| &o.span);
        calls.chain(ops).map(|s| s.file.to_string()).collect()
    };
    let lib = files_of("portable-paths", "lib");
    let registry = "$CARGO_REGISTRY/index.crates.io-1949cf8c6b5b557f/smallvec-1.16.6";
    let expected = [
        format!("{registry}/src/lib.rs"), // inside `smallvec!`
        "$RUST_SRC/library/alloc/src/macros.rs".to_string(), // inside `format!`
        "$OUT_DIR/generated.rs".to_string(), // `include!`d from OUT_DIR
        "src/lib.rs".to_string(),         // the package's own file, as before
    ];
    for file in &expected {
        assert!(lib.contains(file), "no span in {file}: {lib:?}");
    }
    let smallvec = find(&graphs, "smallvec", "lib");
    assert_eq!(smallvec.krate.manifest_dir.as_deref(), Some(registry));
    assert!(
        files_of("smallvec", "lib")
            .iter()
            .any(|f| f.starts_with("$RUST_SRC/library/core/"))
    );
    let project_dir = project.display().to_string();
    let own = find(&graphs, "portable-paths", "lib");
    assert_eq!(
        own.krate.manifest_dir.as_deref(),
        Some(project_dir.as_str())
    );
}

/// Without rust-src, rustc names std's files `/rustc/<commit>/library/…`; with it, by their
/// path in the sysroot, wherever the toolchain is. All are `$RUST_SRC/library/…`.
/// (`-Zsimulate-remapped-rust-src-base` makes rustc name them as if rust-src were absent:
/// rustc_metadata's decoder.rs. A toolchain elsewhere is a `--sysroot` through a symlink: the
/// driver finds its own sysroot from the `librustc_driver` it was linked with, so another
/// `RUSTUP_HOME` would not move it.)
#[cfg(unix)]
#[test]
fn std_spans_are_under_rust_src_wherever_the_toolchain_is() {
    let verbose = Command::new("rustc")
        .arg("-vV")
        .env("RUSTUP_TOOLCHAIN", painter_tests::pinned_toolchain())
        .output()
        .unwrap();
    let verbose = String::from_utf8(verbose.stdout).unwrap();
    let commit = verbose
        .lines()
        .find_map(|l| l.strip_prefix("commit-hash: "))
        .expect("rustc -vV has a commit hash");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fmt.rs");
    std::fs::write(
        &file,
        "pub fn text(n: u32) -> String {\n    format!(\"{n}\")\n}\n",
    )
    .unwrap();
    let std_files = |extra: &[String]| -> Vec<String> {
        let mut args: Vec<String> = ["--crate-type=lib", "--edition=2024", "--emit=metadata"]
            .iter()
            .map(|a| a.to_string())
            .collect();
        args.extend(extra.iter().cloned());
        args.extend(["--out-dir".to_string(), dir.path().display().to_string()]);
        args.push(file.display().to_string());
        let graph = painter_tests::analyse_file(&file, &args, dir.path());
        let mut files: Vec<String> = graph
            .calls
            .iter()
            .map(|c| c.span.file.to_string())
            .collect();
        files.retain(|f| !f.ends_with("fmt.rs"));
        files.sort();
        files.dedup();
        files
    };
    let installed = std_files(&[]);
    let remapped = std_files(&[
        format!("-Zsimulate-remapped-rust-src-base=/rustc/{commit}"),
        "-Ztranslate-remapped-path-to-local-path=no".to_string(),
    ]);
    let elsewhere = dir.path().join("toolchain");
    std::os::unix::fs::symlink(sysroot(), &elsewhere).unwrap();
    let moved = std_files(&[format!("--sysroot={}", elsewhere.display())]);
    assert_eq!(installed, ["$RUST_SRC/library/alloc/src/macros.rs"]);
    assert_eq!(installed, remapped);
    assert_eq!(installed, moved);
}
