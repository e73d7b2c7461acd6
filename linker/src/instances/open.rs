//! Open bodies (docs/linker.md#instantiations): bodies that may run with arguments the graph
//! does not show, and every generic body they reach with their own parameters.

use std::collections::BTreeMap;

use foldhash::HashSet;
use painter_schema::{CallKind, CrateGraph};

use super::graph::Graph;
use super::{Instantiations, MethodKey};

/// Bodies reached in ways the worklist does not follow (through `dyn`, fn pointers, drop
/// glue, or from outside the graph: the public functions of a library no crate of the graph
/// calls), and every generic body they reach with their own parameters: their instantiations
/// are not all known.
pub(super) fn open_bodies<'a>(
    crates: &'a BTreeMap<String, CrateGraph>,
    graph: &Graph<'a>,
    out: &mut Instantiations<'a>,
) {
    // Each body is expanded once: those the worklist found open now, the rest when first
    // inserted into `out.open` (the one set that both records and dedups them). A trait
    // method's impls are pushed once too: every open body calling `T::fmt` would push every
    // `Debug` impl of the graph again.
    let mut open: Vec<MethodKey<'a>> = Vec::new();
    let mut methods: HashSet<MethodKey<'a>> = HashSet::default();
    let mut expand = |body: MethodKey<'a>, open: &mut Vec<MethodKey<'a>>| {
        let Some(body) = graph.body(body) else {
            return;
        };
        for call in graph.calls(body).iter().filter(|c| c.placeholder) {
            if call.kind == CallKind::TraitGeneric
                && let Some(method) = call.call.callee.as_deref()
                && !methods.insert(graph.key(method))
            {
                continue;
            }
            open.extend(graph.open_targets(call.call));
        }
    };
    for &body in &out.open {
        expand(body, &mut open);
    }
    open.extend(graph.entries.taken.iter().copied());
    // A library no other crate of the graph calls into (analysed without its callers): its
    // public functions may run with any arguments, so they are open like the rest.
    for (key, krate) in crates {
        if matches!(krate.krate.kind.as_str(), "lib" | "rlib" | "dylib")
            && !graph.entries.called.contains(key.as_str())
        {
            open.extend(
                krate
                    .functions
                    .iter()
                    .filter(|f| f.public)
                    .map(|f| graph.key(&f.id)),
            );
        }
    }
    for method in &graph.entries.dyn_methods {
        open.push(*method);
        open.extend(graph.impls.get(method).into_iter().flatten().copied());
    }
    while let Some(body) = open.pop() {
        if out.open.insert(body) {
            expand(body, &mut open);
        }
    }
}
