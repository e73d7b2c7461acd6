//! Summary rows and the plain-text table.

#[path = "../../linker/tests/common/mod.rs"]
mod common;

use common::*;
use painter_linker::link_graphs;
use painter_query::summary::summary_rows;
use painter_query::table::render_table;
use painter_schema::Status;

#[test]
fn rows_put_workspace_members_first() {
    let mut zzz = empty_crate(info("zzz-app", "0.1.0", "dddd", true));
    zzz.status = Status::Failed;
    zzz.error = Some("analysis panicked".into());
    let rows = summary_rows(&link_graphs(vec![crate_b(), zzz, crate_app()]));
    let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, [APP, "zzz-app@0.1.0", LIB_B]);

    let b = &rows[2];
    assert_eq!(
        (
            b.functions,
            b.calls,
            b.unsafe_ops,
            b.unsafe_fns,
            b.ffi_calls
        ),
        (3, 3, 1, 1, 1)
    );
    assert_eq!(b.unsafe_ops_by_kind.get("call_unsafe_fn"), Some(&1));
    assert_eq!(b.native_libraries, ["c"]);
    assert_eq!(rows[0].unsafe_blocks_user, 1);
    assert_eq!(rows[1].status, Status::Failed);
}

#[test]
fn table_has_aligned_rows_and_a_totals_row() {
    // Every column (`--wide`); the status column only appears when a crate failed.
    let table = render_table(
        &summary_rows(&link_graphs(vec![crate_app(), crate_b()])),
        None,
    );
    let lines: Vec<&str> = table.lines().collect();
    let header = lines[0];
    assert!(header.starts_with("crate"), "{table}");
    assert!(lines[1].starts_with("app@0.1.0 *"), "{table}");
    assert!(lines[2].starts_with("lib-b@1.2.3"), "{table}");
    assert!(lines[3].starts_with("---"), "{table}");

    let total = lines[4];
    assert!(total.starts_with("total (2 crates)"), "{table}");
    // fns, calls, ffi, unsafe ops, by context (block/fn/generated), by kind, blocks, gen,
    // unsafe fns/impls/traits, libs.
    let cells: Vec<&str> = total.split_whitespace().skip(3).collect();
    assert_eq!(
        cells,
        [
            "5", "7", "1", "2", "2/0/0", "call:1", "deref:1", "1", "0", "1/0/0", "c"
        ],
        "{table}"
    );

    // Numbers are right-aligned: the `fns` column ends at the same offset on every row.
    let fns_end = header.find("fns").unwrap() + 3;
    for line in [lines[1], lines[2], total] {
        assert!(line.as_bytes()[fns_end - 1].is_ascii_digit(), "{line:?}");
        assert_eq!(line.as_bytes()[fns_end], b' ', "{line:?}");
    }
    assert!(table.contains("call = call_unsafe_fn"), "{table}");
    assert!(table.lines().all(|l| l.len() <= 120), "{table}");
}

/// The default table fits 100 columns however long the crate keys and kinds get: the least
/// telling columns go first, then long cells are cut (marked `…`), and the legend says so.
#[test]
fn table_fits_the_width_it_is_given() {
    let mut long = empty_crate(info(
        "a-crate-with-a-rather-long-name-for-a-table",
        "10.20.30",
        "eeee",
        false,
    ));
    long.krate.kind = "build-script".into();
    let rows = summary_rows(&link_graphs(vec![crate_app(), crate_b(), long]));
    let wide = render_table(&rows, None);
    for width in [100, 80] {
        let table = render_table(&rows, Some(width));
        for line in table.lines() {
            assert!(line.chars().count() <= width, "{width}: {line:?}\n{table}");
        }
        let header = table.lines().next().unwrap();
        // The most telling columns stay.
        for column in ["crate", "fns", "calls", "ffi", "unsafe", "by kind"] {
            assert!(header.contains(column), "{width}: {header}");
        }
        assert!(table.contains("--wide"), "{table}");
    }
    // A narrower table drops columns the wide one has.
    assert!(
        wide.lines()
            .next()
            .unwrap()
            .contains("unsafe fn/impl/trait")
    );
    assert!(
        !render_table(&rows, Some(100))
            .lines()
            .next()
            .unwrap()
            .contains("gen  ")
    );
    // A failed crate brings the status column back.
    let mut failed = crate_app();
    failed.status = Status::Failed;
    let table = render_table(&summary_rows(&link_graphs(vec![failed])), Some(100));
    assert!(table.lines().next().unwrap().contains("status"), "{table}");
    assert!(table.contains("FAILED"), "{table}");
}
