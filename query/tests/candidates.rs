//! Candidate edges of `dyn`, `trait_generic` and `fn_ptr` calls: which impls and address-taken
//! functions are proposed, that they stay out of the exact edges, determinism, and the
//! call-graph view with and without them.

#[path = "../../linker/tests/common/mod.rs"]
mod common;

use common::*;
use painter_linker::candidates::{
    REASON_ANY_GENERIC_ARG, REASON_COERCED, REASON_EXTERNAL_TRAIT, REASON_GENERIC_ARG,
    REASON_IMPL_UNINSTANTIATED, REASON_NO_COERCION, REASON_SIGNATURE, expand,
};
use painter_linker::{link, link_graphs, to_json_bytes, write_graph};
use painter_query::{CandidateMode, call_graph, call_graph_with};
use painter_schema::*;

const LIB: &str = "lib@1.0.0";
const ANIMAL: &str = "1111:00";
const SPEAK: &str = "1111:01";
const DOG_SPEAK: &str = "1111:02";
const CAT_SPEAK: &str = "1111:03";
const VEC_SPEAK: &str = "1111:04";
const DOUBLE: &str = "1111:05";
const NAME_LEN: &str = "1111:06";
const PET: &str = "1111:08";

const MAIN: &str = "2222:01";
const RUN_DYN: &str = "2222:02";
const GENERIC: &str = "2222:03";
const APPLY: &str = "2222:04";
const CLOSURE: &str = "2222:05";

fn impl_method(id: &str, path: &str, self_ty: &str, implements: &str, line: u32) -> Function {
    Function {
        implements: Some(implements.into()),
        impl_self_ty: Some(self_ty.into()),
        impl_trait: None,
        ..function(id, path, FunctionKind::ImplMethod, line)
    }
}

/// `lib`: the trait `Animal` with impls for `Dog`, `Cat` and `Vec<T>`, and two plain fns.
fn crate_lib() -> CrateGraph {
    let mut g = empty_crate(info("lib", "1.0.0", "1111", false));
    g.functions = vec![
        function(SPEAK, "lib::Animal::speak", FunctionKind::TraitMethod, 1),
        impl_method(
            DOG_SPEAK,
            "<lib::Dog as lib::Animal>::speak",
            "lib::Dog",
            SPEAK,
            10,
        ),
        impl_method(
            CAT_SPEAK,
            "<lib::Cat as lib::Animal>::speak",
            "lib::Cat",
            SPEAK,
            20,
        ),
        impl_method(
            VEC_SPEAK,
            "<alloc::vec::Vec<T> as lib::Animal>::speak",
            "alloc::vec::Vec<T>",
            SPEAK,
            30,
        ),
        function(DOUBLE, "lib::double", FunctionKind::Fn, 40),
        function(NAME_LEN, "lib::name_len", FunctionKind::Fn, 50),
    ];
    g.recount();
    g
}

fn vtable(
    function: &str,
    self_ty: &str,
    trait_id: &str,
    trait_path: &str,
    line: u32,
) -> AddressTaken {
    AddressTaken {
        configs: Vec::new(),
        function: function.into(),
        kind: AddressTakenKind::Vtable,
        target: None,
        target_path: None,
        signature: None,
        self_ty: Some(self_ty.into()),
        trait_id: Some(trait_id.into()),
        trait_path: Some(trait_path.into()),
        dyn_ty: None,
        passed_to: None,
        span: span("src/main.rs", line),
    }
}

fn fn_ptr(kind: AddressTakenKind, target: &str, path: &str, sig: &str, line: u32) -> AddressTaken {
    AddressTaken {
        configs: Vec::new(),
        function: MAIN.into(),
        kind,
        target: Some(target.into()),
        target_path: Some(path.into()),
        signature: Some(sig.into()),
        self_ty: None,
        trait_id: None,
        trait_path: None,
        dyn_ty: None,
        passed_to: None,
        span: span("src/main.rs", line),
    }
}

/// A call of `callee` with `detail`, from `caller`.
fn indirect(
    caller: &str,
    callee: Option<&str>,
    path: &str,
    kind: CallKind,
    detail: &str,
    line: u32,
) -> Call {
    Call {
        detail: Some(detail.into()),
        span: span("src/main.rs", line),
        ..call(caller, callee, path, "lib", kind, line)
    }
}

