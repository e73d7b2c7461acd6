//! Candidate edges: the possible targets of calls the types do not resolve (`dyn`,
//! `trait_generic`, `fn_ptr`), found over the whole linked graph. They are kept apart from the
//! exact edges (`LinkedGraph::candidates`, never in a crate's `calls`); docs/linker.md states the
//! rules.
//!
//! Each distinct question (which impls of this trait method fit the types coerced to this
//! `dyn`? which address-taken fns have this signature?) is answered once, in parallel, and the
//! answers are then attached to every call asking it.
//!
//! Split by kind of call: [`query`] turns a call into its question, [`index`] holds what the
//! graph offers (impls, coercions, address-taken fns, type arguments) and dispatches,
//! [`dyn_calls`], [`generic`] and [`fn_ptr`] answer each kind.

mod dyn_calls;
mod fn_ptr;
mod generic;
mod index;
mod query;

pub(crate) use index::{MethodKey, method_key};

use std::collections::{BTreeMap, HashMap, HashSet};

use painter_schema::{CandidateEdge, CandidateSet, CandidateTarget, CrateGraph, LinkedGraph, Via};
use rayon::prelude::*;

use crate::instances::{self, Instantiations};
use index::Index;
use query::{Query, Target};

/// `dyn` call: an impl of the called trait method for a type coerced to the `dyn` type's trait.
pub const REASON_COERCED: &str = "impl for a type coerced to dyn Trait";
/// `dyn` call, no coercion to the trait seen anywhere in the graph: every impl of the method.
pub const REASON_NO_COERCION: &str =
    "impl of the trait method (no coercion to dyn Trait in the graph)";
/// `dyn` call on a trait whose crate is not in the graph (its coercions may be in code that is
/// not either): every impl of the method.
pub const REASON_EXTERNAL_TRAIT: &str =
    "impl of the trait method (the trait's crate is not in the graph)";
/// `trait_generic` call: every impl of the method.
pub const REASON_IMPL: &str = "impl of the trait method";
/// `trait_generic` call in a body no call in the graph instantiates (a library analysed
/// without its callers): every impl of the method, marked as such.
pub const REASON_IMPL_UNINSTANTIATED: &str =
    "impl of the trait method (no instantiation of the caller in the graph)";
/// `trait_generic` call in an instantiated body: the impl method, closure or coroutine an
/// instantiation of the body selects. Queries take these as exact edges
/// (docs/linker.md#instantiations).
pub const REASON_INSTANCE: &str = "selected by an instantiation of the caller";
/// `dyn` call: a closure (or fn item) coerced to the `dyn` type; its body is the method.
pub const REASON_CLOSURE: &str = "closure coerced to dyn Trait";
/// `fn_ptr` call: a function reified to a fn pointer of a matching type.
pub const REASON_SIGNATURE: &str = "address-taken fn with this signature";
/// `fn_ptr` call through a signature naming the caller's type parameters, in a body whose
/// instantiations the graph fixes: a function whose signature matches an instantiated one.
pub const REASON_SIGNATURE_INSTANCE: &str =
    "address-taken fn with this signature as the caller is instantiated";
/// `trait_generic` call of `Fn*::call*`: a closure or fn item passed as a type argument to the
/// function that makes the call, taking the call's arguments.
pub const REASON_GENERIC_ARG: &str = "closure or fn passed as a type argument to this function";
/// `trait_generic` call of `Fn*::call*` in a function that no closure or fn item is passed to
/// directly (it reaches it through a struct field or another generic function): any closure or
/// fn item passed as a type argument that takes the call's arguments.
pub const REASON_ANY_GENERIC_ARG: &str = "closure or fn passed as a type argument (anywhere)";

