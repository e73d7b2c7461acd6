//! Drop glue in the per-crate graph: a drop site is one edge to the type's glue node, and the
//! glue nodes lead to every `Drop` impl that runs — through fields, and through the type
//! arguments of containers with their own `Drop` impl.

use painter_schema::{CallKind, FunctionKind};

#[test]
fn glue_nodes_lead_to_drop_impls() {
    let graph = painter_tests::analyse_source(
        "glue",
        r#"
pub struct Guard(pub u32);
impl Drop for Guard { fn drop(&mut self) {} }
pub struct Holder { pub guard: Guard, pub id: u32 }
pub fn nested(h: Holder) -> u32 { h.id }
pub fn in_vec(v: Vec<Guard>) -> usize { v.len() }
pub fn moved(h: Holder) -> Holder { h }
"#,
    );
    let function = |path: &str| {
        graph
            .functions
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("no {path}"))
    };
    let edges_from = |id: &str| -> Vec<String> {
        graph
            .calls
            .iter()
            .filter(|c| c.caller == id && c.kind == CallKind::Drop)
            .map(|c| c.callee_path.to_string())
            .collect()
    };
    let holder_glue = function("core::ptr::drop_in_place::<glue::Holder>");
    assert_eq!(holder_glue.kind, FunctionKind::DropGlue);
    let guard_glue = function("core::ptr::drop_in_place::<glue::Guard>");
    // `nested` drops its Holder: one edge, to the glue.
    assert_eq!(
        edges_from(&function("glue::nested").id),
        ["core::ptr::drop_in_place::<glue::Holder>"]
    );
    // Holder's glue drops the Guard field; Guard's glue runs Guard's Drop impl.
    assert_eq!(
        edges_from(&holder_glue.id),
        ["core::ptr::drop_in_place::<glue::Guard>"]
    );
    assert_eq!(
        edges_from(&guard_glue.id),
        ["<glue::Guard as core::ops::drop::Drop>::drop"]
    );
    // Vec<Guard>'s glue: Vec's Drop impl, and (through it) the Guard elements.
    let vec_glue = function("core::ptr::drop_in_place::<alloc::vec::Vec<glue::Guard>>");
    let vec_edges = edges_from(&vec_glue.id);
    assert!(
        vec_edges.contains(&"<alloc::vec::Vec<T, A> as core::ops::drop::Drop>::drop".to_string()),
        "{vec_edges:?}"
    );
    assert!(
        vec_edges.contains(&"core::ptr::drop_in_place::<glue::Guard>".to_string()),
        "{vec_edges:?}"
    );
    // `moved` returns its Holder: nothing is dropped there.
    assert!(edges_from(&function("glue::moved").id).is_empty());
    // Glue nodes are not counted as the crate's functions.
    let glue_nodes = graph
        .functions
        .iter()
        .filter(|f| f.kind == FunctionKind::DropGlue)
        .count() as u64;
    assert_eq!(
        graph.counts.functions,
        graph.functions.len() as u64 - glue_nodes
    );
}
