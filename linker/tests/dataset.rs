//! The columnar dataset (painter-dataset) written from linked graphs and read back:
//! the JSON of the graph read back is byte for byte the JSON it was written from, the same
//! graph gives the same files, and every bad dataset is an error naming the bad file.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use painter_dataset::{DatasetError, read_dataset, write_dataset};
use painter_linker::{LinkOptions, link, link_graphs, link_graphs_with, to_json_bytes};
use painter_schema::*;

fn data_graphs() -> Vec<CrateGraph> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut crates = Vec::new();
    for file in files {
        match read_graph_file(&file).unwrap() {
            GraphFile::Crate(c) => crates.push(*c),
            GraphFile::Linked(l) => crates.extend(l.crates.into_values()),
        }
    }
    crates
}

/// Every optional field of every record set, so a field the dataset forgot shows up in the
/// round trip: macro origins, configs, context blocks, callee refs, failure, odd ids.
fn everything() -> LinkedGraph {
    let mut app = crate_app();
    let mut b = crate_b();
    let origin = |line| {
        Some(Box::new(MacroOrigin {
            name: "m::gen!".into(),
            krate: Some("m".into()),
            call_site: span("src/gen.rs", line),
        }))
    };
    let configs = vec!["linux".to_owned()];
    app.krate.configurations = vec!["linux".into(), "wasm".into()];
    app.krate.links = Some("app".into());
    app.krate.manifest_dir = Some("/work/app".into());
    app.status = Status::Failed;
    app.error = Some("panicked at 'boom'".into());
    app.analysis_ms = 42;
    for f in &mut app.functions {
        f.parent = Some(APP_MAIN.into());
        f.implements = Some("0fa4bc0ff95a350a:620fa8d25e63f9b0".into());
        f.impl_self_ty = Some("app::Dog".into());
        f.impl_trait = Some("app::Meter<u64>".into());
        f.unsafe_ops = 3;
        f.configs = configs.clone();
    }
    for c in &mut app.calls {
        c.trait_method = Some("Trait::m".into());
        c.detail = Some("dyn app::Meter<u32>".into());
        c.from_macro = origin(3);
        c.configs = configs.clone();
    }
    let mut op = op(APP_MAIN, UnsafeOpKind::UseStaticMut, 9);
    op.context.block = Some(span("src/main.rs", 8));
    op.context.in_unsafe_fn = true;
    op.target = Some("app::COUNTER".into());
    op.from_macro = origin(8);
    op.configs = configs.clone();
    let mut call_op = op.clone();
    call_op.kind = UnsafeOpKind::CallUnsafeFn;
    call_op.callee = Some(CalleeRef {
        id: None,
        path: "fnptr".into(),
        foreign: true,
    });
    app.unsafe_ops = vec![op, call_op];
    app.unsafe_blocks.push(UnsafeBlock {
        function: APP_MAIN.into(),
        span: span("src/main.rs", 8),
        generated: true,
        ops: 2,
        from_macro: origin(8),
        configs: configs.clone(),
    });
    app.declarations.push(Declaration {
        kind: DeclarationKind::UnsafeImpl,
        path: "app::Dog".into(),
        span: span("src/main.rs", 30),
        id: Some(APP_HELPER.into()),
        detail: Some("std::marker::Send".into()),
        public: true,
        from_macro: origin(30),
        configs: configs.clone(),
    });
    app.ffi.exports.push(FfiExport {
        function: APP_HELPER.into(),
        symbol: "app_helper".into(),
        abi: "C".into(),
        span: span("src/main.rs", 12),
        configs: configs.clone(),
    });
    app.ffi.callbacks.push(FfiCallback {
        function: APP_MAIN.into(),
        callback: APP_HELPER.into(),
        callback_path: "app::helper".into(),
        abi: "C".into(),
        span: span("src/main.rs", 13),
        configs: configs.clone(),
    });
    app.address_taken.push(AddressTaken {
        function: APP_MAIN.into(),
        kind: AddressTakenKind::GenericArg,
        target: Some(APP_HELPER.into()),
        target_path: Some("app::helper".into()),
        signature: Some("fn(u32) -> u32".into()),
        self_ty: Some("app::Dog".into()),
        trait_id: Some("0fa4bc0ff95a350a:0000000000000001".into()),
        trait_path: Some("app::Meter".into()),
        dyn_ty: Some("dyn app::Meter<u32>".into()),
        passed_to: Some(B_COMPUTE.into()),
        span: span("src/main.rs", 14),
        configs: configs.clone(),
    });
    for import in &mut b.ffi.imports {
        import.link_kind = Some("static".into());
        import.configs = configs.clone();
    }
    for lib in &mut b.ffi.native_libraries {
        lib.configs = configs.clone();
    }
    app.recount();
    let known = [Configuration {
        name: "linux".into(),
        cargo_args: vec!["--target".into(), "x86_64-unknown-linux-gnu".into()],
    }];
    link_graphs_with(vec![app, b], &known)
}

