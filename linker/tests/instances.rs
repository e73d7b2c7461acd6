//! Instantiations over the linked graph (docs/linker.md#instantiations): a `trait_generic`
//! call in a generic body resolves to the impl each instantiation the graph shows selects
//! (`via: instantiation`); a library analysed without its callers keeps marked candidates.

mod common;

use common::{call, empty_crate, function, info};
use painter_linker::candidates::{REASON_IMPL, REASON_IMPL_UNINSTANTIATED, REASON_INSTANCE};
use painter_linker::link_graphs;
use painter_schema::*;

const SPEAK: &str = "1111:01";
const DOG_SPEAK: &str = "1111:02";
const CAT_SPEAK: &str = "1111:03";
const CHORUS: &str = "1111:04";
const SOLO: &str = "1111:05";
const RUN: &str = "1111:06";
const APP_MAIN: &str = "2222:01";

fn impl_method(id: &str, ty: &str) -> Function {
    let mut f = function(
        id,
        &format!("<{ty} as zoo::Animal>::speak"),
        FunctionKind::ImplMethod,
        1,
    );
    f.implements = Some(SPEAK.into());
    f.impl_self_ty = Some(ty.into());
    f.impl_trait = Some("zoo::Animal".into());
    f.impl_args = vec![ty.into()];
    f
}

/// `t.speak()` with `T: Animal` in `caller`, the body's parameter `#0` as receiver.
fn speak_call(caller: &str, line: u32) -> Call {
    let mut c = call(
        caller,
        Some(SPEAK),
        "zoo::Animal::speak",
        "zoo",
        CallKind::TraitGeneric,
        line,
    );
    c.detail = Some("<T as zoo::Animal>".into());
    c.args = vec!["#0".into()];
    c
}

/// `callee::<ty>(..)` from `caller`.
fn instantiating(caller: &str, callee: &str, path: &str, krate: &str, ty: &str, line: u32) -> Call {
    let mut c = call(caller, Some(callee), path, krate, CallKind::Static, line);
    c.args = vec![ty.into()];
    c
}

/// The library `zoo`: `Animal` with impls for Dog and Cat; `chorus<T: Animal>` (public),
/// instantiated inside the library with Dog by `run`; `solo<T: Animal>`, never instantiated.
fn zoo() -> CrateGraph {
    let mut krate = empty_crate(info("zoo", "0.1.0", "1111", true));
    krate.functions = vec![
        function(SPEAK, "zoo::Animal::speak", FunctionKind::TraitMethod, 1),
        impl_method(DOG_SPEAK, "zoo::Dog"),
        impl_method(CAT_SPEAK, "zoo::Cat"),
        function(CHORUS, "zoo::chorus", FunctionKind::Fn, 10),
        function(SOLO, "zoo::solo", FunctionKind::Fn, 20),
        function(RUN, "zoo::run", FunctionKind::Fn, 30),
    ];
    krate.calls = vec![
        speak_call(CHORUS, 11),
        speak_call(SOLO, 21),
        instantiating(RUN, CHORUS, "zoo::chorus", "zoo", "zoo::Dog", 31),
    ];
    krate
}

/// The targets of the call at `line` of crate `key`: (callee path, via, reason), in the set's
/// order (by callee id).
fn targets(graph: &LinkedGraph, key: &str, line: u32) -> Vec<(String, Option<Via>, String)> {
    let call = graph.crates[key]
        .calls
        .iter()
        .find(|c| c.span.line == line)
        .expect("call");
    let Some(set) = call.candidates else {
        return Vec::new();
    };
    graph.candidate_sets[set as usize]
        .targets
        .iter()
        .map(|t| (t.callee_path.clone(), t.via, t.reason.clone()))
        .collect()
}

#[test]
fn library_without_callers_keeps_marked_candidates() {
    let graph = link_graphs(vec![zoo()]);
    // Instantiated inside the library with Dog, but public in a library no crate of the graph
    // calls: callers outside the graph may instantiate it with Cat. Dog is an instantiation
    // edge, Cat a candidate.
    let chorus = targets(&graph, "zoo@0.1.0", 11);
    assert_eq!(
        chorus,
        vec![
            (
                "<zoo::Dog as zoo::Animal>::speak".into(),
                Some(Via::Instantiation),
                REASON_INSTANCE.into()
            ),
            (
                "<zoo::Cat as zoo::Animal>::speak".into(),
                None,
                REASON_IMPL.into()
            ),
        ]
    );
    // Never instantiated in the graph: every impl, marked as such.
    let solo = targets(&graph, "zoo@0.1.0", 21);
    assert_eq!(solo.len(), 2);
    assert!(
        solo.iter()
            .all(|(_, via, reason)| via.is_none() && reason == REASON_IMPL_UNINSTANTIATED)
    );
}

#[test]
fn instantiations_in_the_graph_select_the_impl() {
    // An application calls `chorus::<Cat>`: with the library's own `chorus::<Dog>`, those are
    // all its instantiations (the library is used from inside the graph).
    let mut app = empty_crate(info("app", "0.1.0", "2222", true));
    app.krate.kind = "bin".into();
    app.functions = vec![function(APP_MAIN, "app::main", FunctionKind::Fn, 1)];
    app.calls = vec![instantiating(
        APP_MAIN,
        CHORUS,
        "zoo::chorus",
        "zoo",
        "zoo::Cat",
        2,
    )];
    let graph = link_graphs(vec![zoo(), app]);
    let chorus = targets(&graph, "zoo@0.1.0", 11);
    assert_eq!(
        chorus
            .iter()
            .map(|t| (t.0.as_str(), t.1))
            .collect::<Vec<_>>(),
        vec![
            ("<zoo::Dog as zoo::Animal>::speak", Some(Via::Instantiation)),
            ("<zoo::Cat as zoo::Animal>::speak", Some(Via::Instantiation)),
        ]
    );
    // The set's question names the instantiations the edges come from.
    let set = graph.crates["zoo@0.1.0"].calls[0].candidates.unwrap();
    let question = &graph.candidate_sets[set as usize].question;
    assert!(
        question.contains("for zoo::Cat") && question.contains("for zoo::Dog"),
        "{question}"
    );

    // Stored in the call's set, they are told apart from candidates by `via`, also expanded.
    let expanded = painter_linker::candidates::expand(&graph);
    assert_eq!(
        expanded
            .iter()
            .filter(|e| e.via == Some(Via::Instantiation))
            .count(),
        2
    );
}