/// `app`: `main` calls `run_dyn` (a `dyn Animal` call), `generic` (a call on `T: Animal`) and
/// `apply` (a call through `fn(u32) -> u32`); it coerces the `vtables` given and takes the
/// address of `lib::double`, `lib::name_len` and a closure.
fn crate_app_with(vtables: Vec<AddressTaken>) -> CrateGraph {
    let mut g = empty_crate(info("app", "0.1.0", "2222", true));
    g.functions = vec![
        function(MAIN, "app::main", FunctionKind::Fn, 1),
        function(RUN_DYN, "app::run_dyn", FunctionKind::Fn, 20),
        function(GENERIC, "app::generic", FunctionKind::Fn, 30),
        function(APPLY, "app::apply", FunctionKind::Fn, 40),
        Function {
            parent: Some(MAIN.into()),
            ..function(CLOSURE, "app::main::{closure#0}", FunctionKind::Closure, 5)
        },
    ];
    let local = |callee: &str, path: &str, line| {
        call(MAIN, Some(callee), path, "app", CallKind::Static, line)
    };
    g.calls = vec![
        local(RUN_DYN, "app::run_dyn", 2),
        local(GENERIC, "app::generic", 3),
        local(APPLY, "app::apply", 4),
        indirect(
            RUN_DYN,
            Some(SPEAK),
            "lib::Animal::speak",
            CallKind::Dyn,
            "dyn lib::Animal",
            21,
        ),
        indirect(
            GENERIC,
            Some(SPEAK),
            "lib::Animal::speak",
            CallKind::TraitGeneric,
            "T",
            31,
        ),
        indirect(APPLY, None, "", CallKind::FnPtr, "fn(u32) -> u32", 41),
    ];
    g.address_taken = vtables;
    g.address_taken.extend([
        fn_ptr(
            AddressTakenKind::FnPtr,
            DOUBLE,
            "lib::double",
            "fn(u32) -> u32",
            6,
        ),
        // The same fn taken twice: one candidate.
        fn_ptr(
            AddressTakenKind::FnPtr,
            DOUBLE,
            "lib::double",
            "fn(u32) -> u32",
            7,
        ),
        fn_ptr(
            AddressTakenKind::FnPtr,
            NAME_LEN,
            "lib::name_len",
            "fn(&str) -> usize",
            8,
        ),
        fn_ptr(
            AddressTakenKind::ClosureFnPtr,
            CLOSURE,
            "app::main::{closure#0}",
            "fn(u32) -> u32",
            9,
        ),
    ]);
    g.recount();
    g
}

fn dog_coerced() -> Vec<AddressTaken> {
    vec![vtable(MAIN, "lib::Dog", ANIMAL, "lib::Animal", 10)]
}

/// The candidates of the first call of `kind` in `app`: (callee, reason), sorted.
fn candidates_of(graph: &LinkedGraph, kind: CallKind) -> Vec<(&str, &str)> {
    let calls = &graph.crates[APP].calls;
    let call = calls.iter().find(|c| c.kind == kind).unwrap();
    let Some(set) = call.candidates else {
        return Vec::new();
    };
    let mut found: Vec<(&str, &str)> = graph.candidate_sets[set as usize]
        .targets
        .iter()
        .map(|t| (t.callee.as_str(), t.reason.as_str()))
        .collect();
    found.sort();
    found
}

#[test]
fn dyn_call_gets_the_impls_of_coerced_types_only() {
    let graph = link_graphs(vec![crate_app_with(dog_coerced()), crate_lib()]);
    assert_eq!(
        candidates_of(&graph, CallKind::Dyn),
        [(DOG_SPEAK, REASON_COERCED)]
    );
    let edges = expand(&graph);
    let edge = edges.iter().find(|c| c.kind == CallKind::Dyn).unwrap();
    assert_eq!(edge.crate_key, APP);
    assert_eq!(edge.caller, RUN_DYN);
    assert_eq!(edge.callee_path, "<lib::Dog as lib::Animal>::speak");
    assert_eq!(edge.target_crate, LIB);
    // `call` is the position of the dyn call in app's calls.
    let call = &graph.crates[APP].calls[edge.call as usize];
    assert_eq!((call.kind, call.caller.as_str()), (CallKind::Dyn, RUN_DYN));
}