fn round_trip(graph: &LinkedGraph) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_dataset(graph, dir.path()).unwrap();
    let back = read_dataset(dir.path()).unwrap();
    assert_eq!(
        String::from_utf8(to_json_bytes(&back)).unwrap(),
        String::from_utf8(to_json_bytes(graph)).unwrap()
    );
    assert_eq!(&back, graph);
    dir
}

#[test]
fn real_driver_output_round_trips_to_the_same_json_bytes() {
    let graph = link_graphs(data_graphs());
    assert!(graph.crates.len() >= 4);
    assert!(!graph.candidate_sets.is_empty() && !graph.external_functions.is_empty());
    let dir = round_trip(&graph);
    // Some of every per-unit table of this graph is on disk, one file per unit.
    let functions = std::fs::read_dir(dir.path().join("functions"))
        .unwrap()
        .count();
    assert_eq!(
        functions,
        graph
            .crates
            .values()
            .filter(|c| !c.functions.is_empty())
            .count()
    );
}

#[test]
fn every_optional_field_round_trips() {
    let graph = everything();
    let json = String::from_utf8(to_json_bytes(&graph)).unwrap();
    for field in [
        "\"macro\"",
        "\"configs\"",
        "\"error\"",
        "\"block\"",
        "\"link_kind\"",
        "\"passed_to\"",
        "\"cargo_args\"",
    ] {
        assert!(json.contains(field), "the test graph lacks {field}");
    }
    // Ids of other shapes (`aaaa:01`) take the `id_text` path.
    assert!(graph.crates[APP].functions.iter().any(|f| f.id == APP_MAIN));
    round_trip(&graph);
}

/// All files of a dataset directory, by relative path, with their bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_same_graph_gives_the_same_bytes_and_a_rewrite_drops_stale_files() {
    let graph = link_graphs(data_graphs());
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write_dataset(&graph, a.path()).unwrap();
    write_dataset(&graph, b.path()).unwrap();
    let first = files(a.path());
    assert_eq!(first, files(b.path()));
    assert!(
        first.iter().any(|(p, _)| p.starts_with("calls/")),
        "{first:?}"
    );
    // No temp file is left, and no timestamp: a second write into the same dir is a no-op.
    write_dataset(&graph, a.path()).unwrap();
    assert_eq!(first, files(a.path()));
    // A unit whose facts did not change is not encoded again, but a file of it that went
    // missing is written again.
    let (calls, _) = first.iter().find(|(p, _)| p.starts_with("calls/")).unwrap();
    std::fs::remove_file(a.path().join(calls)).unwrap();
    write_dataset(&graph, a.path()).unwrap();
    assert_eq!(first, files(a.path()));
    // A changed unit is written again, and reads back as changed.
    let mut changed = graph.clone();
    let krate = changed
        .crates
        .values_mut()
        .find(|c| !c.calls.is_empty())
        .unwrap();
    krate.calls.pop();
    write_dataset(&changed, a.path()).unwrap();
    assert_eq!(read_dataset(a.path()).unwrap(), changed);
    write_dataset(&graph, a.path()).unwrap();
    assert_eq!(first, files(a.path()));
    // A smaller graph into the same directory: the units that are gone lose their files.
    let one = link_graphs(vec![graph.crates.values().next().unwrap().clone()]);
    write_dataset(&one, a.path()).unwrap();
    assert_eq!(read_dataset(a.path()).unwrap(), one);
    let units = std::fs::read_dir(a.path().join("units")).unwrap().count();
    assert_eq!(units, 1);
}

/// A unit's files hold its own facts only: linking it with or without the crate its calls land
/// in, or with that crate changed, gives its files the same bytes. The link's answers (where
/// calls land, candidate sets) are in the graph-wide tables and still read back.
#[test]
fn a_units_files_do_not_depend_on_other_units() {
    let unit_files = |graph: &LinkedGraph| {
        let dir = tempfile::tempdir().unwrap();
        write_dataset(graph, dir.path()).unwrap();
        let app = files(dir.path())
            .into_iter()
            .filter(|(p, _)| p.contains("app@") && !p.starts_with("manifest"))
            .collect::<Vec<_>>();
        assert_eq!(&read_dataset(dir.path()).unwrap(), graph);
        app
    };
    let both = link_graphs(vec![crate_app(), crate_b()]);
    let app_calls = &both
        .crates
        .values()
        .find(|c| c.krate.package == "app")
        .unwrap()
        .calls;
    assert!(
        app_calls
            .iter()
            .any(|c| c.target_crate.is_some() && !c.external)
    );
    let alone = link_graphs(vec![crate_app()]);
    let mut b = crate_b();
    b.functions
        .push(function("bbbb:new", "lib_b::new_fn", FunctionKind::Fn, 90));
    let changed = link_graphs(vec![crate_app(), b]);
    let first = unit_files(&both);
    assert!(
        first.iter().any(|(p, _)| p.starts_with("calls/")),
        "{first:?}"
    );
    assert_eq!(first, unit_files(&alone));
    assert_eq!(first, unit_files(&changed));
}

