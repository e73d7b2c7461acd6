//! Matching unsafe operations between two versions of a crate without line numbers: an op is
//! known by its function's path, its kind and its callee (or static), and by its place among
//! the ops of that function. Per function, the two sequences of `(kind, callee)` in source
//! order are aligned like lines of a text diff (longest common subsequence), so edits
//! elsewhere move lines but change nothing, and when one of several equal ops goes, the one
//! that really went is reported. Ops left over that have a twin on the other side in the same
//! function only moved inside it: unchanged too.

use std::collections::{BTreeMap, HashMap};

use painter_query::figures::is_own_op;
use painter_schema::{CrateGraph, UnsafeOp};

use super::model::{MovedOp, OpChanges, OpItem};

/// `(kind, callee)`: what identifies an op within its function, up to its place.
type Token<'g> = (&'static str, &'g str);

struct Indexed<'g> {
    krate: &'g CrateGraph,
    paths: HashMap<&'g str, &'g str>,
}

impl<'g> Indexed<'g> {
    fn new(krate: &'g CrateGraph) -> Self {
        let paths = krate
            .functions
            .iter()
            .map(|f| (f.id.as_str(), f.path.as_str()))
            .collect();
        Indexed { krate, paths }
    }

    fn path(&self, op: &'g UnsafeOp) -> &'g str {
        self.paths
            .get(op.function.as_str())
            .copied()
            .unwrap_or(&op.function)
    }

    /// Every op by function path, each function's in source order.
    fn by_function(&self) -> BTreeMap<&'g str, Vec<&'g UnsafeOp>> {
        let mut functions: BTreeMap<&'g str, Vec<&'g UnsafeOp>> = BTreeMap::new();
        for op in &self.krate.unsafe_ops {
            functions.entry(self.path(op)).or_default().push(op);
        }
        for ops in functions.values_mut() {
            ops.sort_by(|a, b| a.span.cmp(&b.span));
        }
        functions
    }

    /// `op` (the `index`th of `ops`, its function's) as an item, with its ordinal among the
    /// function's ops of the same kind and callee.
    fn item(&self, ops: &[&UnsafeOp], index: usize) -> OpItem {
        let op = ops[index];
        let ordinal = ops[..index]
            .iter()
            .filter(|o| token(o) == token(op))
            .count();
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

fn token(op: &UnsafeOp) -> Token<'_> {
    (op.kind.as_str(), callee(op))
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
    let (old_fns, mut new_fns) = (old.by_function(), new.by_function());
    let mut changes = OpChanges::default();
    for (function, olds) in &old_fns {
        let news = new_fns.remove(function).unwrap_or_default();
        let (pairs, only_old, only_new) = align(olds, &news);
        changes.unchanged += pairs as u64;
        changes
            .removed
            .extend(only_old.into_iter().map(|i| old.item(olds, i)));
        changes
            .added
            .extend(only_new.into_iter().map(|i| new.item(&news, i)));
    }
    for news in new_fns.values() {
        changes
            .added
            .extend((0..news.len()).map(|i| new.item(news, i)));
    }
    pair_moves(&mut changes);
    changes.added.sort_by(|a, b| a.span.cmp(&b.span));
    changes.removed.sort_by(|a, b| a.span.cmp(&b.span));
    changes
}

/// Above this many cells the alignment pairs equal ops in order instead (a function with
/// thousands of ops on both sides; generated code).
const MAX_CELLS: usize = 4_000_000;

/// Align one function's ops: a longest common subsequence of their tokens, then what is left
/// with a twin on the other side (reordered inside the function). Returns the number of pairs
/// and the indices left on each side.
fn align(olds: &[&UnsafeOp], news: &[&UnsafeOp]) -> (usize, Vec<usize>, Vec<usize>) {
    let (n, m) = (olds.len(), news.len());
    let mut old_used = vec![false; n];
    let mut new_used = vec![false; m];
    if n.saturating_mul(m) <= MAX_CELLS {
        // lcs[i][j]: the longest common subsequence of olds[i..] and news[j..].
        let mut lcs = vec![0u32; (n + 1) * (m + 1)];
        let at = |i: usize, j: usize| i * (m + 1) + j;
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[at(i, j)] = if token(olds[i]) == token(news[j]) {
                    lcs[at(i + 1, j + 1)] + 1
                } else {
                    lcs[at(i + 1, j)].max(lcs[at(i, j + 1)])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n && j < m {
            if token(olds[i]) == token(news[j]) {
                old_used[i] = true;
                new_used[j] = true;
                i += 1;
                j += 1;
            } else if lcs[at(i + 1, j)] >= lcs[at(i, j + 1)] {
                i += 1;
            } else {
                j += 1;
            }
        }
    }
    // Twins left over (or everything, past the size limit): moved inside the function.
    for i in 0..n {
        if old_used[i] {
            continue;
        }
        if let Some(j) = (0..m).find(|&j| !new_used[j] && token(news[j]) == token(olds[i])) {
            old_used[i] = true;
            new_used[j] = true;
        }
    }
    let pairs = old_used.iter().filter(|u| **u).count();
    let only_old = (0..n).filter(|&i| !old_used[i]).collect();
    let only_new = (0..m).filter(|&j| !new_used[j]).collect();
    (pairs, only_old, only_new)
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