#[test]
fn dyn_call_without_any_coercion_falls_back_to_every_impl() {
    let graph = link_graphs(vec![crate_app_with(vec![]), crate_lib()]);
    assert_eq!(
        candidates_of(&graph, CallKind::Dyn),
        [
            (DOG_SPEAK, REASON_NO_COERCION),
            (CAT_SPEAK, REASON_NO_COERCION),
            (VEC_SPEAK, REASON_NO_COERCION),
        ]
    );
}

#[test]
fn generic_impl_fits_a_coerced_instance() {
    let coerced = vec![vtable(
        MAIN,
        "alloc::vec::Vec<u8>",
        ANIMAL,
        "lib::Animal",
        10,
    )];
    let graph = link_graphs(vec![crate_app_with(coerced), crate_lib()]);
    assert_eq!(
        candidates_of(&graph, CallKind::Dyn),
        [(VEC_SPEAK, REASON_COERCED)]
    );
}

#[test]
fn coercion_in_generic_code_fits_every_impl() {
    // `Box::new(t) as Box<dyn Animal>` with `t: T`.
    let coerced = vec![vtable(GENERIC, "T", ANIMAL, "lib::Animal", 32)];
    let graph = link_graphs(vec![crate_app_with(coerced), crate_lib()]);
    assert_eq!(candidates_of(&graph, CallKind::Dyn).len(), 3);
}

/// No call in the graph instantiates the generic caller: every impl, marked as such.
#[test]
fn trait_generic_call_gets_every_impl() {
    let graph = link_graphs(vec![crate_app_with(dog_coerced()), crate_lib()]);
    assert_eq!(
        candidates_of(&graph, CallKind::TraitGeneric),
        [
            (DOG_SPEAK, REASON_IMPL_UNINSTANTIATED),
            (CAT_SPEAK, REASON_IMPL_UNINSTANTIATED),
            (VEC_SPEAK, REASON_IMPL_UNINSTANTIATED),
        ]
    );
}

#[test]
fn fn_ptr_call_gets_the_address_taken_fns_of_its_signature() {
    let graph = link_graphs(vec![crate_app_with(vec![]), crate_lib()]);
    assert_eq!(
        candidates_of(&graph, CallKind::FnPtr),
        [(DOUBLE, REASON_SIGNATURE), (CLOSURE, REASON_SIGNATURE)]
    );
    let edges = expand(&graph);
    let targets: Vec<(&str, &str)> = edges
        .iter()
        .filter(|c| c.kind == CallKind::FnPtr)
        .map(|c| (c.callee_path.as_str(), c.target_crate.as_str()))
        .collect();
    assert_eq!(
        targets,
        [("lib::double", LIB), ("app::main::{closure#0}", APP)]
    );
}

#[test]
fn fn_ptr_call_in_generic_code_matches_instances() {
    let mut app = crate_app_with(vec![]);
    let apply = app
        .calls
        .iter_mut()
        .find(|c| c.kind == CallKind::FnPtr)
        .unwrap();
    apply.detail = Some("fn(T) -> T".into());
    let graph = link_graphs(vec![app, crate_lib()]);
    // `fn(&str) -> usize` is not `fn(T) -> T` for any `T`… but the comparison does not tie the
    // two `T`s together, so it is proposed too: candidates err towards too many.
    assert_eq!(
        candidates_of(&graph, CallKind::FnPtr),
        [
            (DOUBLE, REASON_SIGNATURE),
            (NAME_LEN, REASON_SIGNATURE),
            (CLOSURE, REASON_SIGNATURE),
        ]
    );
}

#[test]
fn fn_outside_the_graph_is_no_candidate() {
    // Without lib, `lib::double` has no crate key to name; the closure of app remains.
    let graph = link_graphs(vec![crate_app_with(vec![])]);
    assert_eq!(
        candidates_of(&graph, CallKind::FnPtr),
        [(CLOSURE, REASON_SIGNATURE)]
    );
}

#[test]
fn candidates_never_enter_the_exact_edges() {
    let with = link_graphs(vec![crate_app_with(dog_coerced()), crate_lib()]);
    assert!(!with.candidate_sets.is_empty());
    // The same crates without anything candidates are made of.
    let mut app = crate_app_with(vec![]);
    app.address_taken.clear();
    let mut lib = crate_lib();
    for f in &mut lib.functions {
        f.implements = None;
    }
    let without = link_graphs(vec![app, lib]);
    assert!(without.candidate_sets.is_empty());
    for (key, krate) in &with.crates {
        // Calls only gain a pointer to their candidate set.
        let mut calls = krate.calls.clone();
        calls.iter_mut().for_each(|c| c.candidates = None);
        assert_eq!(calls, without.crates[key].calls, "{key}");
        assert_eq!(krate.counts, without.crates[key].counts, "{key}");
    }
    assert_eq!(with.stats, without.stats);
    assert_eq!(with.external_functions, without.external_functions);
}

