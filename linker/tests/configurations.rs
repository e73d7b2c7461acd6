//! Merging one crate analysed in several configurations: ids agree across copies, every record
//! says where it holds, and the result does not depend on the order of the copies.

mod common;

use common::*;
use painter_linker::{link_graphs, link_graphs_with, to_json_bytes};
use painter_schema::*;

/// `lib-b` as analysed with its feature `extra`: another crate id (cargo's `-C metadata`
/// hashes the features), `compute` also calls the cfg-gated `extra_path`, which dereferences a
/// raw pointer; the FFI wrapper is the same.
fn crate_b_extra() -> CrateGraph {
    let mut g = crate_b();
    rename_prefix(&mut g, "bbbb", "b2b2");
    g.krate.features.push("extra".into());
    g.functions.push(function(
        "b2b2:93",
        "lib_b::extra_path",
        FunctionKind::Fn,
        30,
    ));
    g.calls.push(call(
        "b2b2:90",
        Some("b2b2:93"),
        "lib_b::extra_path",
        "lib_b",
        CallKind::Static,
        4,
    ));
    g.unsafe_ops
        .push(op("b2b2:93", UnsafeOpKind::DerefRawPointer, 31));
    g.recount();
    g
}

/// What a driver run in another configuration writes: another crate id, and other local
/// hashes too (rustc seeds every `DefPathHash` of a crate with its crate id): `bbbb:1x`
/// becomes `b2b2:9x`.
fn rename_prefix(g: &mut CrateGraph, from: &str, to: &str) {
    fn fix<T: AsRef<str> + From<String>>(s: &mut T, from: &str, to: &str) {
        if let Some(rest) = s.as_ref().strip_prefix(from) {
            *s = T::from(format!("{to}{}", rest.replacen(":1", ":9", 1)));
        }
    }
    g.krate.stable_id = to.into();
    g.functions
        .iter_mut()
        .for_each(|f| fix(&mut f.id, from, to));
    for c in &mut g.calls {
        fix(&mut c.caller, from, to);
        if let Some(callee) = &mut c.callee {
            fix(callee, from, to);
        }
    }
    g.unsafe_ops
        .iter_mut()
        .for_each(|o| fix(&mut o.function, from, to));
    for i in &mut g.ffi.imports {
        if let Some(f) = &mut i.function {
            fix(f, from, to);
        }
        fix(&mut i.item, from, to);
    }
    for d in &mut g.declarations {
        if let Some(id) = &mut d.id {
            fix(id, from, to);
        }
    }
}

fn named(mut g: CrateGraph, configs: &[&str]) -> CrateGraph {
    g.krate.configurations = configs.iter().map(|c| c.to_string()).collect();
    g
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn records_of_two_configurations_are_tagged_where_they_hold() {
    let app = named(crate_app(), &["default", "extra"]);
    let inputs = vec![
        app,
        named(crate_b(), &["default"]),
        named(crate_b_extra(), &["extra"]),
    ];
    let graph = link_graphs(inputs.clone());
    let b = &graph.crates[LIB_B];

    assert_eq!(strs(&b.krate.configurations), ["default", "extra"]);
    assert_eq!(
        b.krate.stable_id, "b2b2",
        "the smallest crate id names the crate"
    );
    // One node per function: the copies are joined by path, under the smallest crate id.
    let paths: Vec<(&str, &str, Vec<&str>)> = b
        .functions
        .iter()
        .map(|f| (f.path.as_str(), f.id.as_str(), strs(&f.configs)))
        .collect();
    assert_eq!(
        paths,
        [
            ("lib_b::compute", "b2b2:90", vec![]),
            ("lib_b::extra_path", "b2b2:93", vec!["extra"]),
            ("lib_b::ffi_wrapper", "b2b2:91", vec![]),
            ("lib_b::sys::write", "b2b2:92", vec![]),
        ]
    );
    // The gated call and op hold in `extra` only; everything else everywhere.
    let gated: Vec<&str> = b
        .calls
        .iter()
        .filter(|c| !c.configs.is_empty())
        .map(|c| c.callee_path.as_str())
        .collect();
    assert_eq!(gated, ["lib_b::extra_path"]);
    assert_eq!(b.calls.len(), 4);
    let ops: Vec<(u32, Vec<&str>)> = b
        .unsafe_ops
        .iter()
        .map(|o| (o.span.line, strs(&o.configs)))
        .collect();
    assert_eq!(ops, [(11, vec![]), (31, vec!["extra"])]);
    assert_eq!(b.ffi.imports.len(), 1);
    assert!(b.ffi.imports[0].configs.is_empty());
    assert_eq!(b.ffi.imports[0].item, "b2b2:92");

    // The caller in another crate used the `default` id of `compute`: renamed too, resolved.
    let app = &graph.crates[APP];
    let to_b = app
        .calls
        .iter()
        .find(|c| c.callee_path == "lib_b::compute")
        .unwrap();
    assert_eq!(to_b.callee.as_deref(), Some("b2b2:90"));
    assert_eq!(to_b.target_crate.as_deref(), Some(LIB_B));

    let names: Vec<&str> = graph
        .configurations
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["default", "extra"]);
}

