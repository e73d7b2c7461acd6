//! The plain-text tables: the summary (one row per crate, a totals row) and the figures. The
//! summary fits the width it is given (100 columns unless the terminal says otherwise), keeping
//! the most telling columns. Unsafe ops by kind share one compact column (`call:12 deref:3`)
//! because most crates use one or two kinds and a column per kind would not fit.

use std::collections::{BTreeMap, BTreeSet};

use painter_schema::{ContextKind, Status, UnsafeOpKind};

use crate::figures::Figures;
use crate::summary::CrateSummary;

/// Short labels for the by-kind column; kinds not listed are shown by their full name.
const SHORT_KIND: &[(UnsafeOpKind, &str)] = &[
    (UnsafeOpKind::CallUnsafeFn, "call"),
    (UnsafeOpKind::DerefRawPointer, "deref"),
    (UnsafeOpKind::UseStaticMut, "static_mut"),
    (UnsafeOpKind::UseExternStatic, "extern_static"),
    (UnsafeOpKind::AccessUnionField, "union"),
    (UnsafeOpKind::InlineAsm, "asm"),
    (UnsafeOpKind::CallTargetFeatureFn, "target_feature"),
    (UnsafeOpKind::UseUnsafeField, "unsafe_field"),
    (UnsafeOpKind::InitLayoutConstrained, "init_layout"),
    (UnsafeOpKind::BorrowLayoutConstrainedField, "borrow_layout"),
    (UnsafeOpKind::MutateLayoutConstrainedField, "mutate_layout"),
    (UnsafeOpKind::UnsafeBinderCast, "binder_cast"),
    (UnsafeOpKind::CallDropExplicitly, "drop_call"),
];

/// Longest native-library cell before the rest is summarised as `+N`.
const MAX_LIBS_WIDTH: usize = 24;
/// The width a table fits when the caller knows no better (no terminal): 100 columns.
pub const DEFAULT_WIDTH: usize = 100;
/// Narrowest the crate and by-kind columns are cut to before the by-kind column goes further.
const MIN_KEY_WIDTH: usize = 24;

const COLUMNS: usize = 12;
const HEADERS: [&str; COLUMNS] = [
    "crate",
    "status",
    "fns",
    "calls",
    "ffi",
    "unsafe",
    "blk/fn/gen",
    "by kind",
    "blocks",
    "gen",
    "unsafe fn/impl/trait",
    "libs",
];
/// Columns whose cells are left-aligned (the rest are numbers, right-aligned).
const LEFT: [bool; COLUMNS] = [
    true, true, false, false, false, false, false, true, false, false, false, true,
];
/// Which columns go first when the table is too wide: the lowest rank first, down to (not
/// including) the native libraries. The crate, its unsafe ops, their kinds and the C libraries
/// tell the most; the split into block/fn/generated contexts and the block and declaration
/// counts are detail (`--wide`, `--format json`).
const KEEP_RANK: [u8; COLUMNS] = [12, 11, 8, 7, 9, 10, 4, 6, 2, 1, 3, 5];

/// Render `rows` as an aligned table with a totals row and a legend, at most `max_width`
/// columns wide (`None`: every column, however wide). Columns are dropped, least telling
/// first, then the crate and by-kind cells shortened, until the table fits. The status column
/// is shown only when a crate failed. Workspace members are marked with `*` after their key.
pub fn render_table(rows: &[CrateSummary], max_width: Option<usize>) -> String {
    let mut cells: Vec<[String; COLUMNS]> = rows.iter().map(row_cells).collect();
    cells.push(totals_cells(rows));
    let mut shown = [true; COLUMNS];
    shown[1] = rows.iter().any(|r| r.status == Status::Failed);
    let natural = column_widths(&cells);
    let mut widths = natural;
    let total = |widths: &[usize; COLUMNS], shown: &[bool; COLUMNS]| {
        let cols: Vec<usize> = (0..COLUMNS)
            .filter(|&i| shown[i])
            .map(|i| widths[i])
            .collect();
        cols.iter().sum::<usize>() + 2 * cols.len().saturating_sub(1)
    };
    let mut hidden = 0;
    if let Some(max) = max_width {
        let mut by_rank: Vec<usize> = (0..COLUMNS).collect();
        by_rank.sort_by_key(|&i| KEEP_RANK[i]);
        for i in by_rank {
            if total(&widths, &shown) <= max || KEEP_RANK[i] >= KEEP_RANK[11] {
                break;
            }
            if shown[i] {
                shown[i] = false;
                hidden += 1;
            }
        }
        // Still too wide: shorten the two free-text columns in turns, so neither a long key
        // nor a long list of kinds takes all the room.
        for (col, floor) in [
            (7, MIN_KEY_WIDTH),
            (0, MIN_KEY_WIDTH),
            (7, HEADERS[7].len()),
        ] {
            let over = total(&widths, &shown).saturating_sub(max);
            widths[col] = widths[col]
                .saturating_sub(over)
                .max(floor)
                .min(natural[col]);
        }
    }
    for row in &mut cells {
        for (cell, width) in row.iter_mut().zip(widths) {
            shorten(cell, width);
        }
    }

    let mut out = String::new();
    push_line(&mut out, &HEADERS.map(String::from), &widths, &shown);
    let (totals, body) = cells.split_last().expect("totals row is always there");
    for row in body {
        push_line(&mut out, row, &widths, &shown);
    }
    out.push_str(&"-".repeat(total(&widths, &shown)));
    out.push('\n');
    push_line(&mut out, totals, &widths, &shown);
    let legend_width = max_width
        .unwrap_or(usize::MAX)
        .min(total(&widths, &shown).max(80));
    out.push_str(&legend(rows, &shown, hidden, legend_width));
    out
}

