//! The diff as Markdown for a pull-request comment: the totals, then a table of the added and
//! removed items of each crate (at most [`MAX_ROWS`] per crate, so the comment stays within
//! GitHub's size limit), each location linked to its source when a link can be made.

use std::fmt::Write as _;

use crate::diff::{CrateDiff, CrateStatus, Diff};

use super::links::{LinkOptions, url};
use super::table::{path_text, provenance, totals_line};
use super::{at, crate_title, op_what, side_key};

/// Rows per crate; the rest is counted.
pub const MAX_ROWS: usize = 15;

pub fn render(diff: &Diff, links: &LinkOptions) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### cargo painter: unsafe code from `{}` to `{}`\n",
        diff.old.label, diff.new.label
    );
    let _ = writeln!(out, "{}\n", totals_line(diff));
    for c in &diff.crates {
        crate_section(&mut out, c, links);
    }
    let t = &diff.reach.totals;
    let _ = writeln!(
        out,
        "**Reachability** (exact calls): {} public functions newly reach unsafe code, {} newly \
         reach FFI; the workspace newly reaches {} functions with unsafe code and {} foreign \
         functions.",
        t.public_reaching_unsafe,
        t.public_reaching_ffi,
        t.unsafe_newly_reached,
        t.ffi_newly_reached
    );
    for item in diff.reach.public_reaching_unsafe.iter().take(5) {
        if !item.path.is_empty() {
            let _ = writeln!(out, "- `{}`", path_text(&item.path).replace('`', "'"));
        }
    }
    out
}

fn crate_section(out: &mut String, c: &CrateDiff, links: &LinkOptions) {
    let ws = if c.primary { " (workspace)" } else { "" };
    let _ = writeln!(out, "#### `{}`{ws}\n", crate_title(c));
    if matches!(c.status, CrateStatus::Added | CrateStatus::Removed) {
        let (ops, own) = if c.status == CrateStatus::Added {
            (c.unsafe_ops_new, c.own_ops_new)
        } else {
            (c.unsafe_ops_old, c.own_ops_old)
        };
        let _ = writeln!(out, "{ops} unsafe operations ({own} its own).\n");
    }
    let mut rows: Vec<(char, String, String, Option<String>)> = Vec::new();
    let link = |added: bool, span: &painter_schema::Span| {
        let dir = if added { &c.new_dir } else { &c.old_dir };
        url(links, side_key(c, added), dir.as_deref(), span)
    };
    for (sign, list, added) in [('+', &c.ops.added, true), ('-', &c.ops.removed, false)] {
        for op in list {
            let what = format!(
                "{} in `{}`{}",
                op_what(op),
                op.function,
                provenance(op.own, op.from_macro.as_deref())
            );
            rows.push((sign, what, at(&op.span), link(added, &op.span)));
        }
    }
    for m in &c.ops.moved {
        let what = format!(
            "{} moved from `{}` to `{}`",
            op_what(&m.new),
            m.old.function,
            m.new.function
        );
        rows.push(('~', what, at(&m.new.span), link(true, &m.new.span)));
    }
    for (sign, list, added) in [
        ('+', &c.declarations.added, true),
        ('-', &c.declarations.removed, false),
    ] {
        for d in list {
            let detail = d
                .detail
                .as_ref()
                .map(|x| format!(" ({x})"))
                .unwrap_or_default();
            let what = format!(
                "`{}` `{}`{detail}{}",
                d.kind,
                d.path,
                provenance(d.own, d.from_macro.as_deref())
            );
            rows.push((sign, what, at(&d.span), link(added, &d.span)));
        }
    }
    let f = &c.ffi;
    for (sign, list) in [('+', &f.libraries.added), ('-', &f.libraries.removed)] {
        for l in list {
            rows.push((sign, format!("native library `{l}`"), String::new(), None));
        }
    }
    for (sign, list, added) in [
        ('+', &f.imports.added, true),
        ('-', &f.imports.removed, false),
    ] {
        for i in list {
            let what = format!("foreign {} `{}` ({})", i.item_kind, i.symbol, i.abi);
            rows.push((sign, what, at(&i.span), link(added, &i.span)));
        }
    }
    for (kind, changes) in [("export", &f.exports), ("callback", &f.callbacks)] {
        for (sign, list, added) in [('+', &changes.added, true), ('-', &changes.removed, false)] {
            for s in list {
                rows.push((
                    sign,
                    format!("{kind} `{}`", s.name),
                    at(&s.span),
                    link(added, &s.span),
                ));
            }
        }
    }
    if rows.is_empty() {
        return;
    }
    out.push_str("| | change | where |\n|---|---|---|\n");
    for (sign, what, at, link) in rows.iter().take(MAX_ROWS) {
        let sign = match sign {
            '+' => "➕",
            '-' => "➖",
            _ => "↔",
        };
        let place = match link {
            Some(url) => format!("[`{at}`]({url})"),
            None if at.is_empty() => String::new(),
            None => format!("`{at}`"),
        };
        let _ = writeln!(out, "| {sign} | {} | {place} |", what.replace('|', "\\|"));
    }
    if rows.len() > MAX_ROWS {
        let _ = writeln!(
            out,
            "\n… and {} more (`--format json` has them all).",
            rows.len() - MAX_ROWS
        );
    }
    out.push('\n');
}