fn error_of(dir: &Path) -> (DatasetError, String) {
    let e = read_dataset(dir).unwrap_err();
    let text = e.to_string();
    (e, text)
}

#[test]
fn bad_datasets_are_errors_naming_the_file() {
    let graph = link_graphs(data_graphs());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    let (e, text) = error_of(d);
    assert!(matches!(e, DatasetError::NoManifest { .. }), "{text}");
    assert!(text.contains("manifest.json"), "{text}");

    let manifest = write_dataset(&graph, d).unwrap();
    let manifest_path = d.join("manifest.json");
    let good = std::fs::read_to_string(&manifest_path).unwrap();
    std::fs::write(
        &manifest_path,
        good.replace(
            "\"schema_version\": 1,\n  \"painter",
            "\"schema_version\": 99,\n  \"painter",
        ),
    )
    .unwrap();
    let (e, text) = error_of(d);
    assert!(
        matches!(e, DatasetError::Version { found: 99, .. }),
        "{text}"
    );
    assert!(text.contains("manifest.json"), "{text}");
    std::fs::write(&manifest_path, good.replace("painter-dataset", "linked")).unwrap();
    assert!(matches!(error_of(d).0, DatasetError::BadManifest { .. }));
    std::fs::write(&manifest_path, &good).unwrap();

    let unit = manifest.units.iter().find(|u| u.rows["calls"] > 0).unwrap();
    let calls = d.join("calls").join(format!("{}.parquet", unit.stem));
    let bytes = std::fs::read(&calls).unwrap();
    std::fs::write(&calls, &bytes[..bytes.len() / 2]).unwrap();
    let (e, text) = error_of(d);
    assert!(matches!(e, DatasetError::Parquet { .. }), "{text}");
    assert!(text.contains(&*calls.to_string_lossy()), "{text}");

    // A table file with a column missing, and one with a column of another type: the functions
    // file rewritten as the calls batch has neither `path` nor `unsafe` as expected.
    std::fs::write(&calls, &bytes).unwrap();
    let functions = d.join("functions").join(format!("{}.parquet", unit.stem));
    std::fs::copy(d.join("external_functions/graph.parquet"), &functions).unwrap();
    let (e, text) = error_of(d);
    assert!(
        matches!(e, DatasetError::MissingColumn { ref column, .. } if column == "kind"),
        "{text}"
    );
    assert!(text.contains(&*functions.to_string_lossy()), "{text}");
    std::fs::copy(&calls, &functions).unwrap();
    let (e, text) = error_of(d);
    assert!(
        matches!(
            e,
            DatasetError::MissingColumn { .. } | DatasetError::ColumnType { .. }
        ),
        "{text}"
    );
    assert!(text.contains(&*functions.to_string_lossy()), "{text}");
}

/// Shards of a graph written as datasets link, like JSON shards, into the graph of all their
/// crates; a dataset's bad file stops the link with its name, or is skipped with --keep-going.
#[test]
fn datasets_are_linker_inputs() {
    let crates = data_graphs();
    let whole = link_graphs(crates.clone());
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (left, right) = crates.split_at(crates.len() / 2);
    write_dataset(&link_graphs(left.to_vec()), a.path()).unwrap();
    write_dataset(&link_graphs(right.to_vec()), b.path()).unwrap();
    let inputs = [a.path().to_path_buf(), b.path().to_path_buf()];
    let linked = link(&inputs, &LinkOptions::default()).unwrap();
    assert_eq!(to_json_bytes(&linked.graph), to_json_bytes(&whole));

    std::fs::write(
        b.path().join("manifest.json"),
        "{\"format\": \"painter-dataset\"}",
    )
    .unwrap();
    let err = link(&inputs, &LinkOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("manifest.json"), "{err}");
    let kept = link(&inputs, &LinkOptions { keep_going: true }).unwrap();
    assert_eq!(kept.skipped.len(), 1);
    assert_eq!(
        kept.graph.crates.len(),
        link_graphs(left.to_vec()).crates.len()
    );
}
