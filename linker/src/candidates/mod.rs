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
mod numbering;
mod query;

pub(crate) use index::{CrateOf, MethodKey, method_key};

use std::collections::BTreeMap;

use foldhash::{HashMap, HashSet};

use painter_schema::{CandidateEdge, CandidateSet, CandidateTarget, CrateGraph, LinkedGraph, Via};
use rayon::prelude::*;

use crate::instances::{self, Instantiations};
use index::Index;
use numbering::{Asked, Numbering};
use query::Query;

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
        let crate_of = index::crate_of(crates);
        // One pass over the calls asks their questions and scans them for the instantiations,
        // which then narrow the questions of calls in instantiated bodies.
        let list: Vec<(&String, &CrateGraph)> = crates.iter().collect();
        let (asked, scans): (Vec<Asked<'_>>, Vec<instances::Scan<'_>>) = list
            .par_iter()
            .map(|&(key, graph)| {
                let mut scan = instances::Scan::new(key, &crate_of);
                let mut asked = Asked::default();
                for (i, call) in graph.calls.iter().enumerate() {
                    scan.call(call);
                    if let Some(query) = Query::of(call) {
                        asked.push(i, call, query);
                    }
                }
                scan.address_taken(graph);
                (asked, scan)
            })
            .unzip();
        log::debug!("questions asked at {:.2?}", start.elapsed());
        // The worklist runs on one thread (it is sequential). The other builds the index of
        // what the graph offers, numbers the questions of calls without arguments (which no
        // instantiation narrows) and answers every question as asked: an uninstantiated
        // caller's stay so. None of that waits for the worklist.
        let (inst, (index, numberings, mut early)) = rayon::join(
            || instances::instantiate(crates, &crate_of, scans),
            || {
                let (index, numberings) = rayon::join(
                    || Index::build(crates, &crate_of),
                    || {
                        asked
                            .into_par_iter()
                            .map(Numbering::without_runs)
                            .collect::<Vec<_>>()
                    },
                );
                log::debug!("candidate index at {:.2?}", start.elapsed());
                let early = answer_early(&numberings, &index);
                log::debug!(
                    "{} questions answered early at {:.2?}",
                    early.len(),
                    start.elapsed()
                );
                (index, numberings, early)
            },
        );
        log::debug!(
            "{} instantiations of {} bodies ({} open){}, at {:.2?}",
            inst.total,
            inst.instantiated.len(),
            inst.open.len(),
            if inst.truncated { ", bounds hit" } else { "" },
            start.elapsed()
        );
        let asked: Vec<Numbered<'_>> = list
            .into_par_iter()
            .zip(numberings)
            .map(|((_, graph), numbering)| numbering.with_runs(graph, &index, &inst))
            .collect();
        log::debug!("questions narrowed at {:.2?}", start.elapsed());
        let mut ids: HashMap<Query<'_>, u32> = HashMap::default();
        let mut distinct: Vec<Query<'_>> = Vec::new();
        let global: Vec<Vec<u32>> = asked
            .iter()
            .map(|(queries, _)| {
                queries
                    .iter()
                    .map(|&query| {
                        *ids.entry(query).or_insert_with(|| {
                            distinct.push(query);
                            (distinct.len() - 1) as u32
                        })
                    })
                    .collect()
            })
            .collect();
        // Sets are numbered in the order of their questions.
        let mut order: Vec<u32> = (0..distinct.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| distinct[a as usize].cmp(&distinct[b as usize]));
        let mut built: Vec<Option<Option<CandidateSet>>> = order
            .iter()
            .map(|&id| early.remove(&distinct[id as usize]))
            .collect();
        built
            .par_iter_mut()
            .zip(&order)
            .filter(|(set, _)| set.is_none())
            .for_each(|(set, &id)| {
                *set = Some(candidate_set(distinct[id as usize], &index, &inst))
            });
        let built = built
            .into_iter()
            .map(|set| set.expect("every question answered"));
        log::debug!(
            "{} questions answered at {:.2?}",
            distinct.len(),
            start.elapsed()
        );
        let mut number: Vec<Option<u32>> = vec![None; distinct.len()];
        let mut sets = Vec::new();
        for (&id, set) in order.iter().zip(built) {
            if let Some(set) = set {
                number[id as usize] = Some(sets.len() as u32);
                sets.push(set);
            }
        }
        // The index and the instantiations are done with: freed on the other thread (about
        // 10 ms on `bench/tree`'s files, off the critical path when there are two threads).
        let (assignments, ()) = rayon::join(
            || -> Vec<Vec<(usize, u32)>> {
                asked
                    .into_par_iter()
                    .zip(global)
                    .map(|((_, calls), global)| {
                        calls
                            .into_iter()
                            .filter_map(|(i, id)| {
                                number[global[id as usize] as usize].map(|n| (i, n))
                            })
                            .collect()
                    })
                    .collect()
            },
            move || drop((index, inst)),
        );
        log::debug!("assignments at {:.2?}", start.elapsed());
        (sets, assignments)
    };
    let graphs: Vec<&mut CrateGraph> = crates.values_mut().collect();
    graphs
        .into_par_iter()
        .zip(assignments)
        .for_each(|(graph, calls)| {
            for call in &mut graph.calls {
                call.candidates = None;
            }
            for (i, set) in calls {
                graph.calls[i].candidates = Some(set);
            }
        });
    sets
}

