//! The diff as plain text for a terminal: the totals, then each changed crate with its added
//! (`+`), removed (`-`) and moved (`~`) items, then what the workspace newly reaches.

use std::fmt::Write as _;

use crate::diff::{CrateDiff, CrateStatus, Diff, Hop, OpItem, ReachItem};

use super::{at, crate_title, op_what};

pub fn render(diff: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "unsafe code from {} to {}",
        diff.old.label, diff.new.label
    );
    out.push_str(&totals_line(diff));
    out.push('\n');
    if diff.crates.is_empty() {
        out.push_str("\nno crate changed its unsafe code, declarations or FFI\n");
    }
    for c in &diff.crates {
        out.push('\n');
        crate_section(&mut out, c);
    }
    reach_section(&mut out, diff);
    out
}

/// One line of totals (also the Markdown summary).
pub fn totals_line(diff: &Diff) -> String {
    let s = &diff.summary;
    format!(
        "unsafe ops +{} ({} own) -{}, {} moved, {} unchanged; declarations +{} -{}; FFI +{} \
         -{}; crates +{} ({} using unsafe) -{}, {} updated",
        s.ops_added,
        s.ops_added_own,
        s.ops_removed,
        s.ops_moved,
        s.ops_unchanged,
        s.declarations_added,
        s.declarations_removed,
        s.ffi_added,
        s.ffi_removed,
        s.crates_added,
        s.crates_added_using_unsafe,
        s.crates_removed,
        s.crates_updated
    )
}

/// `(generated block)`, `(from macro m!)` for code that is not the crate's own.
pub fn provenance(own: bool, from_macro: Option<&str>) -> String {
    match (own, from_macro) {
        (true, _) => String::new(),
        (false, Some(m)) => format!(" (from `{m}`)"),
        (false, None) => " (generated)".to_string(),
    }
}

fn op_line(sign: char, op: &OpItem) -> String {
    format!(
        "  {sign} {} in {}  {}  ({}){}",
        op_what(op),
        op.function,
        at(&op.span),
        op.context,
        provenance(op.own, op.from_macro.as_deref())
    )
}

fn crate_section(out: &mut String, c: &CrateDiff) {
    let ws = if c.primary { " [workspace]" } else { "" };
    let _ = writeln!(out, "{}{ws}", crate_title(c));
    match c.status {
        CrateStatus::Added | CrateStatus::Removed => {
            let (ops, own, uses) = if c.status == CrateStatus::Added {
                (c.unsafe_ops_new, c.own_ops_new, c.uses_unsafe_new)
            } else {
                (c.unsafe_ops_old, c.own_ops_old, c.uses_unsafe_old)
            };
            let _ = writeln!(
                out,
                "  {ops} unsafe ops ({own} own){}",
                if uses {
                    "; uses unsafe"
                } else {
                    "; no unsafe code of its own"
                }
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "  unsafe ops {} -> {}",
                c.unsafe_ops_old, c.unsafe_ops_new
            );
        }
    }
    for op in &c.ops.added {
        out.push_str(&op_line('+', op));
        out.push('\n');
    }
    for op in &c.ops.removed {
        out.push_str(&op_line('-', op));
        out.push('\n');
    }
    for m in &c.ops.moved {
        let _ = writeln!(
            out,
            "  ~ {} moved from {} ({}) to {} ({})",
            op_what(&m.new),
            m.old.function,
            at(&m.old.span),
            m.new.function,
            at(&m.new.span)
        );
    }
    for (sign, list) in [('+', &c.declarations.added), ('-', &c.declarations.removed)] {
        for d in list {
            let detail = d
                .detail
                .as_ref()
                .map(|x| format!(" ({x})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {sign} declaration {} {}{detail}  {}{}",
                d.kind,
                d.path,
                at(&d.span),
                provenance(d.own, d.from_macro.as_deref())
            );
        }
    }
    let f = &c.ffi;
    for (sign, list) in [('+', &f.libraries.added), ('-', &f.libraries.removed)] {
        for l in list {
            let _ = writeln!(out, "  {sign} native library {l}");
        }
    }
    for (sign, list) in [('+', &f.imports.added), ('-', &f.imports.removed)] {
        for i in list {
            let lib = i
                .library
                .as_ref()
                .map(|l| format!(", library {l}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {sign} foreign {} `{}` ({}{lib}) used {}x, first in {}  {}",
                i.item_kind,
                i.symbol,
                i.abi,
                i.uses,
                i.function.as_deref().unwrap_or("?"),
                at(&i.span)
            );
        }
    }
    for (what, changes) in [("export", &f.exports), ("callback", &f.callbacks)] {
        for (sign, list) in [('+', &changes.added), ('-', &changes.removed)] {
            for s in list {
                let _ = writeln!(
                    out,
                    "  {sign} {what} `{}` ({})  {}",
                    s.name,
                    s.abi,
                    at(&s.span)
                );
            }
        }
    }
}

fn reach_section(out: &mut String, diff: &Diff) {
    let r = &diff.reach;
    let t = &r.totals;
    let lists: [(&str, &Vec<ReachItem>, u64); 4] = [
        (
            "public functions newly reaching unsafe code",
            &r.public_reaching_unsafe,
            t.public_reaching_unsafe,
        ),
        (
            "public functions newly reaching FFI",
            &r.public_reaching_ffi,
            t.public_reaching_ffi,
        ),
        (
            "functions with unsafe code newly reached from the workspace",
            &r.unsafe_newly_reached,
            t.unsafe_newly_reached,
        ),
        (
            "foreign functions newly reached from the workspace",
            &r.ffi_newly_reached,
            t.ffi_newly_reached,
        ),
    ];
    let _ = writeln!(out, "\nreachability (exact calls)");
    for (title, items, total) in lists {
        let _ = writeln!(out, "  {title}: {total}");
        for item in items.iter().take(20) {
            let new = if item.new_function {
                " (new function)"
            } else {
                ""
            };
            let _ = writeln!(out, "    {}  [{}]{new}", item.function, item.crate_key);
            if !item.path.is_empty() {
                let _ = writeln!(out, "      {}", path_text(&item.path));
            }
        }
        let shown = items.len().min(20) as u64;
        if total > shown {
            let _ = writeln!(
                out,
                "    … {} more (--format json lists up to 200)",
                total - shown
            );
        }
    }
}

/// `a -> b (src/x.rs:1:2) -> c (…)`.
pub fn path_text(path: &[Hop]) -> String {
    let mut text = path[0].caller.clone();
    for hop in path {
        let _ = write!(text, " -> {} ({})", hop.callee, at(&hop.span));
    }
    text
}
