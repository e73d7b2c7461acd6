//! The plain-text summary table: one row per crate, a totals row, aligned for a terminal of
//! about 120 columns. Unsafe ops by kind share one compact column (`call:12 deref:3`) because
//! most crates use one or two kinds and a column per kind would not fit.

use std::collections::{BTreeMap, BTreeSet};

use painter_schema::{ContextKind, Status, UnsafeOpKind};

use crate::stats::CrateSummary;

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
/// Width the legend lines wrap at.
const LEGEND_WIDTH: usize = 118;

const HEADERS: [&str; 12] = [
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
const LEFT: [bool; 12] = [
    true, true, false, false, false, false, false, true, false, false, false, true,
];

/// Render `rows` as an aligned table with a totals row and a one-line legend.
/// Workspace members are marked with `*` after their key.
pub fn render_table(rows: &[CrateSummary]) -> String {
    let mut cells: Vec<[String; 12]> = rows.iter().map(row_cells).collect();
    cells.push(totals_cells(rows));
    let mut widths = HEADERS.map(str::len);
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }

    let mut out = String::new();
    push_line(&mut out, &HEADERS.map(String::from), &widths);
    let (totals, body) = cells.split_last().expect("totals row is always there");
    for row in body {
        push_line(&mut out, row, &widths);
    }
    let rule_width = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
    out.push_str(&"-".repeat(rule_width));
    out.push('\n');
    push_line(&mut out, totals, &widths);
    out.push_str(&legend(rows));
    out
}

fn push_line(out: &mut String, cells: &[String; 12], widths: &[usize; 12]) {
    let mut line = String::new();
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
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

fn row_cells(row: &CrateSummary) -> [String; 12] {
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

fn totals_cells(rows: &[CrateSummary]) -> [String; 12] {
    let sum = |f: fn(&CrateSummary) -> u64| rows.iter().map(f).sum::<u64>().to_string();
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_context: BTreeMap<String, u64> = BTreeMap::new();
    for row in rows {
        for (kind, n) in &row.unsafe_ops_by_kind {
            *by_kind.entry(kind.clone()).or_default() += n;
        }
        for (context, n) in &row.unsafe_ops_by_context {
            *by_context.entry(context.clone()).or_default() += n;
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

/// Explains the abbreviations that occur in `rows`, wrapped to fit the table's terminal.
fn legend(rows: &[CrateSummary]) -> String {
    let mut items: Vec<String> = [
        "* = workspace member",
        "unsafe = unsafe operations",
        "blk/fn/gen = ops allowed by an unsafe block/an unsafe fn body/a generated block",
        "blocks/gen = user-written/compiler-generated unsafe blocks",
        "ffi = calls of foreign functions",
        "libs = native libraries",
        "unsafe fn/impl/trait = unsafe fns, impls and traits declared",
    ]
    .map(String::from)
    .into();
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
    let mut out = String::new();
    let mut line = String::new();
    for item in items {
        if !line.is_empty() && line.len() + 2 + item.len() > LEGEND_WIDTH {
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