#[test]
fn input_order_does_not_change_the_candidates() {
    let forward = link_graphs(vec![crate_app_with(dog_coerced()), crate_lib()]);
    let mut app = crate_app_with(dog_coerced());
    app.calls.reverse();
    app.functions.reverse();
    app.address_taken.reverse();
    let mut lib = crate_lib();
    lib.functions.reverse();
    let backward = link_graphs(vec![lib, app]);
    assert_eq!(forward.candidate_sets, backward.candidate_sets);
    assert_eq!(expand(&forward), expand(&backward));
    assert_eq!(to_json_bytes(&forward), to_json_bytes(&backward));
}

#[test]
fn writing_a_reordered_graph_keeps_candidates_on_their_calls() {
    let graph = link_graphs(vec![crate_app_with(dog_coerced()), crate_lib()]);
    let mut shuffled = graph.clone();
    // Each call carries its set index, so reordering calls moves nothing else.
    shuffled.crates.get_mut(APP).unwrap().calls.reverse();
    assert_eq!(to_json_bytes(&shuffled), to_json_bytes(&graph));
}

#[test]
fn relinking_recomputes_candidates() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = link_graphs(vec![crate_app_with(dog_coerced()), crate_lib()]);
    let mut stale = fresh.clone();
    stale.candidate_sets.push(CandidateSet {
        kind: CallKind::Dyn,
        question: "stale".into(),
        targets: vec![CandidateTarget {
            callee: CAT_SPEAK.into(),
            callee_path: "<lib::Cat as lib::Animal>::speak".into(),
            target_crate: LIB.into(),
            reason: "stale".into(),
            via: None,
        }],
    });
    let stale_set = stale.candidate_sets.len() as u32 - 1;
    stale.crates.get_mut(APP).unwrap().calls[0].candidates = Some(stale_set);
    let path = dir.path().join("graph.json");
    write_graph(&stale, &path).unwrap();
    let relinked = link(&[path], &Default::default()).unwrap().graph;
    assert_eq!(relinked, fresh);
}

#[test]
fn address_taken_of_merged_copies_is_united() {
    // The same app analysed twice (e.g. other features): one copy coerced Dog, the other Cat.
    let dog = crate_app_with(dog_coerced());
    let mut cat = crate_app_with(vec![vtable(MAIN, "lib::Cat", ANIMAL, "lib::Animal", 11)]);
    cat.krate.features = vec!["cats".into()];
    let graph = link_graphs(vec![cat.clone(), crate_lib(), dog.clone()]);
    let vtables: Vec<&str> = graph.crates[APP]
        .address_taken
        .iter()
        .filter_map(|a| a.self_ty.as_deref())
        .collect();
    assert_eq!(vtables, ["lib::Dog", "lib::Cat"]);
    // Shared records once: 4 fn-pointer records + 2 vtables.
    assert_eq!(graph.crates[APP].address_taken.len(), 6);
    assert_eq!(
        candidates_of(&graph, CallKind::Dyn),
        [(DOG_SPEAK, REASON_COERCED), (CAT_SPEAK, REASON_COERCED)]
    );
    let other_order = link_graphs(vec![dog, crate_lib(), cat]);
    assert_eq!(to_json_bytes(&graph), to_json_bytes(&other_order));
}

#[test]
fn impl_in_a_merged_copy_with_another_stable_id_is_found() {
    // lib built a second time with other features: another stable crate id, same local hashes.
    let mut lib2 = empty_crate(info("lib", "1.0.0", "1b1b", false));
    lib2.functions = vec![impl_method(
        "1b1b:07",
        "<lib::Bird as lib::Animal>::speak",
        "lib::Bird",
        "1b1b:01",
        60,
    )];
    let graph = link_graphs(vec![crate_app_with(vec![]), crate_lib(), lib2]);
    let callees: Vec<&str> = candidates_of(&graph, CallKind::TraitGeneric)
        .into_iter()
        .map(|(callee, _)| callee)
        .collect();
    // The copy's ids join the crate's id space (the smaller crate id, `1111`).
    assert_eq!(callees, [DOG_SPEAK, CAT_SPEAK, VEC_SPEAK, "1111:07"]);
}

