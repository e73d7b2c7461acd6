//! Reliability of the files `cargo painter` writes: parallel builds never interleave or truncate
//! them and give the same bytes as serial ones; a build killed mid-way and re-run ends with
//! complete files, no temp files and nothing from a previous configuration; an analysis panic in
//! a proc-macro or a build script leaves the build green and the failure recorded.

use std::collections::BTreeMap;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use painter_schema::{Status, UnsafeOpKind};
use painter_tests::{
    assert_success, binaries, bytes_without_timings, cargo_painter, crate_graphs,
    files_ending_with, find, graph_json, linked_graph, scratch_fixture,
};

fn painter_dir(dir: &Path) -> PathBuf {
    dir.join("target/painter")
}

/// A workspace of `members` small crates that all depend on one `base`, so that cargo can run
/// many driver processes at once. Generated rather than checked in: only its width matters.
fn wide_workspace(members: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let names: Vec<String> = (0..members).map(|i| format!("member{i}")).collect();
    let mut list = vec!["\"base\"".to_string()];
    list.extend(names.iter().map(|n| format!("\"{n}\"")));
    write(
        "Cargo.toml",
        &format!(
            "[workspace]\nmembers = [{}]\nresolver = \"3\"\n",
            list.join(", ")
        ),
    );
    let manifest = |name: &str, deps: &str| {
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
             publish = false\n\n[dependencies]\n{deps}"
        )
    };
    write("base/Cargo.toml", &manifest("base", ""));
    write(
        "base/src/lib.rs",
        "pub trait Op { fn apply(&self, x: u32) -> u32; }\n\
         pub fn read(p: *const u32) -> u32 { unsafe { *p } }\n\
         pub fn run(op: &dyn Op, x: u32) -> u32 { op.apply(read(&x)) }\n",
    );
    for (i, name) in names.iter().enumerate() {
        write(
            &format!("{name}/Cargo.toml"),
            &manifest(name, "base = { path = \"../base\" }\n"),
        );
        write(
            &format!("{name}/src/lib.rs"),
            &format!(
                "pub struct Add;\n\
                 impl base::Op for Add {{ fn apply(&self, x: u32) -> u32 {{ x + {i} }} }}\n\
                 pub fn go(x: u32) -> u32 {{ base::run(&Add, x) + f{i}(x) }}\n\
                 fn f{i}(x: u32) -> u32 {{ let v = vec![x; {i}]; v.iter().sum() }}\n"
            ),
        );
    }
    dir
}

/// Name → bytes (timings zeroed) of every per-crate file and of the linked graph (as JSON).
fn snapshot(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let files = files_ending_with(&out.join("crates"), ".json");
    let mut snapshot: BTreeMap<String, Vec<u8>> = files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, bytes_without_timings(&bytes))
        })
        .collect();
    let graph = bytes_without_timings(&graph_json(&out.join("graph")));
    snapshot.insert("graph".into(), graph);
    snapshot
}

/// Every file in `crates/` and the dataset `graph/` parse, and no temp file is left anywhere below
/// `<target>/painter` (neither the driver's nor `collect`'s nor the linker's).
fn assert_whole(out: &Path, units: usize) {
    let graphs = crate_graphs(out);
    assert_eq!(graphs.len(), units, "one file per unit");
    // One crate of the graph per key: a package built twice (host and target) is one crate.
    let keys: std::collections::BTreeSet<String> = graphs.iter().map(|g| g.krate.key()).collect();
    let graph = linked_graph(&out.join("graph"));
    assert_eq!(
        graph
            .crates
            .keys()
            .cloned()
            .collect::<std::collections::BTreeSet<_>>(),
        keys
    );
    let temps = files_ending_with(out, ".tmp");
    assert!(temps.is_empty(), "temp files left: {temps:?}");
}

#[test]
fn parallel_builds_write_whole_files_and_the_bytes_of_a_serial_build() {
    let members = 8;
    let dir = wide_workspace(members);
    let out = painter_dir(dir.path());
    let mut first: Option<BTreeMap<String, Vec<u8>>> = None;
    for jobs in ["1", "2", "8"] {
        let _ = std::fs::remove_dir_all(dir.path().join("target"));
        assert_success(&cargo_painter(dir.path(), &["--workspace", "-j", jobs]));
        assert_whole(&out, members + 1);
        let files = snapshot(&out);
        match &first {
            None => first = Some(files),
            Some(serial) => {
                assert_eq!(
                    serial.keys().collect::<Vec<_>>(),
                    files.keys().collect::<Vec<_>>()
                );
                for (name, bytes) in serial {
                    assert!(
                        *bytes == files[name],
                        "{name} differs between -j 1 and -j {jobs}"
                    );
                }
            }
        }
    }
}

