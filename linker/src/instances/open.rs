//! Open bodies (docs/linker.md#instantiations): bodies that may run with arguments the graph
//! does not show, and every generic body they reach with their own parameters.

use std::collections::BTreeMap;

use foldhash::HashSet;
use painter_schema::CrateGraph;

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
    let mut open: Vec<MethodKey<'a>> = out.open.iter().copied().collect();
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
    let mut done = HashSet::default();
    while let Some(body) = open.pop() {
        if !done.insert(body) {
            continue;
        }
        out.open.insert(body);
        let Some(calls) = graph.body(body).map(|b| graph.calls(b)) else {
            continue;
        };
        for call in calls.iter().map(|c| c.call) {
            if !call.args.iter().any(|a| a.contains('#')) {
                continue;
            }
            open.extend(graph.open_targets(call));
        }
    }
}