#[test]
fn supertrait_method_through_a_subtrait_object() {
    // `trait Pet: Animal`; `pet.speak()` on a `dyn Pet`: types coerced to `dyn Pet` count, not
    // those coerced to `dyn Animal`.
    let coerced = vec![
        vtable(MAIN, "lib::Dog", ANIMAL, "lib::Animal", 10),
        vtable(MAIN, "lib::Cat", PET, "lib::Pet", 11),
    ];
    let mut app = crate_app_with(coerced);
    let dyn_call = app
        .calls
        .iter_mut()
        .find(|c| c.kind == CallKind::Dyn)
        .unwrap();
    dyn_call.detail = Some("dyn lib::Pet + core::marker::Send".into());
    let graph = link_graphs(vec![app, crate_lib()]);
    assert_eq!(
        candidates_of(&graph, CallKind::Dyn),
        [(CAT_SPEAK, REASON_COERCED)]
    );
}

#[test]
fn upcast_trait_objects_bring_their_types() {
    // Cat is coerced to `dyn Pet`, which is upcast to `dyn Animal`.
    let coerced = vec![
        vtable(MAIN, "lib::Dog", ANIMAL, "lib::Animal", 10),
        vtable(MAIN, "lib::Cat", PET, "lib::Pet", 11),
        vtable(RUN_DYN, "dyn lib::Pet", ANIMAL, "lib::Animal", 22),
    ];
    let graph = link_graphs(vec![crate_app_with(coerced), crate_lib()]);
    assert_eq!(
        candidates_of(&graph, CallKind::Dyn),
        [(DOG_SPEAK, REASON_COERCED), (CAT_SPEAK, REASON_COERCED)]
    );
}

#[test]
fn trait_of_a_crate_outside_the_graph_is_not_narrowed() {
    // `core::fmt::Display` (core not analysed): coercions may happen inside core or std.
    let mut lib = crate_lib();
    for (id, ty) in [("1111:0a", "lib::Dog"), ("1111:0b", "lib::Cat")] {
        lib.functions.push(impl_method(
            id,
            &format!("<{ty} as core::fmt::Display>::fmt"),
            ty,
            "cccc:01",
            70,
        ));
    }
    let mut app = crate_app_with(vec![vtable(
        MAIN,
        "lib::Dog",
        "cccc:00",
        "core::fmt::Display",
        10,
    )]);
    let dyn_call = app
        .calls
        .iter_mut()
        .find(|c| c.kind == CallKind::Dyn)
        .unwrap();
    dyn_call.callee = Some("cccc:01".into());
    dyn_call.callee_path = "core::fmt::Display::fmt".into();
    dyn_call.detail = Some("dyn core::fmt::Display".into());
    let graph = link_graphs(vec![app, lib]);
    assert_eq!(
        candidates_of(&graph, CallKind::Dyn),
        [
            ("1111:0a", REASON_EXTERNAL_TRAIT),
            ("1111:0b", REASON_EXTERNAL_TRAIT)
        ]
    );
}

#[test]
fn coercions_to_another_version_of_the_trait_do_not_count() {
    // lib 2.0.0 defines a trait of the same path; Cat is coerced to that one.
    let mut lib2 = crate_lib();
    lib2.krate.version = "2.0.0".into();
    lib2.krate.stable_id = "3333".into();
    for f in &mut lib2.functions {
        f.id = (f.id.replace("1111", "3333")).into();
        f.implements = f.implements.as_ref().map(|i| i.replace("1111", "3333"));
    }
    let coerced = vec![
        vtable(MAIN, "lib::Dog", ANIMAL, "lib::Animal", 10),
        vtable(MAIN, "lib::Cat", "3333:00", "lib::Animal", 11),
    ];
    let graph = link_graphs(vec![crate_app_with(coerced), crate_lib(), lib2]);
    assert_eq!(
        candidates_of(&graph, CallKind::Dyn),
        [(DOG_SPEAK, REASON_COERCED)]
    );
}

