//! One fixture workspace per cargo edge case, run through the real `cargo painter` as a user
//! would: each test checks the facts that case is about, in the per-crate files and in the
//! linked graph.

use painter_schema::{CallKind, Status, UnsafeOpKind};
use painter_tests::{
    assert_success, cargo_painter, crate_graphs, find, graph_json, linked_graph, scratch_fixture,
};

fn out_dir(dir: &std::path::Path) -> std::path::PathBuf {
    dir.join("target/painter")
}

#[test]
fn build_script_library_and_cfg() {
    let dir = scratch_fixture("build-script");
    assert_success(&cargo_painter(dir.path(), &[]));
    let graphs = crate_graphs(&out_dir(dir.path()));
    let lib = find(&graphs, "build-script-fixture", "lib");
    find(&graphs, "build-script-fixture", "build-script");
    // `cargo::rustc-link-lib=m` from the build script: known only through `native_libraries`.
    assert!(
        lib.ffi
            .native_libraries
            .iter()
            .any(|l| l.name == "m" && l.source == "build_script"),
        "{:?}",
        lib.ffi.native_libraries
    );
    let cos = lib
        .ffi
        .imports
        .iter()
        .find(|i| i.symbol == "cos")
        .expect("cos is imported");
    assert_eq!(cos.library.as_deref(), Some("m"));
    assert_eq!(cos.library_source.as_deref(), Some("build_script"));
    assert!(
        lib.calls
            .iter()
            .any(|c| c.kind == CallKind::Ffi && c.callee_path.ends_with("cos"))
    );
    assert!(
        lib.unsafe_ops
            .iter()
            .any(|op| op.kind == UnsafeOpKind::CallUnsafeFn
                && op.callee.as_ref().is_some_and(|c| c.foreign))
    );
}

#[test]
fn ops_from_a_proc_macro_name_the_derive() {
    let dir = scratch_fixture("proc-macro");
    assert_success(&cargo_painter(dir.path(), &[]));
    let graphs = crate_graphs(&out_dir(dir.path()));
    find(&graphs, "first-byte-derive", "proc-macro");
    let packets = find(&graphs, "packets", "lib");
    let op = packets
        .unsafe_ops
        .iter()
        .find(|op| op.kind == UnsafeOpKind::DerefRawPointer)
        .expect("the derive's raw-pointer deref");
    let origin = op.from_macro.as_ref().expect("op comes from the derive");
    assert_eq!(origin.name, "derive(FirstByte)");
    assert_eq!(origin.krate.as_deref(), Some("first_byte_derive"));
    assert_eq!(
        (origin.call_site.file.as_str(), origin.call_site.line),
        ("src/lib.rs", 3)
    );
}

#[test]
fn two_members_link_across_crates() {
    let dir = scratch_fixture("two-members");
    assert_success(&cargo_painter(dir.path(), &[]));
    let graphs = crate_graphs(&out_dir(dir.path()));
    let alpha = find(&graphs, "alpha", "lib");
    assert!(alpha.krate.primary && !alpha.unsafe_ops.is_empty());
    let graph = linked_graph(&out_dir(dir.path()).join("graph"));
    let (beta_key, beta) = graph
        .crates
        .iter()
        .find(|(_, g)| g.krate.package == "beta")
        .expect("beta is linked");
    assert!(beta.krate.primary);
    let into_alpha: Vec<_> = beta
        .calls
        .iter()
        .filter(|c| c.target_crate.as_deref() == Some("alpha@0.1.0"))
        .collect();
    assert!(
        !into_alpha.is_empty(),
        "{beta_key} has no resolved call into alpha"
    );
    assert!(into_alpha.iter().all(|c| !c.external));
    // Every resolved callee is a function node of alpha.
    for call in into_alpha {
        let callee = call.callee.as_deref().unwrap();
        assert!(
            alpha.functions.iter().any(|f| f.id == callee),
            "{} not in alpha",
            call.callee_path
        );
    }
}

#[test]
fn two_versions_stay_apart() {
    let dir = scratch_fixture("two-versions");
    assert_success(&cargo_painter(dir.path(), &[]));
    let graph = linked_graph(&out_dir(dir.path()).join("graph"));
    let itoas: Vec<&String> = graph
        .crates
        .keys()
        .filter(|k| k.starts_with("itoa@"))
        .collect();
    assert_eq!(itoas.len(), 2, "{itoas:?}");
    let root = graph
        .crates
        .values()
        .find(|g| g.krate.package == "two-versions")
        .unwrap();
    let targets: std::collections::BTreeSet<_> = root
        .calls
        .iter()
        .filter_map(|c| c.target_crate.as_deref())
        .filter(|k| k.starts_with("itoa@"))
        .collect();
    assert_eq!(
        targets.len(),
        2,
        "calls into both versions resolve to their own crate: {targets:?}"
    );
}

#[test]
fn renamed_dependency_resolves_to_its_package() {
    let dir = scratch_fixture("renamed-dep");
    assert_success(&cargo_painter(dir.path(), &[]));
    let graph = linked_graph(&out_dir(dir.path()).join("graph"));
    let user = graph
        .crates
        .values()
        .find(|g| g.krate.package == "user")
        .unwrap();
    let call = user
        .calls
        .iter()
        .find(|c| c.callee_crate == "provider_lib")
        .expect("user calls the renamed provider");
    assert_eq!(call.target_crate.as_deref(), Some("provider-lib@0.2.0"));
}

