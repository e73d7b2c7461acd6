//! Ecosystem figures: unsafe users, their direct callers, FFI reach, public functions reaching
//! unsafe code, top crates and kinds.

mod common;

use common::*;
use painter_linker::{ecosystem_figures, link_graphs, render_figures};
use painter_schema::*;

#[test]
fn figures_of_app_and_lib_b() {
    let mut c = empty_crate(info("lib-c", "0.1.0", "dddd", false));
    c.functions = vec![function("dddd:01", "lib_c::pure", FunctionKind::Fn, 1)];
    c.recount();
    let graph = link_graphs(vec![crate_app(), crate_b(), c]);
    let f = ecosystem_figures(&graph);
    assert_eq!(f.crates, 3);
    // app (helper's deref) and lib-b (the unsafe call of write) use unsafe; lib-c does not.
    assert_eq!(f.crates_using_unsafe, 2);
    // app calls lib_b::compute directly.
    assert_eq!(f.crates_calling_unsafe_crates, 1);
    let app = f.per_crate.iter().find(|r| r.key == APP).unwrap();
    assert_eq!(app.calls_unsafe_crates, [LIB_B]);
    // app reaches C through lib-b; lib-b itself through ffi_wrapper.
    assert_eq!(f.crates_reaching_ffi, 2);
    // Public fns (all of common's are public; the foreign one is no API fn): main, helper,
    // compute, ffi_wrapper, lib_c::pure. All but pure reach unsafe code.
    assert_eq!(f.public_functions, 5);
    assert_eq!(f.public_functions_reaching_unsafe, 4);
    assert_eq!(
        f.top_crates_by_unsafe_ops,
        [(APP.to_string(), 1), (LIB_B.to_string(), 1)]
    );
    assert_eq!(f.unsafe_ops_by_kind["deref_raw_pointer"], 1);
    assert_eq!(f.unsafe_ops_by_kind["call_unsafe_fn"], 1);
    let text = render_figures(&f);
    assert!(text.contains("crates using unsafe themselves"), "{text}");
    assert!(text.contains("2 of 3 (66.7%)"), "{text}");
}
