//! Instantiation edges (docs/linker.md#instantiations) are exact edges of every view: exact
//! reachability follows them, and a path says when a step comes from an instantiation.

#[path = "../../linker/tests/common/mod.rs"]
mod common;

use common::*;
use painter_linker::link_graphs;
use painter_query::{Edges, Target, call_graph, reach};
use painter_schema::*;

const SPEAK: &str = "1111:01";
const DOG_SPEAK: &str = "1111:02";
const CAT_SPEAK: &str = "1111:03";
const CHORUS: &str = "1111:04";
const MAIN: &str = "2222:01";

/// `zoo`: `chorus<T: Animal>` calls `t.speak()`; Dog's `speak` has unsafe code, Cat's too.
/// `app::main` calls `chorus::<instantiated_with>` only.
fn graph(instantiated_with: &str) -> LinkedGraph {
    let mut zoo = empty_crate(info("zoo", "0.1.0", "1111", true));
    let imp = |id: &str, ty: &str| Function {
        implements: Some(SPEAK.into()),
        impl_self_ty: Some(ty.into()),
        impl_trait: Some("zoo::Animal".into()),
        impl_args: vec![ty.into()],
        unsafe_ops: 1,
        ..function(
            id,
            &format!("<{ty} as zoo::Animal>::speak"),
            FunctionKind::ImplMethod,
            2,
        )
    };
    zoo.functions = vec![
        function(SPEAK, "zoo::Animal::speak", FunctionKind::TraitMethod, 1),
        imp(DOG_SPEAK, "zoo::Dog"),
        imp(CAT_SPEAK, "zoo::Cat"),
        function(CHORUS, "zoo::chorus", FunctionKind::Fn, 10),
    ];
    zoo.unsafe_ops = vec![
        op(DOG_SPEAK, UnsafeOpKind::DerefRawPointer, 3),
        op(CAT_SPEAK, UnsafeOpKind::DerefRawPointer, 4),
    ];
    zoo.calls = vec![Call {
        detail: Some("<T as zoo::Animal>".into()),
        args: vec!["#0".into()],
        ..call(
            CHORUS,
            Some(SPEAK),
            "zoo::Animal::speak",
            "zoo",
            CallKind::TraitGeneric,
            11,
        )
    }];
    let mut app = empty_crate(info("app", "0.1.0", "2222", true));
    app.krate.kind = "bin".into();
    app.functions = vec![function(MAIN, "app::main", FunctionKind::Fn, 1)];
    app.calls = vec![Call {
        args: vec![instantiated_with.into()],
        ..call(
            MAIN,
            Some(CHORUS),
            "zoo::chorus",
            "zoo",
            CallKind::Static,
            2,
        )
    }];
    link_graphs(vec![zoo, app])
}

#[test]
fn exact_reachability_follows_instantiation_edges() {
    let linked = graph("zoo::Cat");
    let cg = call_graph(&linked);
    let r = reach(&cg, &Target::Unsafe, Edges::Exact);
    let main = cg.by_id(MAIN).unwrap();
    let witness = r
        .witness(&cg, main)
        .expect("main reaches unsafe code exactly");
    let hops: Vec<&str> = witness.iter().map(|s| cg.node(s.to).path).collect();
    assert_eq!(hops, ["zoo::chorus", "<zoo::Cat as zoo::Animal>::speak"]);
    // The last step is an instantiation edge, not a candidate.
    let last = witness.last().unwrap();
    assert!(last.candidate.is_some_and(painter_query::is_instance));
    assert!(!cg.edge(last.edge).is_candidate());
    // Dog's impl is no target of this call at all: only the instantiation runs.
    let dog = cg.by_id(DOG_SPEAK).unwrap();
    assert!(
        cg.graph
            .edges_directed(dog, petgraph::Direction::Incoming)
            .next()
            .is_none()
    );
}

#[test]
fn an_instantiation_whose_impl_is_outside_the_graph_adds_no_edge() {
    // `main` calls `chorus::<app::Other>`, whose impl is in no crate of the graph: the body's
    // one instantiation selects nothing the graph has, so neither Dog's nor Cat's unsafe
    // impl is a target (class-hierarchy candidates would have proposed both).
    let linked = graph("app::Other");
    let cg = call_graph(&linked);
    let r = reach(&cg, &Target::Unsafe, Edges::Exact);
    assert!(r.witness(&cg, cg.by_id(MAIN).unwrap()).is_none());
}