#[test]
fn compile_errors_come_through_with_cargos_exit_code() {
    let dir = scratch_fixture("compile-error");
    let output = cargo_painter(dir.path(), &[]);
    assert!(!output.status.success());
    assert_eq!(output.status.code(), Some(101), "cargo's exit code");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("error[E0308]"), "{stderr}");
    assert!(stderr.contains("broken/src/lib.rs"), "{stderr}");
}

#[test]
fn an_analysis_panic_keeps_the_build_green() {
    let dir = scratch_fixture("two-members");
    let output = cargo_painter(dir.path(), &["--force-panic-in", "alpha"]);
    assert_success(&output);
    let graphs = crate_graphs(&out_dir(dir.path()));
    let alpha = find(&graphs, "alpha", "lib");
    assert_eq!(alpha.status, Status::Failed);
    assert!(
        alpha.error.as_deref().unwrap().contains("forced"),
        "{:?}",
        alpha.error
    );
    assert_eq!(find(&graphs, "beta", "bin").status, Status::Ok);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("alpha"),
        "the failure is reported: {stderr}"
    );
}

#[test]
fn rerun_reuses_and_option_change_reanalyses() {
    let dir = scratch_fixture("two-versions");
    assert_success(&cargo_painter(dir.path(), &[]));
    let crates = out_dir(dir.path()).join("crates");
    // Nothing changed: cargo reuses every unit, nothing is compiled again.
    let again = cargo_painter(dir.path(), &[]);
    assert_success(&again);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        !stderr.contains("Checking") && !stderr.contains("Compiling"),
        "{stderr}"
    );
    // Another driver option: every crate, registry ones included, is analysed again.
    let before = std::fs::read_dir(&crates).unwrap().count();
    let changed = cargo_painter(dir.path(), &["--emit", "calls"]);
    assert_success(&changed);
    let stderr = String::from_utf8_lossy(&changed.stderr);
    assert!(
        stderr.contains("Checking itoa") || stderr.contains("Compiling itoa"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&crates).unwrap().count(), before);
}

#[test]
fn two_cold_analyses_give_the_same_bytes() {
    let dir = scratch_fixture("two-members");
    let out = out_dir(dir.path());
    let snapshot = || -> Vec<(String, serde_json::Value)> {
        let mut files: Vec<_> = std::fs::read_dir(out.join("crates"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.push(out.join("graph"));
        files.sort();
        files
            .iter()
            .map(|path| {
                let bytes = match path.is_dir() {
                    true => graph_json(path),
                    false => std::fs::read(path).unwrap(),
                };
                let mut value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                zero_timings(&mut value);
                (
                    path.file_name().unwrap().to_string_lossy().into_owned(),
                    value,
                )
            })
            .collect()
    };
    assert_success(&cargo_painter(dir.path(), &[]));
    let first = snapshot();
    std::fs::remove_dir_all(dir.path().join("target")).unwrap();
    assert_success(&cargo_painter(dir.path(), &[]));
    let second = snapshot();
    assert_eq!(first.len(), second.len());
    for ((name, a), (_, b)) in first.iter().zip(&second) {
        assert!(a == b, "{name} differs between two cold analyses");
    }
}

/// `analysis_ms` is the one field allowed to differ between two analyses.
fn zero_timings(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if map.contains_key("analysis_ms") {
                map.insert("analysis_ms".into(), 0.into());
            }
            map.values_mut().for_each(zero_timings);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(zero_timings),
        _ => {}
    }
}

#[test]
fn indirect_calls_get_candidates_across_crates() {
    let dir = scratch_fixture("cross-crate-calls");
    assert_success(&cargo_painter(dir.path(), &["--locked"]));
    let graph = linked_graph(&out_dir(dir.path()).join("graph"));
    let shapes = graph
        .crates
        .values()
        .find(|g| g.krate.package == "shapes")
        .unwrap();
    let targets_of = |kind: CallKind, caller_path: &str| -> Vec<String> {
        let caller = shapes
            .functions
            .iter()
            .find(|f| f.path == caller_path)
            .unwrap();
        let call = shapes
            .calls
            .iter()
            .find(|c| c.kind == kind && c.caller == caller.id)
            .unwrap_or_else(|| panic!("no {kind} call in {caller_path}"));
        let set = &graph.candidate_sets[call.candidates.expect("candidates") as usize];
        let mut paths: Vec<String> = set.targets.iter().map(|t| t.callee_path.clone()).collect();
        paths.sort();
        paths
    };
    // The dyn call: only the types some crate coerces to `dyn Shape` (Circle in app, Square).
    assert_eq!(
        targets_of(CallKind::Dyn, "shapes::total_area::{closure#0}"),
        [
            "<app::Circle as shapes::Shape>::area",
            "<shapes::Square as shapes::Shape>::area"
        ]
    );
    // The generic call: app instantiates `area_of` with a Circle only, so its one target is
    // Circle's impl, an exact edge via instantiation (not the Square and Unused impls).
    assert_eq!(
        targets_of(CallKind::TraitGeneric, "shapes::area_of"),
        ["<app::Circle as shapes::Shape>::area"]
    );
    assert!(graph.candidate_sets.iter().any(|set| {
        set.targets.iter().any(|t| {
            t.callee_path == "<app::Circle as shapes::Shape>::area"
                && t.via == Some(painter_schema::Via::Instantiation)
        })
    }));
    // The `dyn Fn` call: the closure app boxes as one.
    assert_eq!(
        targets_of(CallKind::Dyn, "shapes::run_hooks::{closure#0}"),
        ["app::main::{closure#0}"]
    );
    // The fn pointer stored in a struct: app's `double` has that signature and is reified.
    assert!(
        targets_of(CallKind::FnPtr, "shapes::Scaler::apply").contains(&"app::double".to_string())
    );
}