#[test]
fn call_graph_includes_candidates_only_when_asked() {
    let graph = link_graphs(vec![crate_app_with(dog_coerced()), crate_lib()]);
    let is_dog = |n: &painter_query::graph::Node<'_>| n.id == DOG_SPEAK;

    // Exact edges only: Dog::speak is reachable only through the dyn call's candidate.
    let exact = call_graph(&graph);
    let main = exact.by_id(MAIN).unwrap();
    assert!(exact.shortest_path(&[main], is_dog).is_none());
    assert!(exact.graph.edge_weights().all(|e| !e.is_candidate()));

    let with = call_graph_with(&graph, CandidateMode::Include);
    assert_eq!(
        with.graph.edge_count(),
        exact.graph.edge_count() + expand(&graph).len()
    );
    let main = with.by_id(MAIN).unwrap();
    let chain = with
        .shortest_path(&[main], is_dog)
        .expect("via the candidate");
    let hops: Vec<(&str, &str, bool)> = chain
        .iter()
        .map(|s| {
            (
                with.node(s.from).id,
                with.node(s.to).id,
                s.candidate.is_some(),
            )
        })
        .collect();
    assert_eq!(hops, [(MAIN, RUN_DYN, false), (RUN_DYN, DOG_SPEAK, true)]);
    assert_eq!(chain[1].call.kind, CallKind::Dyn);
    assert_eq!(chain[1].candidate.unwrap().reason, REASON_COERCED);

    // The same view, one query skipping candidates.
    assert!(
        with.shortest_path_via(&[main], is_dog, |e| !e.is_candidate())
            .is_none()
    );
    // The exact edge to the trait method itself (a default body, if any) stays.
    let speak = with.by_id(SPEAK).unwrap();
    assert!(
        with.shortest_path_via(&[main], |n| n.id == SPEAK, |e| !e.is_candidate())
            .is_some_and(|chain| chain.last().unwrap().to == speak)
    );
}

/// A `dyn` of a generic trait: only impls with the object's trait arguments, of types coerced
/// to a `dyn` with those arguments.
#[test]
fn dyn_of_a_generic_trait_keeps_to_its_arguments() {
    let mut lib = crate_lib();
    for f in &mut lib.functions {
        f.impl_trait = match f.id.as_str() {
            DOG_SPEAK => Some("lib::Animal<u32>".into()),
            CAT_SPEAK => Some("lib::Animal<u64>".into()),
            _ => None,
        };
    }
    let with_dyn = |mut v: AddressTaken, dyn_ty: &str| {
        v.dyn_ty = Some(dyn_ty.into());
        v
    };
    let coerced = vec![
        with_dyn(
            vtable(MAIN, "lib::Dog", ANIMAL, "lib::Animal", 10),
            "dyn lib::Animal<u32>",
        ),
        with_dyn(
            vtable(MAIN, "lib::Cat", ANIMAL, "lib::Animal", 11),
            "dyn lib::Animal<u64>",
        ),
        // Cat also behind `dyn Animal<u32>`? Only if its impl were for u32: it is not.
        with_dyn(
            vtable(MAIN, "lib::Cat", ANIMAL, "lib::Animal", 12),
            "dyn lib::Animal<u32> + Send",
        ),
    ];
    let mut app = crate_app_with(coerced);
    for c in &mut app.calls {
        if c.kind == CallKind::Dyn {
            c.detail = Some("dyn lib::Animal<u32>".into());
        }
    }
    let graph = link_graphs(vec![app, lib]);
    assert_eq!(
        candidates_of(&graph, CallKind::Dyn),
        [(DOG_SPEAK, REASON_COERCED)]
    );
}

/// Closures behind `dyn Fn`: a call through `dyn Fn(u32) -> u32` reaches the closures coerced
/// to that type, not those behind `dyn Fn(&str) -> usize`.
#[test]
fn dyn_fn_call_keeps_to_its_signature() {
    const FN_CALL: &str = "3333:01";
    let closure_behind = |target: &str, path: &str, dyn_ty: &str, line| AddressTaken {
        target: Some(target.into()),
        target_path: Some(path.into()),
        dyn_ty: Some(dyn_ty.into()),
        ..vtable(MAIN, "{closure}", "3333:00", "std::ops::Fn", line)
    };
    let mut app = crate_app_with(vec![
        closure_behind(
            CLOSURE,
            "app::main::{closure#0}",
            "dyn std::ops::Fn(u32) -> u32",
            10,
        ),
        closure_behind(
            DOUBLE,
            "lib::double",
            "dyn std::ops::Fn(u32) -> u32 + Send",
            11,
        ),
        closure_behind(
            NAME_LEN,
            "lib::name_len",
            "dyn for<'a> std::ops::Fn(&'a str) -> usize",
            12,
        ),
    ]);
    for c in &mut app.calls {
        if c.kind == CallKind::Dyn {
            c.callee = Some(FN_CALL.into());
            c.callee_path = "std::ops::Fn::call".into();
            c.detail = Some("dyn std::ops::Fn(u32) -> u32".into());
        }
    }
    let graph = link_graphs(vec![app, crate_lib()]);
    let found: Vec<&str> = candidates_of(&graph, CallKind::Dyn)
        .into_iter()
        .map(|(callee, _)| callee)
        .collect();
    assert_eq!(found, [DOUBLE, CLOSURE]);
}