fn column_widths(cells: &[[String; COLUMNS]]) -> [usize; COLUMNS] {
    let mut widths = HEADERS.map(str::len);
    for row in cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    widths
}

/// Cut `cell` to `width` characters, the cut marked with `…`.
fn shorten(cell: &mut String, width: usize) {
    if cell.chars().count() > width {
        let kept: String = cell.chars().take(width.saturating_sub(1)).collect();
        *cell = kept + "…";
    }
}

fn push_line(
    out: &mut String,
    cells: &[String; COLUMNS],
    widths: &[usize; COLUMNS],
    shown: &[bool; COLUMNS],
) {
    let mut line = String::new();
    for (n, (i, cell)) in cells
        .iter()
        .enumerate()
        .filter(|(i, _)| shown[*i])
        .enumerate()
    {
        if n > 0 {
            line.push_str("  ");
        }
        let pad = widths[i] - cell.chars().count();
        if LEFT[i] {
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', pad));
        } else {
            line.extend(std::iter::repeat_n(' ', pad));
            line.push_str(cell);
        }
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

fn row_cells(row: &CrateSummary) -> [String; COLUMNS] {
    let key = if row.primary {
        format!("{} *", row.key)
    } else {
        row.key.clone()
    };
    let status = match row.status {
        Status::Ok => "ok",
        Status::Failed => "FAILED",
    };
    [
        key,
        status.to_owned(),
        row.functions.to_string(),
        row.calls.to_string(),
        row.ffi_calls.to_string(),
        row.unsafe_ops.to_string(),
        context_cell(&row.unsafe_ops_by_context),
        by_kind_cell(&row.unsafe_ops_by_kind),
        row.unsafe_blocks_user.to_string(),
        row.unsafe_blocks_generated.to_string(),
        format!(
            "{}/{}/{}",
            row.unsafe_fns, row.unsafe_impls, row.unsafe_traits
        ),
        libs_cell(row.native_libraries.iter().map(String::as_str)),
    ]
}

fn totals_cells(rows: &[CrateSummary]) -> [String; COLUMNS] {
    // Saturating: counts read from a damaged or hostile file can be anything (tests/fuzz_load.rs),
    // and a table must still print.
    let sum = |f: fn(&CrateSummary) -> u64| {
        rows.iter()
            .map(f)
            .fold(0u64, u64::saturating_add)
            .to_string()
    };
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_context: BTreeMap<String, u64> = BTreeMap::new();
    for row in rows {
        for (kind, n) in &row.unsafe_ops_by_kind {
            let total = by_kind.entry(kind.clone()).or_default();
            *total = total.saturating_add(*n);
        }
        for (context, n) in &row.unsafe_ops_by_context {
            let total = by_context.entry(context.clone()).or_default();
            *total = total.saturating_add(*n);
        }
    }
    let libs: BTreeSet<&str> = rows
        .iter()
        .flat_map(|r| r.native_libraries.iter().map(String::as_str))
        .collect();
    let failed = rows.iter().filter(|r| r.status == Status::Failed).count();
    let plural = if rows.len() == 1 { "" } else { "s" };
    [
        format!("total ({} crate{plural})", rows.len()),
        if failed > 0 {
            format!("{failed} FAILED")
        } else {
            String::new()
        },
        sum(|r| r.functions),
        sum(|r| r.calls),
        sum(|r| r.ffi_calls),
        sum(|r| r.unsafe_ops),
        context_cell(&by_context),
        by_kind_cell(&by_kind),
        sum(|r| r.unsafe_blocks_user),
        sum(|r| r.unsafe_blocks_generated),
        format!(
            "{}/{}/{}",
            sum(|r| r.unsafe_fns),
            sum(|r| r.unsafe_impls),
            sum(|r| r.unsafe_traits)
        ),
        libs_cell(libs.into_iter()),
    ]
}

/// Ops allowed by a user's `unsafe {}` block / an `unsafe fn` body / a compiler-generated block
/// (`deprecated_safe` calls, rare, count with the blocks).
fn context_cell(by_context: &BTreeMap<String, u64>) -> String {
    let n = |k: ContextKind| by_context.get(k.as_str()).copied().unwrap_or(0);
    let block = n(ContextKind::UnsafeBlock) + n(ContextKind::DeprecatedSafe);
    format!(
        "{block}/{}/{}",
        n(ContextKind::UnsafeFn),
        n(ContextKind::GeneratedBlock)
    )
}

/// Kinds in the checker's order (so rows read alike), unknown kinds after, by name.
fn by_kind_cell(by_kind: &BTreeMap<String, u64>) -> String {
    let known = SHORT_KIND.iter().filter_map(|(kind, label)| {
        by_kind
            .get(kind.as_str())
            .filter(|n| **n > 0)
            .map(|n| format!("{label}:{n}"))
    });
    let unknown = by_kind
        .iter()
        .filter(|(kind, n)| **n > 0 && !SHORT_KIND.iter().any(|(k, _)| k.as_str() == *kind))
        .map(|(kind, n)| format!("{kind}:{n}"));
    known.chain(unknown).collect::<Vec<_>>().join(" ")
}

fn libs_cell<'a>(libs: impl Iterator<Item = &'a str>) -> String {
    let libs: Vec<&str> = libs.collect();
    let mut cell = String::new();
    for (shown, lib) in libs.iter().enumerate() {
        let rest = libs.len() - shown;
        if !cell.is_empty() && cell.len() + 1 + lib.len() > MAX_LIBS_WIDTH && rest > 0 {
            cell.push_str(&format!(" +{rest}"));
            break;
        }
        if !cell.is_empty() {
            cell.push(' ');
        }
        cell.push_str(lib);
    }
    cell
}

/// Explains the columns shown and the abbreviations that occur in `rows`, wrapped to `width`.
fn legend(rows: &[CrateSummary], shown: &[bool; COLUMNS], hidden: usize, width: usize) -> String {
    let column_items: [(usize, &str); 7] = [
        (5, "unsafe = unsafe operations"),
        (
            6,
            "blk/fn/gen = ops allowed by an unsafe block/an unsafe fn body/a generated block",
        ),
        (
            8,
            "blocks/gen = user-written/compiler-generated unsafe blocks",
        ),
        (4, "ffi = calls of foreign functions"),
        (11, "libs = native libraries"),
        (
            10,
            "unsafe fn/impl/trait = unsafe fns, impls and traits declared",
        ),
        (0, "* = workspace member"),
    ];
    let mut items: Vec<String> = column_items
        .iter()
        .filter(|(col, _)| shown[*col])
        .map(|(_, text)| text.to_string())
        .collect();
    if shown[7] {
        items.extend(
            SHORT_KIND
                .iter()
                .filter(|(kind, _)| {
                    rows.iter().any(|r| {
                        r.unsafe_ops_by_kind
                            .get(kind.as_str())
                            .is_some_and(|n| *n > 0)
                    })
                })
                .map(|(kind, label)| format!("{label} = {kind}")),
        );
    }
    if hidden > 0 {
        items.push(format!(
            "{hidden} more column(s) with --wide or --format json"
        ));
    }
    let mut out = String::new();
    let mut line = String::new();
    for item in items {
        if !line.is_empty() && line.chars().count() + 2 + item.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push_str("; ");
        }
        line.push_str(&item);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// The figures as text, for the end of `cargo painter stats`: one line per share, the
/// rankings and the ops by kind. The names are the figures' own (`docs/figures.md`).
pub fn render_figures(f: &Figures) -> String {
    use std::fmt::Write;
    let mut out = format!(
        "\nfigures of {} crates (definitions: docs/figures.md)\n",
        f.crates
    );
    let shares = [
        ("uses_unsafe", &f.uses_unsafe),
        ("user_unsafe_blocks", &f.user_unsafe_blocks),
        ("has_unsafe_ops", &f.has_unsafe_ops),
        ("calls_unsafe_crate", &f.calls_unsafe_crate),
        ("reaches_ffi", &f.reaches_ffi),
        (
            "reaches_ffi_with_candidates",
            &f.reaches_ffi_with_candidates,
        ),
    ];
    for (name, share) in shares {
        let _ = writeln!(
            out,
            "  {name:<50} {:>8} of {} ({:.2}%)",
            share.crates, f.crates, share.percent
        );
    }
    for (name, n) in [
        (
            "public_functions_reaching_unsafe",
            f.public_functions_reaching_unsafe,
        ),
        (
            "public_functions_reaching_unsafe_with_candidates",
            f.public_functions_reaching_unsafe_with_candidates,
        ),
    ] {
        let _ = writeln!(
            out,
            "  {name:<50} {n:>8} of {} public_functions ({:.2}%)",
            f.public_functions,
            crate::figures::percent(n, f.public_functions)
        );
    }
    if !f.top_by_unsafe_ops.is_empty() {
        out.push_str("top crates by unsafe ops\n");
        for (key, n) in &f.top_by_unsafe_ops {
            let _ = writeln!(out, "  {key:<50} {n:>8}");
        }
    }
    if !f.unsafe_ops_by_kind.is_empty() {
        out.push_str("unsafe ops by kind\n");
        let mut kinds: Vec<(&String, &u64)> = f.unsafe_ops_by_kind.iter().collect();
        kinds.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        for (kind, n) in kinds {
            let _ = writeln!(out, "  {kind:<50} {n:>8}");
        }
    }
    out
}