/// The same on the benchmark's real tree (80 units), `-j 1` against `-j 2`: a minute or two with
/// the debug driver, so only with `cargo test -p painter-tests --test reliability -- --ignored`.
#[test]
#[ignore = "about a minute on 2 cores: run with --ignored"]
fn the_benchmark_tree_gives_the_same_bytes_serial_and_parallel() {
    let dir = tempfile::tempdir().unwrap();
    painter_tests::copy_dir(&painter_tests::repo_root().join("bench/tree"), dir.path());
    let out = painter_dir(dir.path());
    let mut runs = Vec::new();
    for jobs in ["1", "2"] {
        let _ = std::fs::remove_dir_all(dir.path().join("target"));
        assert_success(&cargo_painter(dir.path(), &["--locked", "-j", jobs]));
        let units = crate_graphs(&out).len();
        assert!(units >= 60, "{units} units");
        assert_whole(&out, units);
        runs.push(snapshot(&out));
    }
    assert_eq!(
        runs[0].keys().collect::<Vec<_>>(),
        runs[1].keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &runs[0] {
        assert!(
            *bytes == runs[1][name],
            "{name} differs between -j 1 and -j 2"
        );
    }
}

/// Start `cargo painter ARGS` in a process group of its own and kill the whole group (cargo,
/// the drivers) with SIGKILL as soon as a new per-crate file appears: a build stopped mid-way.
fn kill_after_first_new_unit(dir: &Path, args: &[&str]) {
    let before = files_ending_with(&painter_dir(dir), ".painter.json");
    let bins = binaries();
    let mut child = Command::new(&bins.cargo_painter)
        .arg("painter")
        .args(args)
        .current_dir(dir)
        .env("PAINTER_DRIVER", &bins.driver)
        .env_remove("RUSTC_WRAPPER")
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("CARGO_TARGET_DIR")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("starting cargo painter");
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let now = files_ending_with(&painter_dir(dir), ".painter.json");
        if now.iter().any(|f| !before.contains(f)) {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("cargo painter finished ({status:?}) before any new unit was written");
        }
        assert!(Instant::now() < deadline, "no unit written in time");
        std::thread::sleep(Duration::from_millis(2));
    }
    let group = format!("-{}", child.id());
    let killed = Command::new("kill")
        .args(["-KILL", "--", &group])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(
        status.signal(),
        Some(9),
        "the build was killed, not finished: {status:?}"
    );
}

#[test]
fn a_killed_build_rerun_links_only_this_configuration() {
    let dir = scratch_fixture("feature-switch");
    let out = painter_dir(dir.path());
    assert_success(&cargo_painter(
        dir.path(),
        &["--locked", "--features", "fast"],
    ));
    let graphs = crate_graphs(&out);
    assert_eq!(find(&graphs, "base", "lib").krate.features, ["fast"]);

    kill_after_first_new_unit(dir.path(), &["--locked", "--features", "small"]);
    let rerun = cargo_painter(dir.path(), &["--locked", "--features", "small"]);
    assert_success(&rerun);
    assert_whole(&out, 5);

    let graphs = crate_graphs(&out);
    let base = find(&graphs, "base", "lib");
    assert_eq!(base.krate.features, ["small"]);
    let linked = linked_graph(&out.join("graph"));
    for (key, krate) in &linked.crates {
        assert!(
            !krate.krate.features.iter().any(|f| f == "fast"),
            "{key} comes from the `fast` build"
        );
        for function in &krate.functions {
            assert!(
                !function.path.ends_with("fast_only"),
                "{} from the `fast` build is linked",
                function.path
            );
        }
    }
    let (_, base) = linked
        .crates
        .iter()
        .find(|(_, g)| g.krate.package == "base")
        .unwrap();
    assert!(base.functions.iter().any(|f| f.path == "base::small_only"));
    assert!(
        !base
            .unsafe_ops
            .iter()
            .any(|op| op.kind == UnsafeOpKind::DerefRawPointer),
        "the `fast` build's deref is not in the `small` build"
    );

    // Back to the first configuration: cargo reuses its units (their files are still beside
    // the `small` ones); only this build's units are collected and linked.
    assert_success(&cargo_painter(
        dir.path(),
        &["--locked", "--features", "fast"],
    ));
    assert_whole(&out, 5);
    let linked = linked_graph(&out.join("graph"));
    assert!(
        linked
            .crates
            .values()
            .all(|g| !g.krate.features.iter().any(|f| f == "small"))
    );
}

