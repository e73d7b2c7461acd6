//! Loading from disk: directories, bad files (named in errors), `keep_going`, re-linking a
//! linked graph, atomic deterministic writing.

mod common;

use std::path::PathBuf;

use common::*;
use painter_linker::{LinkError, LinkOptions, LoadError, link, link_graphs, write_graph};

const STRICT: LinkOptions = LinkOptions { keep_going: false };
const KEEP_GOING: LinkOptions = LinkOptions { keep_going: true };

/// A per-crate file claiming schema version 2.
fn write_v2(dir: &std::path::Path) -> PathBuf {
    let mut value = serde_json::to_value(crate_b()).unwrap();
    value["schema_version"] = 2.into();
    let path = dir.join("future.json");
    std::fs::write(&path, serde_json::to_vec(&value).unwrap()).unwrap();
    path
}

fn write_truncated(dir: &std::path::Path) -> PathBuf {
    let bytes = serde_json::to_vec(&crate_b()).unwrap();
    let path = dir.join("truncated.json");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    path
}

#[test]
fn wrong_schema_version_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_json(dir.path(), "app.json", &crate_app());
    let bad = write_v2(dir.path());
    let err = link(&[good, bad.clone()], &STRICT).unwrap_err();
    match &err {
        LinkError::Load(LoadError::Version {
            path,
            found: 2,
            expected: 1,
        }) => assert_eq!(path, &bad),
        other => panic!("expected a version error, got {other:?}"),
    }
    assert!(err.to_string().contains(&*bad.to_string_lossy()), "{err}");
}

#[test]
fn truncated_file_is_corrupt_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write_truncated(dir.path());
    let err = link(std::slice::from_ref(&bad), &STRICT).unwrap_err();
    match &err {
        LinkError::Load(LoadError::Corrupt { path, .. }) => assert_eq!(path, &bad),
        other => panic!("expected a corrupt-file error, got {other:?}"),
    }
    assert!(err.to_string().contains("truncated.json"), "{err}");
}

#[test]
fn missing_file_is_an_io_error_naming_it() {
    let missing = PathBuf::from("/nonexistent/painter/x.json");
    match link(std::slice::from_ref(&missing), &STRICT).unwrap_err() {
        LinkError::Load(LoadError::Io { path, .. }) => assert_eq!(path, missing),
        other => panic!("expected an io error, got {other:?}"),
    }
}

#[test]
fn keep_going_links_the_good_files_and_lists_the_bad() {
    let dir = tempfile::tempdir().unwrap();
    write_json(dir.path(), "app.json", &crate_app());
    write_json(dir.path(), "b.json", &crate_b());
    let v2 = write_v2(dir.path());
    let truncated = write_truncated(dir.path());

    let inputs = [dir.path().to_path_buf()];
    // Strict: the first bad file in (sorted) directory order.
    match link(&inputs, &STRICT).unwrap_err() {
        LinkError::Load(LoadError::Version { path, .. }) => assert_eq!(path, v2),
        other => panic!("expected the version error first, got {other:?}"),
    }

    let outcome = link(&inputs, &KEEP_GOING).unwrap();
    assert_eq!(outcome.graph, link_graphs(vec![crate_app(), crate_b()]));
    let skipped: Vec<(&PathBuf, bool)> = outcome
        .skipped
        .iter()
        .map(|(path, e)| (path, matches!(e, LoadError::Corrupt { .. })))
        .collect();
    assert_eq!(skipped, [(&v2, false), (&truncated, true)]);
}

#[test]
fn directories_are_searched_recursively_for_json_only() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("deps/registry");
    std::fs::create_dir_all(&nested).unwrap();
    write_json(dir.path(), "app.json", &crate_app());
    write_json(&nested, "lib-b-1.2.3-abcd.json", &crate_b());
    std::fs::write(dir.path().join("notes.txt"), "not a graph").unwrap();
    std::fs::write(nested.join(".graph.json.1.0.tmp"), "{half").unwrap();

    let outcome = link(&[dir.path().to_path_buf()], &STRICT).unwrap();
    let keys: Vec<&str> = outcome.graph.crates.keys().map(String::as_str).collect();
    assert_eq!(keys, [APP, LIB_B]);
    assert_eq!(outcome.graph.stats.calls_cross_crate_resolved, 1);
}

#[test]
fn no_graph_files_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = link(&[dir.path().to_path_buf()], &KEEP_GOING).unwrap_err();
    assert!(matches!(err, LinkError::NoInputs { .. }), "{err:?}");
    assert!(err.to_string().contains(&*dir.path().to_string_lossy()));
}

/// With `keep_going`, inputs that are all bad give no graph but an error naming them: an empty
/// graph would pass for a project without crates.
#[test]
fn every_input_bad_is_an_error_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    std::fs::write(&a, "{\"schema_version\": 1, tru").unwrap();
    std::fs::write(&b, "not json").unwrap();
    let err = link(&[a.clone(), b.clone()], &KEEP_GOING).unwrap_err();
    assert!(matches!(err, LinkError::NothingUsable { .. }), "{err:?}");
    let message = err.to_string();
    for file in [&a, &b] {
        assert!(message.contains(&*file.to_string_lossy()), "{message}");
    }
    // One good file beside them is enough.
    let good = write_json(dir.path(), "good.json", &crate_app());
    let outcome = link(&[a, good, b], &KEEP_GOING).unwrap();
    assert_eq!((outcome.graph.crates.len(), outcome.skipped.len()), (1, 2));
}

