//! Configuration tags: when copies of one crate analysed in different configurations (feature
//! sets, targets; `cargo painter --configuration`) are merged, every record says in which of
//! them it holds. A record seen in all of its crate's configurations carries no tag, so graphs
//! of a single configuration look exactly as before.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use painter_schema::{
    AddressTaken, Call, Configuration, CrateGraph, Declaration, FfiCallback, FfiExport, FfiImport,
    Function, NativeLibrary, UnsafeBlock, UnsafeOp,
};

use crate::canon::Canonical;

/// A record that carries configuration tags (its `configs` field).
pub trait Tagged: Canonical {
    fn configs_mut(&mut self) -> &mut Vec<String>;
}

macro_rules! tagged {
    ($($ty:ty),*) => {$(
        impl Tagged for $ty {
            fn configs_mut(&mut self) -> &mut Vec<String> {
                &mut self.configs
            }
        }
    )*};
}

tagged!(
    Function,
    UnsafeOp,
    UnsafeBlock,
    Call,
    FfiImport,
    FfiExport,
    FfiCallback,
    NativeLibrary,
    Declaration,
    AddressTaken
);

/// Apply `f` to every tagged list of `graph`.
macro_rules! each_list {
    ($graph:expr, $f:ident $(, $arg:expr)*) => {{
        let g = $graph;
        $f(&mut g.functions $(, $arg)*);
        $f(&mut g.unsafe_ops $(, $arg)*);
        $f(&mut g.unsafe_blocks $(, $arg)*);
        $f(&mut g.calls $(, $arg)*);
        $f(&mut g.ffi.imports $(, $arg)*);
        $f(&mut g.ffi.exports $(, $arg)*);
        $f(&mut g.ffi.callbacks $(, $arg)*);
        $f(&mut g.ffi.native_libraries $(, $arg)*);
        $f(&mut g.declarations $(, $arg)*);
        $f(&mut g.address_taken $(, $arg)*);
    }};
}

/// Make every record's tags explicit: an untagged record of a copy holds in all of that copy's
/// configurations. Only then can copies be united record by record.
pub fn make_explicit(graph: &mut CrateGraph) {
    fn stamp<T: Tagged>(list: &mut [T], all: &[String]) {
        for record in list {
            let configs = record.configs_mut();
            if configs.is_empty() {
                configs.extend_from_slice(all);
            }
        }
    }
    let all = graph.krate.configurations.clone();
    each_list!(graph, stamp, &all);
}

/// Drop the tags that name all of the crate's configurations (the default meaning of none).
pub fn make_implicit(graph: &mut CrateGraph) {
    fn strip<T: Tagged>(list: &mut [T], all: &[String]) {
        for record in list {
            let configs = record.configs_mut();
            if configs.as_slice() == all {
                configs.clear();
            }
        }
    }
    let all = graph.krate.configurations.clone();
    each_list!(graph, strip, &all);
}

/// Forget all tags: used when some copy of a crate does not say in which configuration it was
/// analysed, so that no record claims to hold in fewer configurations than it may.
pub fn clear(graph: &mut CrateGraph) {
    fn strip<T: Tagged>(list: &mut [T]) {
        for record in list {
            record.configs_mut().clear();
        }
    }
    graph.krate.configurations.clear();
    each_list!(graph, strip);
}

/// Multiset union of two canonically sorted lists: a record present `n` times in one and `m`
/// times in the other appears `max(n, m)` times, so two analyses of the same crate collapse
/// into one, while records a single analysis legitimately emitted twice (two calls from one
/// macro call site) survive. Records are compared without their configuration tags, and the
/// tags of records that match are united (tags are every record's last field, so a list
/// sorted with them is sorted without them).
pub fn union_tagged<T: Tagged>(a: Vec<T>, b: Vec<T>) -> Vec<T> {
    let strip = |list: Vec<T>| {
        list.into_iter().map(|mut r| {
            let tags = std::mem::take(r.configs_mut());
            (r, tags)
        })
    };
    let mut out: Vec<T> = Vec::with_capacity(a.len().max(b.len()));
    let (mut a, mut b) = (strip(a).peekable(), strip(b).peekable());
    let mut push = |(mut record, tags): (T, Vec<String>)| {
        *record.configs_mut() = tags;
        out.push(record);
    };
    loop {
        let order = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => x.0.canon_cmp(&y.0),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => break,
        };
        match order {
            Ordering::Less => push(a.next().expect("peeked")),
            Ordering::Greater => push(b.next().expect("peeked")),
            Ordering::Equal => {
                let (record, mut tags) = a.next().expect("peeked");
                let (_, more) = b.next().expect("peeked");
                unite(&mut tags, more);
                push((record, tags));
            }
        }
    }
    out
}

/// Functions are united by id (one node however often seen); the tags of all records of an id
/// are united and the smallest record is kept, so the result does not depend on input order.
pub fn union_functions(a: Vec<Function>, b: Vec<Function>) -> Vec<Function> {
    let mut all: Vec<(Function, Vec<String>)> = a
        .into_iter()
        .chain(b)
        .map(|mut f| {
            let tags = std::mem::take(&mut f.configs);
            (f, tags)
        })
        .collect();
    all.sort_unstable_by(|x, y| x.0.id.cmp(&y.0.id).then_with(|| x.0.cmp(&y.0)));
    let mut out: Vec<Function> = Vec::with_capacity(all.len());
    for (mut f, tags) in all {
        match out.last_mut() {
            Some(kept) if kept.id == f.id => unite(&mut kept.configs, tags),
            _ => {
                f.configs = tags;
                out.push(f);
            }
        }
    }
    crate::canon::sort(&mut out);
    out
}

/// `into ∪= more`, both sorted and without duplicates.
pub fn unite(into: &mut Vec<String>, more: Vec<String>) {
    if more.is_empty() || *into == more {
        return;
    }
    into.extend(more);
    into.sort_unstable();
    into.dedup();
}

/// The configurations of a linked graph: every name its crates mention, described by the
/// first description given for it in `known` (from the run or from linked inputs), or with no
/// cargo arguments when nothing describes it.
pub fn describe(
    crates: &BTreeMap<String, CrateGraph>,
    known: &[Configuration],
) -> Vec<Configuration> {
    let names: BTreeSet<&str> = crates
        .values()
        .flat_map(|c| c.krate.configurations.iter().map(String::as_str))
        .collect();
    names
        .into_iter()
        .map(|name| {
            known
                .iter()
                .find(|k| k.name == name)
                .cloned()
                .unwrap_or_else(|| Configuration {
                    name: name.to_owned(),
                    cargo_args: Vec::new(),
                })
        })
        .collect()
}