/// A generic call carries its trait with arguments (`<T as lib::Animal<u32>>`): only impls of
/// the trait with those arguments are candidates.
#[test]
fn generic_call_keeps_to_its_trait_arguments() {
    let mut lib = crate_lib();
    for f in &mut lib.functions {
        f.impl_trait = match f.id.as_str() {
            DOG_SPEAK => Some("lib::Animal<u32>".into()),
            CAT_SPEAK => Some("lib::Animal<u64>".into()),
            VEC_SPEAK => Some("lib::Animal<T>".into()),
            _ => None,
        };
    }
    let mut app = crate_app_with(vec![]);
    for c in &mut app.calls {
        if c.kind == CallKind::TraitGeneric {
            c.detail = Some("<T as lib::Animal<u32>>".into());
        }
    }
    let graph = link_graphs(vec![app, lib]);
    assert_eq!(
        candidates_of(&graph, CallKind::TraitGeneric),
        [
            (DOG_SPEAK, REASON_IMPL_UNINSTANTIATED),
            (VEC_SPEAK, REASON_IMPL_UNINSTANTIATED)
        ]
    );
}

/// `f(x)` on `F: Fn(u32) -> u32` in `apply`: the closures and fns passed to `apply` as type
/// arguments that take a `u32`; in a function nothing is passed to, those passed anywhere.
#[test]
fn fn_trait_generic_call_gets_the_closures_passed_to_its_function() {
    const FN_CALL: &str = "3333:01";
    const OTHER: &str = "2222:09";
    let passed = |target: &str, path: &str, sig: &str, to: &str, line| AddressTaken {
        passed_to: Some(to.into()),
        ..fn_ptr(AddressTakenKind::GenericArg, target, path, sig, line)
    };
    let mut app = crate_app_with(vec![
        passed(
            CLOSURE,
            "app::main::{closure#0}",
            "fn(u32) -> u32",
            APPLY,
            6,
        ),
        passed(
            NAME_LEN,
            "lib::name_len",
            "for<'a> fn(&'a str) -> usize",
            APPLY,
            7,
        ),
        passed(DOUBLE, "lib::double", "fn(u32) -> u32", OTHER, 8),
    ]);
    app.functions
        .push(function(OTHER, "app::other", FunctionKind::Fn, 60));
    let fn_call = |caller: &str, line| {
        indirect(
            caller,
            Some(FN_CALL),
            "std::ops::Fn::call",
            CallKind::TraitGeneric,
            "<F as std::ops::Fn<(u32,)>>",
            line,
        )
    };
    app.calls.retain(|c| c.kind != CallKind::TraitGeneric);
    app.calls.push(fn_call(APPLY, 42));
    app.calls.push(fn_call(GENERIC, 32));
    let graph = link_graphs(vec![app, crate_lib()]);
    let sets: Vec<Vec<(&str, &str)>> = [APPLY, GENERIC]
        .iter()
        .map(|caller| {
            let call = graph.crates[APP]
                .calls
                .iter()
                .find(|c| c.caller == *caller && c.kind == CallKind::TraitGeneric)
                .unwrap();
            let set = &graph.candidate_sets[call.candidates.unwrap() as usize];
            let mut found: Vec<(&str, &str)> = set
                .targets
                .iter()
                .map(|t| (t.callee.as_str(), t.reason.as_str()))
                .collect();
            found.sort();
            found
        })
        .collect();
    assert_eq!(sets[0], [(CLOSURE, REASON_GENERIC_ARG)]);
    assert_eq!(
        sets[1],
        [
            (DOUBLE, REASON_ANY_GENERIC_ARG),
            (CLOSURE, REASON_ANY_GENERIC_ARG)
        ]
    );
}