/// The sets answering the questions as the calls asked them (those of an uninstantiated
/// caller stay so), while the worklist runs. On one thread this is no gain, and most of the
/// runs' questions are narrowed (asked again) afterwards: nothing is answered then.
fn answer_early<'a>(
    numberings: &[Numbering<'a>],
    index: &Index<'a>,
) -> HashMap<Query<'a>, Option<CandidateSet>> {
    if rayon::current_num_threads() < 2 {
        return HashMap::default();
    }
    let asked: HashSet<Query<'a>> = numberings
        .iter()
        .flat_map(Numbering::questions)
        .filter(|q| !q.is_instantiated())
        .copied()
        .collect();
    let none = Instantiations::default();
    asked
        .into_par_iter()
        .map(|query| (query, candidate_set(query, index, &none)))
        .collect()
}

/// The set answering `query`, or none when nothing answers it.
fn candidate_set<'a>(
    query: Query<'a>,
    index: &Index<'a>,
    inst: &Instantiations<'a>,
) -> Option<CandidateSet> {
    let targets = index.answer(query, inst);
    (!targets.is_empty()).then(|| CandidateSet {
        kind: query.kind(),
        question: question(&query, index, inst),
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
    })
}

/// A caller the graph instantiates: its key, and whether it is also reached uninstantiated.
#[derive(Clone, Copy)]
struct Instantiated<'a> {
    key: MethodKey<'a>,
    open: bool,
}

impl<'a> Instantiated<'a> {
    fn of(caller: &'a str, index: &Index<'a>, inst: &Instantiations<'a>) -> Option<Self> {
        if inst.instantiated.is_empty() {
            return None;
        }
        let key = method_key(index.crate_of, caller);
        inst.instantiated.contains(&key).then(|| Instantiated {
            key,
            open: inst.open.contains(&key),
        })
    }

    /// The question of `call` (with arguments) in this caller: a `trait_generic` call asks for
    /// its instantiations; a `dyn` or `fn_ptr` call whose type names the caller's parameters
    /// asks for their instantiated types, where every instantiation is known.
    fn narrow(
        self,
        query: Query<'a>,
        call: &'a painter_schema::Call,
        inst: &Instantiations<'a>,
    ) -> Query<'a> {
        let narrowed = || !self.open && inst.signatures.contains_key(&(self.key, &call.args[..]));
        match query {
            // The object type as each instantiation has it (`dyn Meter<T>` with `T = u32`).
            Query::Dyn {
                method,
                trait_path,
                receiver,
                ..
            } if narrowed() => Query::DynInstance {
                method,
                trait_path,
                receiver,
                caller: &call.caller,
                args: &call.args,
            },
            Query::FnPtr { signature } if narrowed() => Query::FnPtrInstance {
                signature,
                caller: &call.caller,
                args: &call.args,
            },
            Query::Generic {
                method, trait_ref, ..
            } => Query::Instance {
                method,
                trait_path: call
                    .callee_path
                    .rsplit_once("::")
                    .map_or("", |(path, _)| path),
                trait_ref,
                caller: &call.caller,
                args: &call.args,
                open: self.open,
            },
            _ => query,
        }
    }
}

/// The question of a set; an instantiated call's names the receiver types that select its
/// targets (the instantiations the edges come from).
fn question(query: &Query<'_>, index: &Index<'_>, inst: &Instantiations<'_>) -> String {
    let mut text = query.to_string();
    if let Query::FnPtrInstance { caller, args, .. } | Query::DynInstance { caller, args, .. } =
        *query
    {
        let site = (method_key(index.crate_of, caller), args);
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
        let site = (method_key(index.crate_of, caller), method, args);
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

/// A crate's distinct questions, and each asking call's (by position) number among them.
type Numbered<'a> = (Vec<Query<'a>>, Vec<(usize, u32)>);