#[test]
fn a_panic_in_a_proc_macro_analysis_keeps_the_macro_working() {
    let dir = scratch_fixture("proc-macro");
    let args = ["--force-panic-in", "first_byte_derive"];
    let output = cargo_painter(dir.path(), &args);
    assert_success(&output);
    let graphs = crate_graphs(&painter_dir(dir.path()));
    let derive = find(&graphs, "first-byte-derive", "proc-macro");
    assert_eq!(derive.status, Status::Failed);
    assert!(derive.error.as_deref().unwrap().contains("forced"));
    // The macro was built (by the driver that panicked) and ran: its expansion is analysed.
    let packets = find(&graphs, "packets", "lib");
    assert_eq!(packets.status, Status::Ok);
    assert!(
        packets
            .unsafe_ops
            .iter()
            .any(|op| op.kind == UnsafeOpKind::DerefRawPointer)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("analysis of first-byte-derive@0.1.0") && stderr.contains("forced"),
        "{stderr}"
    );
    // Nothing changed: nothing is rebuilt, and the failure is still reported.
    let again = cargo_painter(dir.path(), &args);
    assert_success(&again);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(!stderr.contains("Compiling"), "{stderr}");
    assert!(
        stderr.contains("analysis of first-byte-derive@0.1.0"),
        "{stderr}"
    );
}

#[test]
fn a_panic_in_a_build_script_analysis_keeps_the_script_running() {
    let dir = scratch_fixture("build-script");
    let output = cargo_painter(dir.path(), &["--force-panic-in", "build_script_build"]);
    assert_success(&output);
    let graphs = crate_graphs(&painter_dir(dir.path()));
    let script = find(&graphs, "build-script-fixture", "build-script");
    assert_eq!(script.status, Status::Failed);
    // The script still ran: the library it configures links `m` and sees its cfg.
    let lib = find(&graphs, "build-script-fixture", "lib");
    assert_eq!(lib.status, Status::Ok);
    assert!(lib.ffi.native_libraries.iter().any(|l| l.name == "m"));
    assert!(lib.ffi.imports.iter().any(|i| i.symbol == "cos"));
}

#[test]
fn temp_files_of_a_killed_run_are_gone_after_the_next() {
    let dir = scratch_fixture("two-members");
    let out = painter_dir(dir.path());
    assert_success(&cargo_painter(dir.path(), &[]));
    let units = crate_graphs(&out).len();
    // What a run killed at the worst moments leaves: the driver's temp file beside alpha's
    // graph (killed while writing it), `collect`'s in crates/ and the dataset writer's in graph/
    // and its table directories (killed between write and rename; the pid is above Linux's
    // largest, so surely dead).
    let alpha = files_ending_with(&out, ".painter.json")
        .into_iter()
        .find(|f| {
            f.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("alpha-")
        })
        .expect("alpha's graph file");
    let driver_temp = alpha.with_file_name(format!(
        ".{}.tmp",
        alpha.file_name().unwrap().to_string_lossy()
    ));
    let planted = [
        driver_temp,
        out.join("crates/.alpha-0.1.0-0011223344556677.json.4194305.tmp"),
        out.join("graph/.manifest.json.4194305.0.tmp"),
        out.join("graph/calls/.alpha@0.1.0.parquet.4194305.1.tmp"),
    ];
    for file in &planted {
        std::fs::write(file, b"{\"schema_version\": 1, \"crate\": {\"na").unwrap();
    }
    // alpha changed: cargo re-runs its (killed) unit.
    let source = dir.path().join("alpha/src/lib.rs");
    let text = std::fs::read_to_string(&source).unwrap();
    std::fs::write(&source, text + "\n").unwrap();
    assert_success(&cargo_painter(dir.path(), &[]));
    assert_whole(&out, units);
}