#[test]
fn tagged_merge_is_order_free_and_relinks_to_the_same_bytes() {
    let inputs = vec![
        named(crate_app(), &["default"]),
        named(crate_app(), &["extra"]),
        named(crate_b(), &["default"]),
        named(crate_b_extra(), &["extra"]),
    ];
    let forward = to_json_bytes(&link_graphs(inputs.clone()));
    let mut reversed = inputs.clone();
    reversed.reverse();
    assert_eq!(forward, to_json_bytes(&link_graphs(reversed)));

    // A linked graph is an input again (shards merged on another machine).
    let graph = link_graphs(inputs);
    let again = link_graphs(graph.crates.clone().into_values().collect());
    assert_eq!(forward, to_json_bytes(&again));
}

#[test]
fn a_copy_without_configuration_drops_the_tags_of_its_crate() {
    let graph = link_graphs(vec![
        crate_app(),
        named(crate_b(), &["default"]),
        crate_b_extra(),
    ]);
    let b = &graph.crates[LIB_B];
    assert!(b.krate.configurations.is_empty());
    assert!(b.functions.iter().all(|f| f.configs.is_empty()));
    assert!(b.calls.iter().all(|c| c.configs.is_empty()));
    // Still one id space: the gated function is one node, not two copies of everything.
    assert_eq!(b.functions.len(), 4);
}

#[test]
fn paths_that_are_not_unique_are_not_joined() {
    // Two functions of one path in the `extra` copy (say, methods of two inherent impls that
    // print alike): neither is joined with `default`'s, both keep their local part.
    let mut extra = crate_b_extra();
    extra
        .functions
        .push(function("b2b2:94", "lib_b::compute", FunctionKind::Fn, 40));
    let graph = link_graphs(vec![
        named(crate_b(), &["default"]),
        named(extra, &["extra"]),
    ]);
    let b = &graph.crates[LIB_B];
    let computes: Vec<(&str, Vec<&str>)> = b
        .functions
        .iter()
        .filter(|f| f.path == "lib_b::compute")
        .map(|f| (f.id.as_str(), strs(&f.configs)))
        .collect();
    assert_eq!(
        computes,
        [
            ("b2b2:10", vec!["default"]),
            ("b2b2:90", vec!["extra"]),
            ("b2b2:94", vec!["extra"]),
        ]
    );
    // The unambiguous ones are still joined.
    let wrapper: Vec<&str> = b
        .functions
        .iter()
        .filter(|f| f.path == "lib_b::ffi_wrapper")
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(wrapper, ["b2b2:91"]);
}

#[test]
fn configuration_descriptions_come_from_the_run() {
    let known = [Configuration {
        name: "extra".into(),
        cargo_args: vec!["--features".into(), "extra".into()],
    }];
    let graph = link_graphs_with(
        vec![
            named(crate_b(), &["default"]),
            named(crate_b_extra(), &["extra"]),
        ],
        &known,
    );
    assert_eq!(
        graph.configurations,
        [
            Configuration {
                name: "default".into(),
                cargo_args: vec![],
            },
            known[0].clone(),
        ]
    );
}