/// Compute the candidate sets of every `dyn`, `trait_generic` and `fn_ptr` call in `crates`
/// and point each such call (`Call::candidates`) at its set. One set per distinct question,
/// numbered in the order of the questions, so the result does not depend on input order.
pub fn assign_candidates(crates: &mut BTreeMap<String, CrateGraph>) -> Vec<CandidateSet> {
    let (sets, assignments) = {
        let crates: &BTreeMap<String, CrateGraph> = crates;
        let start = std::time::Instant::now();
        let index = Index::build(crates);
        log::debug!("candidate index in {:.2?}", start.elapsed());
        // One pass over the calls asks their questions and scans them for the instantiations,
        // which then narrow the questions of calls in instantiated bodies.
        let list: Vec<(&String, &CrateGraph)> = crates.iter().collect();
        let (queries, scans): (Vec<Vec<(usize, Query<'_>)>>, Vec<instances::Scan<'_>>) = list
            .par_iter()
            .map(|&(key, graph)| {
                let mut scan = instances::Scan::new(key, &index.crate_of);
                let queries = graph
                    .calls
                    .iter()
                    .enumerate()
                    .filter_map(|(i, call)| {
                        scan.call(call);
                        Query::of(call).map(|q| (i, q))
                    })
                    .collect();
                scan.address_taken(graph);
                (queries, scan)
            })
            .unzip();
        log::debug!("questions asked at {:.2?}", start.elapsed());
        let inst = instances::instantiate(crates, &index.crate_of, scans);
        log::debug!(
            "{} instantiations of {} bodies ({} open){}",
            inst.total,
            inst.instantiated.len(),
            inst.open.len(),
            if inst.truncated { ", bounds hit" } else { "" }
        );
        let asked: Vec<Asked<'_>> = list
            .into_par_iter()
            .zip(queries)
            .map(|((key, graph), queries)| {
                let queries = queries
                    .into_iter()
                    .map(|(i, q)| (i, instantiated(q, &graph.calls[i], &index, &inst)))
                    .collect();
                (key, graph, queries)
            })
            .collect();
        log::debug!("questions narrowed at {:.2?}", start.elapsed());
        let mut distinct: Vec<Query<'_>> = asked
            .iter()
            .flat_map(|(_, _, queries)| queries.iter().map(|(_, q)| *q))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        distinct.sort();
        let answers: Vec<Vec<Target<'_>>> = distinct
            .par_iter()
            .map(|q| index.answer(*q, &inst))
            .collect();
        log::debug!("{} questions answered at {:.2?}", distinct.len(), start.elapsed());
        let mut number: HashMap<Query<'_>, u32> = HashMap::new();
        let mut sets = Vec::new();
        for (query, targets) in distinct.iter().zip(answers) {
            if targets.is_empty() {
                continue;
            }
            number.insert(*query, sets.len() as u32);
            sets.push(CandidateSet {
                kind: query.kind(),
                question: question(query, &index, &inst),
                targets: targets
                    .into_iter()
                    .map(|t| CandidateTarget {
                        callee: t.callee.to_owned(),
                        callee_path: t.callee_path.to_owned(),
                        target_crate: t.target_crate.to_owned(),
                        reason: t.reason.to_owned(),
                        via: (t.reason == REASON_INSTANCE).then_some(Via::Instantiation),
                    })
                    .collect(),
            });
        }
        log::debug!("sets at {:.2?}", start.elapsed());
        let assignments: Vec<(String, Vec<(usize, u32)>)> = asked
            .iter()
            .map(|(key, _, queries)| {
                let calls = queries
                    .iter()
                    .filter_map(|(i, q)| number.get(q).map(|&n| (*i, n)))
                    .collect();
                ((*key).clone(), calls)
            })
            .collect();
        log::debug!("assignments at {:.2?}", start.elapsed());
        (sets, assignments)
    };
    for (key, calls) in assignments {
        if let Some(graph) = crates.get_mut(&key) {
            for call in &mut graph.calls {
                call.candidates = None;
            }
            for (i, set) in calls {
                graph.calls[i].candidates = Some(set);
            }
        }
    }
    sets
}

/// A `trait_generic` call whose caller the graph instantiates asks for its instantiations.
fn instantiated<'a>(
    query: Query<'a>,
    call: &'a painter_schema::Call,
    index: &Index<'a>,
    inst: &Instantiations<'a>,
) -> Query<'a> {
    if call.args.is_empty() || inst.instantiated.is_empty() {
        return query;
    }
    let caller = method_key(&index.crate_of, &call.caller);
    if !inst.instantiated.contains(&caller) {
        return query;
    }
    let narrowed =
        !inst.open.contains(&caller) && inst.signatures.contains_key(&(caller, &call.args[..]));
    if let Query::Dyn {
        method,
        trait_path,
        receiver,
        ..
    } = query
    {
        // The object type as each instantiation has it (`dyn Meter<T>` with `T = u32`).
        if !narrowed {
            return query;
        }
        return Query::DynInstance {
            method,
            trait_path,
            receiver,
            caller: &call.caller,
            args: &call.args,
        };
    }
    if let Query::FnPtr { signature } = query {
        // Narrowed only where every instantiation is known.
        if !narrowed {
            return query;
        }
        return Query::FnPtrInstance {
            signature,
            caller: &call.caller,
            args: &call.args,
        };
    }
    let Query::Generic {
        method, trait_ref, ..
    } = query
    else {
        return query;
    };
    Query::Instance {
        method,
        trait_path: call
            .callee_path
            .rsplit_once("::")
            .map_or("", |(path, _)| path),
        trait_ref,
        caller: &call.caller,
        args: &call.args,
        open: inst.open.contains(&caller),
    }
}

/// The question of a set; an instantiated call's names the receiver types that select its
/// targets (the instantiations the edges come from).
fn question(query: &Query<'_>, index: &Index<'_>, inst: &Instantiations<'_>) -> String {
    let mut text = query.to_string();
    if let Query::FnPtrInstance { caller, args, .. } | Query::DynInstance { caller, args, .. } =
        *query
    {
        let site = (method_key(&index.crate_of, caller), args);
        let signatures: Vec<&str> = inst
            .signatures
            .get(&site)
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        text.push_str(": ");
        text.push_str(&signatures.join(" | "));
    }
    if let Query::Instance {
        method,
        caller,
        args,
        ..
    } = *query
    {
        let site = (method_key(&index.crate_of, caller), method, args);
        let via: Vec<String> = inst
            .resolved
            .get(&site)
            .into_iter()
            .flatten()
            .map(|(r, receivers)| format!("{} for {}", r.callee_path, receivers.join(" | ")))
            .collect();
        if !via.is_empty() {
            text.push_str(": ");
            text.push_str(&via.join("; "));
        }
    }
    text
}

/// Every candidate edge (call × target) of `graph`, in canonical order: crates by key, calls in
/// order, targets in their set's order.
pub fn expand(graph: &LinkedGraph) -> Vec<CandidateEdge> {
    let mut edges = Vec::new();
    for (key, krate) in &graph.crates {
        for (i, call) in krate.calls.iter().enumerate() {
            let Some(set) = call
                .candidates
                .and_then(|n| graph.candidate_sets.get(n as usize))
            else {
                continue;
            };
            edges.extend(set.targets.iter().map(|t| CandidateEdge {
                crate_key: key.clone(),
                call: i as u64,
                caller: call.caller.to_string(),
                callee: t.callee.clone(),
                callee_path: t.callee_path.clone(),
                target_crate: t.target_crate.clone(),
                kind: call.kind,
                reason: t.reason.clone(),
                via: t.via,
            }));
        }
    }
    edges
}

/// A crate's key and record, and the queries of its calls (by position).
type Asked<'a> = (&'a String, &'a CrateGraph, Vec<(usize, Query<'a>)>);
