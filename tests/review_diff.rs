//! Precision of `painter_review::diff` on small crates analysed by the real driver: an op that
//! moves lines is not reported, an added op, unsafe impl, extern block and native library are,
//! each exactly once; and the reachability part names the public function that newly reaches
//! them.

use painter_review::diff::{CrateStatus, Diff, DiffOptions, diff};
use painter_schema::{DeclarationKind, LinkedGraph, UnsafeOpKind};
use painter_tests::analyse_source;

const OLD: &str = r#"
pub struct Buf(*mut u8);

pub fn first(p: *const u32) -> u32 {
    unsafe { *p }
}

pub fn copy(src: *const u8, dst: *mut u8) {
    unsafe { std::ptr::copy_nonoverlapping(src, dst, 1) }
}

pub fn safe_only(x: u32) -> u32 {
    x + 1
}
"#;

/// `first` moved down by unrelated edits (a new comment block and a new safe fn above it), a
/// second deref added to `copy`, an `unsafe impl Send`, and an extern block linking `m` that
/// `safe_only` now calls.
const NEW: &str = r#"
// An unrelated edit: lines above every op move.
// (two lines of comments)

pub fn helper(x: u32) -> u32 {
    x * 2
}

pub struct Buf(*mut u8);

unsafe impl Send for Buf {}

#[link(name = "m")]
unsafe extern "C" {
    safe fn cos(x: f64) -> f64;
}

pub fn first(p: *const u32) -> u32 {
    unsafe { *p }
}

pub fn copy(src: *const u8, dst: *mut u8) {
    unsafe { std::ptr::copy_nonoverlapping(src, dst, 1) }
    let _ = unsafe { *src };
}

pub fn safe_only(x: u32) -> u32 {
    (cos(x as f64) as u32) + 1
}
"#;

fn graph(name: &str, source: &str) -> LinkedGraph {
    let mut krate = analyse_source(name, source);
    // A workspace member, as `cargo painter` marks them (reachability starts there).
    krate.krate.primary = true;
    painter_linker::link_graphs(vec![krate])
}

fn run() -> Diff {
    let (old, new) = (graph("review_pair", OLD), graph("review_pair", NEW));
    diff(
        &old,
        &new,
        &DiffOptions {
            old_label: "old".into(),
            new_label: "new".into(),
        },
    )
}

#[test]
fn moved_op_is_not_reported_added_items_are() {
    let d = run();
    assert_eq!(d.crates.len(), 1, "{:#?}", d.crates);
    let c = &d.crates[0];
    assert_eq!(c.status, CrateStatus::Same);
    // The deref in `first` moved 15 lines and is unchanged; so is `copy`'s call.
    assert!(c.ops.removed.is_empty(), "{:#?}", c.ops.removed);
    assert!(c.ops.moved.is_empty(), "{:#?}", c.ops.moved);
    assert_eq!(c.ops.unchanged, 2);
    let added: Vec<(&str, UnsafeOpKind, u32)> = c
        .ops
        .added
        .iter()
        .map(|o| (o.function.as_str(), o.kind, o.span.line))
        .collect();
    assert_eq!(
        added,
        [("review_pair::copy", UnsafeOpKind::DerefRawPointer, 24)]
    );
    assert!(c.ops.added[0].own);

    let decls: Vec<(DeclarationKind, Option<&str>)> = c
        .declarations
        .added
        .iter()
        .map(|d| (d.kind, d.detail.as_deref()))
        .collect();
    assert!(
        decls.contains(&(DeclarationKind::UnsafeImpl, Some("core::marker::Send"))),
        "{decls:?}"
    );
    assert!(
        decls
            .iter()
            .any(|(k, _)| *k == DeclarationKind::ExternBlock),
        "{decls:?}"
    );
    assert!(c.declarations.removed.is_empty());
    assert_eq!(c.ffi.libraries.added.len(), 1, "{:?}", c.ffi.libraries);
    assert!(
        c.ffi.libraries.added[0].starts_with("m ("),
        "{:?}",
        c.ffi.libraries
    );
    let imports: Vec<&str> = c
        .ffi
        .imports
        .added
        .iter()
        .map(|i| i.symbol.as_str())
        .collect();
    assert_eq!(imports, ["cos"]);

    let s = &d.summary;
    assert_eq!((s.ops_added, s.ops_added_own, s.ops_removed), (1, 1, 0));
    assert_eq!(s.unsafe_impls_added_own, 1);
    assert_eq!(s.ffi_added, 2, "library and symbol");

    // `safe_only` newly reaches FFI (through `cos`); it reached no unsafe code before either.
    let ffi: Vec<&str> = d
        .reach
        .public_reaching_ffi
        .iter()
        .map(|r| r.function.as_str())
        .collect();
    assert_eq!(ffi, ["review_pair::safe_only"]);
    let path = &d.reach.public_reaching_ffi[0].path;
    assert_eq!(path.len(), 1);
    assert_eq!(path[0].callee, "review_pair::cos");

    // Every rule of --deny finds its change.
    use painter_review::deny::{DenyRule, count};
    assert_eq!(count(&d, DenyRule::NewUnsafe), 1);
    assert_eq!(count(&d, DenyRule::NewFfi), 2);
    assert_eq!(count(&d, DenyRule::NewUnsafeImpl), 1);
}

#[test]
fn identical_graphs_have_no_changes_and_renderers_agree() {
    let (a, b) = (graph("review_same", OLD), graph("review_same", OLD));
    let d = diff(&a, &b, &DiffOptions::default());
    assert!(d.crates.is_empty(), "{:#?}", d.crates);
    assert_eq!(d.summary.ops_unchanged, 2);
    assert_eq!(d.reach.totals, Default::default());

    let d = run();
    let table = painter_review::render::table::render(&d);
    assert!(
        table.contains("+ deref_raw_pointer in review_pair::copy"),
        "{table}"
    );
    assert!(table.contains("+ declaration unsafe_impl"), "{table}");
    let md = painter_review::render::markdown::render(&d, &Default::default());
    assert!(
        md.contains("| ➕ | deref_raw_pointer in `review_pair::copy` |"),
        "{md}"
    );
    let sarif = painter_review::render::sarif::sarif_log(&d, None);
    let rules: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"new-unsafe/deref_raw_pointer"), "{rules:?}");
    assert!(rules.contains(&"new-declaration/unsafe_impl"), "{rules:?}");
    assert!(
        rules.contains(&"new-ffi/library") && rules.contains(&"new-ffi/import"),
        "{rules:?}"
    );
    // JSON round-trips (the HTML diff page reads it back).
    let json = serde_json::to_string(&d).unwrap();
    assert_eq!(serde_json::from_str::<Diff>(&json).unwrap(), d);
}
