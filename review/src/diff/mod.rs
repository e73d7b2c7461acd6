//! The diff of two linked graphs (`cargo painter diff`, docs/review.md): crates are paired by
//! package and target ([`crates`]), each pair's unsafe operations matched without line
//! numbers ([`ops`]), declarations and FFI compared as sets ([`boundary`]), and what the
//! workspace newly reaches found with painter-query ([`reach`]).

mod boundary;
pub mod crates;
mod model;
mod ops;
mod reach;

use std::collections::BTreeMap;

use painter_query::figures::{is_own_op, uses_unsafe};
use painter_schema::{CrateGraph, DeclarationKind, LinkedGraph};

pub use model::*;
pub use reach::hops;

/// How many items each reachability list keeps (the totals count them all).
pub const MAX_REACH_ITEMS: usize = 200;

/// How the sides are called in reports.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    pub old_label: String,
    pub new_label: String,
}

/// What changed from `old` to `new`.
pub fn diff(old: &LinkedGraph, new: &LinkedGraph, options: &DiffOptions) -> Diff {
    let pairing = crates::pair(old, new);
    let mut crates_out = Vec::new();
    let mut unchanged = 0;
    for (o, n) in &pairing.pairs {
        let status = if o == n {
            CrateStatus::Same
        } else {
            CrateStatus::Updated
        };
        let d = crate_diff(Some((o, &old.crates[o])), Some((n, &new.crates[n])), status);
        unchanged += d.ops.unchanged;
        if status == CrateStatus::Updated || has_changes(&d) {
            crates_out.push(d);
        }
    }
    for o in &pairing.removed {
        crates_out.push(crate_diff(
            Some((o, &old.crates[o])),
            None,
            CrateStatus::Removed,
        ));
    }
    for n in &pairing.added {
        crates_out.push(crate_diff(
            None,
            Some((n, &new.crates[n])),
            CrateStatus::Added,
        ));
    }
    // Workspace crates first, then by identity.
    crates_out.sort_by(|a, b| (!a.primary, &a.identity).cmp(&(!b.primary, &b.identity)));
    let old_to_new: BTreeMap<String, String> = pairing.pairs.iter().cloned().collect();
    let reach = reach::diff_reach(old, new, &old_to_new);
    let summary = Summary {
        ops_unchanged: unchanged,
        ..summarise(&crates_out)
    };
    Diff {
        old: side(old, &options.old_label),
        new: side(new, &options.new_label),
        summary,
        crates: crates_out,
        reach,
    }
}

fn side(graph: &LinkedGraph, label: &str) -> Side {
    Side {
        label: label.to_string(),
        crates: graph.crates.len() as u64,
        unsafe_ops: graph
            .crates
            .values()
            .map(|k| k.unsafe_ops.len() as u64)
            .sum(),
        primary: graph
            .crates
            .iter()
            .filter(|(_, k)| k.krate.primary)
            .map(|(key, _)| key.clone())
            .collect(),
    }
}

fn has_changes(d: &CrateDiff) -> bool {
    !d.ops.added.is_empty()
        || !d.ops.removed.is_empty()
        || !d.ops.moved.is_empty()
        || !d.declarations.is_empty()
        || d.ffi.added() + d.ffi.removed() > 0
}

fn own_ops(krate: &CrateGraph) -> u64 {
    krate
        .unsafe_ops
        .iter()
        .filter(|op| is_own_op(krate, op))
        .count() as u64
}

fn crate_diff(
    old: Option<(&String, &CrateGraph)>,
    new: Option<(&String, &CrateGraph)>,
    status: CrateStatus,
) -> CrateDiff {
    let (old_key, old_krate) = (old.map(|o| o.0.clone()), old.map(|o| o.1));
    let (new_key, new_krate) = (new.map(|n| n.0.clone()), new.map(|n| n.1));
    let key = new_key
        .as_deref()
        .or(old_key.as_deref())
        .unwrap_or_default();
    let ops = match (old_krate, new_krate) {
        (Some(o), Some(n)) => ops::diff_ops(o, n),
        // Added or removed crates: counted, not listed (a new dependency can bring thousands).
        _ => OpChanges::default(),
    };
    CrateDiff {
        identity: crates::identity(key),
        status,
        primary: new_krate.or(old_krate).is_some_and(|k| k.krate.primary),
        uses_unsafe_old: old_krate.is_some_and(uses_unsafe),
        uses_unsafe_new: new_krate.is_some_and(uses_unsafe),
        unsafe_ops_old: old_krate.map_or(0, |k| k.unsafe_ops.len() as u64),
        unsafe_ops_new: new_krate.map_or(0, |k| k.unsafe_ops.len() as u64),
        own_ops_old: old_krate.map_or(0, own_ops),
        own_ops_new: new_krate.map_or(0, own_ops),
        old_dir: old_krate.and_then(|k| k.krate.manifest_dir.clone()),
        new_dir: new_krate.and_then(|k| k.krate.manifest_dir.clone()),
        declarations: boundary::declarations(old_krate, new_krate),
        ffi: boundary::ffi(old_krate, new_krate),
        ops,
        old_key,
        new_key,
    }
}

fn summarise(crates: &[CrateDiff]) -> Summary {
    let mut s = Summary::default();
    for c in crates {
        match c.status {
            CrateStatus::Added => {
                s.crates_added += 1;
                s.crates_added_using_unsafe += u64::from(c.uses_unsafe_new);
                s.ops_added += c.unsafe_ops_new;
                s.ops_added_own += c.own_ops_new;
            }
            CrateStatus::Removed => {
                s.crates_removed += 1;
                s.ops_removed += c.unsafe_ops_old;
            }
            CrateStatus::Updated => s.crates_updated += 1,
            CrateStatus::Same => {}
        }
        s.ops_added += c.ops.added.len() as u64;
        s.ops_added_own += c.ops.added.iter().filter(|o| o.own).count() as u64;
        s.ops_removed += c.ops.removed.len() as u64;
        s.ops_moved += c.ops.moved.len() as u64;
        s.declarations_added += c.declarations.added.len() as u64;
        s.declarations_removed += c.declarations.removed.len() as u64;
        s.unsafe_impls_added_own += c
            .declarations
            .added
            .iter()
            .filter(|d| d.own && d.kind == DeclarationKind::UnsafeImpl)
            .count() as u64;
        s.ffi_added += c.ffi.added() as u64;
        s.ffi_removed += c.ffi.removed() as u64;
    }
    s
}
