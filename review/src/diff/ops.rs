//! Matching unsafe operations between two versions of a crate without line numbers: an op is
//! known by its function's path, its kind and its callee (or static), and by its place among
//! the ops of that function with the same kind and callee. Edits elsewhere in the file move
//! lines but not these, so they cause no churn; an op that moved inside its function is the
//! same op. Within one group, ops at the same line relative to the function's start pair first
//! (so the op that really is new is the one reported), the rest in source order.

use std::collections::{BTreeMap, HashMap};

use painter_query::figures::is_own_op;
use painter_schema::{CrateGraph, UnsafeOp};

use super::model::{MovedOp, OpChanges, OpItem};

/// `(function path, kind, callee)`: what identifies an op up to its ordinal.
type GroupKey<'g> = (&'g str, &'static str, &'g str);

struct Indexed<'g> {
    krate: &'g CrateGraph,
    paths: HashMap<&'g str, (&'g str, u32)>,
}

impl<'g> Indexed<'g> {
    fn new(krate: &'g CrateGraph) -> Self {
        let paths = krate
            .functions
            .iter()
            .map(|f| (f.id.as_str(), (f.path.as_str(), f.span.line)))
            .collect();
        Indexed { krate, paths }
    }

    fn path(&self, op: &'g UnsafeOp) -> &'g str {
        self.paths.get(op.function.as_str()).map_or(&op.function, |p| p.0)
    }

    /// The op's line relative to the start of its function.
    fn relative_line(&self, op: &UnsafeOp) -> i64 {
        let start = self.paths.get(op.function.as_str()).map_or(0, |p| p.1);
        i64::from(op.span.line) - i64::from(start)
    }

    /// Every op by group, each group in source order.
    fn groups(&self) -> BTreeMap<GroupKey<'g>, Vec<&'g UnsafeOp>> {
        let mut groups: BTreeMap<GroupKey<'g>, Vec<&'g UnsafeOp>> = BTreeMap::new();
        for op in &self.krate.unsafe_ops {
            groups
                .entry((self.path(op), op.kind.as_str(), callee(op)))
                .or_default()
                .push(op);
        }
        for ops in groups.values_mut() {
            ops.sort_by(|a, b| a.span.cmp(&b.span));
        }
        groups
    }

    fn item(&self, op: &UnsafeOp, ordinal: usize) -> OpItem {
        OpItem {
            function: self.path(op).to_string(),
            kind: op.kind,
            callee: Some(callee(op)).filter(|c| !c.is_empty()).map(String::from),
            ordinal: ordinal as u32 + 1,
            context: op.context.kind,
            in_unsafe_fn: op.context.in_unsafe_fn,
            span: op.span.clone(),
            from_macro: op.from_macro.as_ref().map(|m| m.name.clone()),
            own: is_own_op(self.krate, op),
        }
    }
}

fn callee(op: &UnsafeOp) -> &str {
    op.callee
        .as_ref()
        .map(|c| c.path.as_str())
        .or(op.target.as_deref())
        .unwrap_or("")
}

/// The op changes from `old` to `new` (two versions of one crate).
pub fn diff_ops(old: &CrateGraph, new: &CrateGraph) -> OpChanges {
    let (old, new) = (Indexed::new(old), Indexed::new(new));
    let (old_groups, mut new_groups) = (old.groups(), new.groups());
    let mut changes = OpChanges::default();
    for (key, olds) in &old_groups {
        let news = new_groups.remove(key).unwrap_or_default();
        let (pairs, only_old, only_new) = align(&old, olds, &new, &news);
        changes.unchanged += pairs as u64;
        changes
            .removed
            .extend(only_old.into_iter().map(|i| old.item(olds[i], i)));
        changes
            .added
            .extend(only_new.into_iter().map(|i| new.item(news[i], i)));
    }
    for news in new_groups.values() {
        changes
            .added
            .extend(news.iter().enumerate().map(|(i, op)| new.item(op, i)));
    }
    pair_moves(&mut changes);
    changes.added.sort_by(|a, b| a.span.cmp(&b.span));
    changes.removed.sort_by(|a, b| a.span.cmp(&b.span));
    changes
}

/// Pair the ops of one group: same relative line first, then in order. Returns the number of
/// pairs and the indices left on each side.
fn align(
    old: &Indexed<'_>,
    olds: &[&UnsafeOp],
    new: &Indexed<'_>,
    news: &[&UnsafeOp],
) -> (usize, Vec<usize>, Vec<usize>) {
    let mut old_used = vec![false; olds.len()];
    let mut new_used = vec![false; news.len()];
    let mut pairs = 0;
    for (i, o) in olds.iter().enumerate() {
        let line = old.relative_line(o);
        if let Some(j) = (0..news.len()).find(|&j| {
            !new_used[j] && new.relative_line(news[j]) == line && news[j].span.col == o.span.col
        }) {
            old_used[i] = true;
            new_used[j] = true;
            pairs += 1;
        }
    }
    let rest_old: Vec<usize> = (0..olds.len()).filter(|&i| !old_used[i]).collect();
    let rest_new: Vec<usize> = (0..news.len()).filter(|&j| !new_used[j]).collect();
    let n = rest_old.len().min(rest_new.len());
    pairs += n;
    (pairs, rest_old[n..].to_vec(), rest_new[n..].to_vec())
}

/// An op removed from one function and added to another with the same kind and callee moved.
fn pair_moves(changes: &mut OpChanges) {
    let mut i = 0;
    while i < changes.removed.len() {
        let r = &changes.removed[i];
        let found = changes.added.iter().position(|a| {
            a.kind == r.kind && a.callee == r.callee && a.function != r.function && a.own == r.own
        });
        match found {
            Some(j) => {
                let new = changes.added.remove(j);
                let old = changes.removed.remove(i);
                changes.moved.push(MovedOp { old, new });
            }
            None => i += 1,
        }
    }
}