#[test]
fn files_in_any_order_write_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let app = write_json(dir.path(), "app.json", &crate_app());
    let b = write_json(dir.path(), "b.json", &crate_b());
    let (one, two) = (dir.path().join("out/one.json"), dir.path().join("two.json"));
    write_graph(
        &link(&[app.clone(), b.clone()], &STRICT).unwrap().graph,
        &one,
    )
    .unwrap();
    write_graph(&link(&[b, app], &STRICT).unwrap().graph, &two).unwrap();
    assert_eq!(std::fs::read(&one).unwrap(), std::fs::read(&two).unwrap());
    // Only the two graphs: no temp file left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("out")).unwrap().collect();
    assert_eq!(leftovers.len(), 1);
}

#[test]
fn linked_graph_as_input_relinks_to_the_same_graph() {
    let dir = tempfile::tempdir().unwrap();
    let crates = dir.path().join("crates");
    std::fs::create_dir(&crates).unwrap();
    write_json(&crates, "app.json", &crate_app());
    write_json(&crates, "b.json", &crate_b());
    let first = link(std::slice::from_ref(&crates), &STRICT).unwrap().graph;
    let graph_file = dir.path().join("graph.json");
    write_graph(&first, &graph_file).unwrap();

    let again = link(std::slice::from_ref(&graph_file), &STRICT)
        .unwrap()
        .graph;
    assert_eq!(again, first);
    let again_file = dir.path().join("again.json");
    write_graph(&again, &again_file).unwrap();
    assert_eq!(
        std::fs::read(&graph_file).unwrap(),
        std::fs::read(&again_file).unwrap()
    );

    // The graph plus the files it was made from: every crate is a duplicate, nothing changes.
    let both = link(&[graph_file, crates], &STRICT).unwrap().graph;
    assert_eq!(both, first);
}

#[test]
fn relinking_without_a_crate_turns_its_calls_external() {
    let linked = link_graphs(vec![crate_app(), crate_b()]);
    let app_only: Vec<_> = linked
        .crates
        .into_iter()
        .filter(|(k, _)| k == APP)
        .map(|(_, c)| c)
        .collect();
    let graph = link_graphs(app_only);
    let to_b = find_call(&graph, APP, APP_MAIN, "lib_b::compute");
    assert_eq!((to_b.target_crate.as_deref(), to_b.external), (None, true));
}

/// `write_graph` serialises crates in parallel; the bytes must still be exactly serde's.
#[test]
fn written_bytes_are_plain_serde_json() {
    let dir = tempfile::tempdir().unwrap();
    let mut crates = vec![crate_app(), crate_b()];
    // More crates than one parallel batch.
    for i in 0..150 {
        let mut c = crate_b();
        c.krate.version = format!("0.{i}.0");
        c.krate.stable_id = format!("{i:04x}");
        crates.push(c);
    }
    let graph = link_graphs(crates);
    let path = dir.path().join("graph.json");
    write_graph(&graph, &path).unwrap();
    let mut expected = serde_json::to_vec(&graph).unwrap();
    expected.push(b'\n');
    assert_eq!(std::fs::read(&path).unwrap(), expected);
    assert_eq!(painter_linker::to_json_bytes(&graph), expected);
}

#[test]
fn an_empty_linked_graph_is_a_valid_input() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.json");
    write_graph(&link_graphs(vec![]), &path).unwrap();
    let outcome = link(std::slice::from_ref(&path), &STRICT).unwrap();
    assert!(outcome.graph.crates.is_empty());
    assert_eq!(outcome.graph.stats.crates, 0);
}

/// Shards linked on different machines merge again: shard graphs in either order give the
/// bytes of linking every per-crate file at once, also when the shards overlap and hold
/// differing copies of one crate.
#[test]
fn linked_shards_merge_to_the_same_bytes_in_any_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut b_extra = crate_b();
    b_extra.krate.features = vec!["extra".into()];
    b_extra.functions.push(function(
        "bbbb:13",
        "lib_b::extra",
        painter_schema::FunctionKind::Fn,
        30,
    ));
    b_extra.recount();
    let app = write_json(dir.path(), "app.json", &crate_app());
    let b = write_json(dir.path(), "b.json", &crate_b());
    let b2 = write_json(dir.path(), "b-extra.json", &b_extra);
    let shard = |name: &str, inputs: &[PathBuf]| {
        let path = dir.path().join(name);
        write_graph(&link(inputs, &STRICT).unwrap().graph, &path).unwrap();
        path
    };
    let one = shard("shard1.graph", &[app.clone(), b.clone()]);
    let two = shard("shard2.graph", &[b2.clone(), b.clone()]);
    let all = std::fs::read(shard("all.graph", &[app, b, b2])).unwrap();
    let forward = std::fs::read(shard("fwd.graph", &[one.clone(), two.clone()])).unwrap();
    let backward = std::fs::read(shard("bwd.graph", &[two, one])).unwrap();
    assert_eq!(forward, backward);
    assert_eq!(forward, all);
}

/// One file named twice, or reachable through a directory and by name, is one crate.
#[test]
fn duplicate_inputs_link_once() {
    let dir = tempfile::tempdir().unwrap();
    let crates = dir.path().join("crates");
    std::fs::create_dir(&crates).unwrap();
    let app = write_json(&crates, "app.json", &crate_app());
    let b = write_json(&crates, "b.json", &crate_b());
    let copy = write_json(dir.path(), "b-copy.json", &crate_b());
    let once = link(&[app.clone(), b.clone()], &STRICT).unwrap().graph;
    let repeated = link(&[app.clone(), b.clone(), app, b, copy, crates], &STRICT)
        .unwrap()
        .graph;
    assert_eq!(once, repeated);
    assert_eq!(repeated.stats.calls, 7);
}
