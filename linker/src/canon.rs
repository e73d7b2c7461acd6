//! The canonical order of every record list, so that a linked graph does not depend on the
//! order of its inputs nor on the order in which a driver happened to emit records.
//!
//! Each order sorts by what a reader scans for (owner, then source position) and breaks ties
//! with the records' full `Ord`, so it is total: equal under it means equal records.

use std::cmp::Ordering;

use painter_schema::{
    AddressTaken, Call, CrateGraph, Declaration, ExternalFunction, FfiCallback, FfiExport,
    FfiImport, Function, LinkedGraph, NativeLibrary, UnsafeBlock, UnsafeOp,
};

/// A total order used for sorting and de-duplicating records.
pub trait Canonical: Ord {
    fn canon_cmp(&self, other: &Self) -> Ordering;
}

macro_rules! canonical_by {
    ($($ty:ty => |$x:ident| $key:expr;)*) => {$(
        impl Canonical for $ty {
            fn canon_cmp(&self, other: &Self) -> Ordering {
                let ours = { let $x = self; $key };
                let theirs = { let $x = other; $key };
                ours.cmp(&theirs).then_with(|| self.cmp(other))
            }
        }
    )*};
}

canonical_by! {
    Function => |f| (&f.path, &f.id);
    UnsafeOp => |o| (&o.function, &o.span);
    UnsafeBlock => |b| (&b.function, &b.span);
    Call => |c| (&c.caller, &c.span);
    FfiImport => |i| (&i.function, &i.span);
    FfiExport => |e| (&e.function, &e.symbol);
    FfiCallback => |c| (&c.function, &c.span);
    NativeLibrary => |l| &l.name;
    Declaration => |d| (&d.path, &d.span);
    AddressTaken => |a| (&a.function, &a.span);
    ExternalFunction => |e| &e.id;
}

pub fn sort<T: Canonical>(list: &mut [T]) {
    list.sort_unstable_by(T::canon_cmp);
}

pub fn is_sorted<T: Canonical>(list: &[T]) -> bool {
    list.is_sorted_by(|a, b| a.canon_cmp(b) != Ordering::Greater)
}

/// Put every list of `graph` (and its feature list) in canonical order.
pub fn canonicalize_crate(graph: &mut CrateGraph) {
    graph.krate.features.sort_unstable();
    sort(&mut graph.functions);
    sort(&mut graph.unsafe_ops);
    sort(&mut graph.unsafe_blocks);
    sort(&mut graph.calls);
    sort(&mut graph.ffi.imports);
    sort(&mut graph.ffi.exports);
    sort(&mut graph.ffi.callbacks);
    sort(&mut graph.ffi.native_libraries);
    sort(&mut graph.declarations);
    sort(&mut graph.address_taken);
}

fn crate_is_canonical(graph: &CrateGraph) -> bool {
    graph.krate.features.is_sorted()
        && is_sorted(&graph.functions)
        && is_sorted(&graph.unsafe_ops)
        && is_sorted(&graph.unsafe_blocks)
        && is_sorted(&graph.calls)
        && is_sorted(&graph.ffi.imports)
        && is_sorted(&graph.ffi.exports)
        && is_sorted(&graph.ffi.callbacks)
        && is_sorted(&graph.ffi.native_libraries)
        && is_sorted(&graph.declarations)
        && is_sorted(&graph.address_taken)
}

/// Whether `graph` is already in canonical order (crates are, being a `BTreeMap`).
pub fn is_canonical(graph: &LinkedGraph) -> bool {
    is_sorted(&graph.external_functions) && graph.crates.values().all(crate_is_canonical)
}

/// Put `graph` in canonical order. Calls carry their candidate-set index with them, and the
/// sets are numbered in question order when linked, so nothing else needs to move.
pub fn canonicalize(graph: &mut LinkedGraph) {
    sort(&mut graph.external_functions);
    for krate in graph.crates.values_mut() {
        canonicalize_crate(krate);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lib(name: &str) -> NativeLibrary {
        NativeLibrary {
            configs: Vec::new(),
            name: name.into(),
            kind: "dylib".into(),
            source: "link_attr".into(),
        }
    }

    #[test]
    fn union_keeps_max_multiplicity() {
        let a = vec![lib("c"), lib("z"), lib("z")];
        let b = vec![lib("m"), lib("z")];
        let names: Vec<String> = crate::configs::union_tagged(a, b)
            .into_iter()
            .map(|l| l.name)
            .collect();
        assert_eq!(names, ["c", "m", "z", "z"]);
    }
}
