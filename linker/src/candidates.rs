//! Candidate edges: the possible targets of calls the types do not resolve (`dyn`,
//! `trait_generic`, `fn_ptr`), found over the whole linked graph. They are kept apart from the
//! exact edges (`LinkedGraph::candidates`, never in a crate's `calls`); docs/linker.md states the
//! rules.
//!
//! Each distinct question (which impls of this trait method fit the types coerced to this
//! `dyn`? which address-taken fns have this signature?) is answered once, in parallel, and the
//! answers are then attached to every call asking it.

use std::collections::{BTreeMap, HashMap, HashSet};

use painter_schema::{
    AddressTakenKind, Call, CallKind, CandidateEdge, CandidateSet, CandidateTarget, CrateGraph,
    Function, LinkedGraph,
};
use rayon::prelude::*;

use crate::resolve::{crate_prefix, stable_id_index};
use crate::typematch::TypePattern;

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
/// `dyn` call: a closure (or fn item) coerced to the `dyn` type; its body is the method.
pub const REASON_CLOSURE: &str = "closure coerced to dyn Trait";
/// `fn_ptr` call: a function reified to a fn pointer of a matching type.
pub const REASON_SIGNATURE: &str = "address-taken fn with this signature";
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
        let index = Index::build(crates);
        let asked: Vec<Asked<'_>> = crates
            .par_iter()
            .map(|(key, graph)| {
                let queries = graph
                    .calls
                    .iter()
                    .enumerate()
                    .filter_map(|(i, call)| Query::of(call).map(|q| (i, q)))
                    .collect();
                (key, graph, queries)
            })
            .collect();
        let mut distinct: Vec<Query<'_>> = asked
            .iter()
            .flat_map(|(_, _, queries)| queries.iter().map(|(_, q)| *q))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        distinct.sort();
        let answers: Vec<Vec<Target<'_>>> = distinct.par_iter().map(|q| index.answer(*q)).collect();
        let mut number: HashMap<Query<'_>, u32> = HashMap::new();
        let mut sets = Vec::new();
        for (query, targets) in distinct.iter().zip(answers) {
            if targets.is_empty() {
                continue;
            }
            number.insert(*query, sets.len() as u32);
            sets.push(CandidateSet {
                kind: query.kind(),
                question: query.to_string(),
                targets: targets
                    .into_iter()
                    .map(|t| CandidateTarget {
                        callee: t.callee.to_owned(),
                        callee_path: t.callee_path.to_owned(),
                        target_crate: t.target_crate.to_owned(),
                        reason: t.reason.to_owned(),
                    })
                    .collect(),
            });
        }
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
            }));
        }
    }
    edges
}

/// A crate's key and record, and the queries of its calls (by position).
type Asked<'a> = (&'a String, &'a CrateGraph, Vec<(usize, Query<'a>)>);

/// What a call asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Query<'a> {
    /// Virtual call of `method` (a trait method id), a method of `trait_path`, on a value of
    /// type `dyn <receiver>`: `receiver` is set when it is another trait than `trait_path`
    /// (a supertrait's method called through a subtrait object).
    Dyn {
        method: &'a str,
        trait_path: &'a str,
        receiver: Option<&'a str>,
        /// The object's principal trait with its arguments (`lib::Meter<u32>`,
        /// `std::ops::Fn(u32) -> u32`), from the call's `detail`.
        object: Option<&'a str>,
    },
    Generic {
        method: &'a str,
        /// The trait with its arguments, from the call's `detail` (`lib::Meter<u32>`,
        /// `std::ops::Fn<(u32,)>`); `None` in files that do not record it.
        trait_ref: Option<&'a str>,
        /// For `Fn*` calls: the calling function, whose type arguments are the candidates.
        caller: Option<&'a str>,
    },
    FnPtr {
        signature: &'a str,
    },
}

impl std::fmt::Display for Query<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Query::Dyn {
                trait_path,
                receiver: Some(receiver),
                method,
                object,
            } => {
                let receiver = object.unwrap_or(receiver);
                write!(f, "dyn {receiver}: {trait_path} method {method}")
            }
            Query::Dyn {
                trait_path,
                receiver: None,
                method,
                object,
            } => {
                let object = object.unwrap_or(trait_path);
                write!(f, "dyn {object}: method {method}")
            }
            Query::Generic {
                method,
                trait_ref,
                caller,
            } => {
                write!(f, "generic call of trait method {method}")?;
                if let Some(trait_ref) = trait_ref {
                    write!(f, " as {trait_ref}")?;
                }
                match caller {
                    Some(caller) => write!(f, " in {caller}"),
                    None => Ok(()),
                }
            }
            Query::FnPtr { signature } => write!(f, "fn pointer {signature}"),
        }
    }
}

impl<'a> Query<'a> {
    fn kind(&self) -> CallKind {
        match self {
            Query::Dyn { .. } => CallKind::Dyn,
            Query::Generic { .. } => CallKind::TraitGeneric,
            Query::FnPtr { .. } => CallKind::FnPtr,
        }
    }

    fn of(call: &'a Call) -> Option<Self> {
        match call.kind {
            CallKind::Dyn => {
                let method = call.callee.as_deref()?;
                // A trait method's path is `<trait path>::<method name>`.
                let trait_path = call
                    .callee_path
                    .rsplit_once("::")
                    .map_or("", |(path, _)| path);
                let receiver = call
                    .detail
                    .as_deref()
                    .and_then(|d| TypePattern::new(d).dyn_principal())
                    .filter(|&principal| principal != trait_path);
                let object = call.detail.as_deref().and_then(dyn_object);
                Some(Query::Dyn {
                    method,
                    trait_path,
                    receiver,
                    object,
                })
            }
            CallKind::TraitGeneric => {
                let trait_ref = call.detail.as_deref().and_then(trait_of_ref);
                // `Fn*` candidates depend on what is passed to the caller: one set per caller.
                let is_fn = trait_ref.and_then(fn_trait_signature).is_some();
                Some(Query::Generic {
                    method: call.callee.as_deref()?,
                    trait_ref,
                    caller: is_fn.then_some(call.caller.as_str()),
                })
            }
            CallKind::FnPtr => Some(Query::FnPtr {
                signature: call.detail.as_deref().filter(|s| !s.is_empty())?,
            }),
            _ => None,
        }
    }
}

/// One candidate of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Target<'a> {
    callee: &'a str,
    callee_path: &'a str,
    target_crate: &'a str,
    reason: &'static str,
}

/// A function id with its crate part replaced by the crate's key when the crate is linked: copies
/// of one crate merged under one key have different stable crate ids but the same local hashes.
type MethodKey<'a> = (&'a str, &'a str);

fn method_key<'a>(crate_of: &HashMap<&'a str, &'a str>, id: &'a str) -> MethodKey<'a> {
    let (prefix, local) = id.split_once(':').unwrap_or((id, ""));
    (crate_of.get(prefix).copied().unwrap_or(prefix), local)
}

/// An impl method: its crate, record and parsed self type.
struct Impl<'a> {
    krate: &'a str,
    function: &'a Function,
    self_ty: Option<TypePattern<'a>>,
    /// The implemented trait with its arguments, when recorded.
    trait_ref: Option<TypePattern<'a>>,
}

/// A type coerced to `dyn Trait` for one trait path.
struct Vtable<'a> {
    /// Key of the trait's crate, when linked.
    trait_crate: Option<&'a str>,
    self_ty: TypePattern<'a>,
    /// The `dyn` type's principal with its arguments, when recorded.
    object: Option<TypePattern<'a>>,
}

/// A closure or fn item put behind `dyn Fn*` (or another `dyn`), and the object type.
struct DynBody<'a> {
    target: Target<'a>,
    object: Option<TypePattern<'a>>,
}

/// Whether a record made for object `recorded` can be reached through a `dyn` of `asked`;
/// unknown on either side (files without the field): yes.
fn object_fits(recorded: Option<&TypePattern<'_>>, asked: Option<&TypePattern<'_>>) -> bool {
    match (recorded, asked) {
        (Some(recorded), Some(asked)) => recorded.matches(asked),
        _ => true,
    }
}

/// The trait of a printed trait reference: `<F as std::ops::Fn<(u32,)>>` →
/// `std::ops::Fn<(u32,)>`. (Older files hold only the self type there: `None`.)
pub(crate) fn trait_of_ref(trait_ref: &str) -> Option<&str> {
    let inner = trait_ref.trim().strip_prefix('<')?.strip_suffix('>')?;
    let mut depth = 0i32;
    let mut previous = ' ';
    for (i, c) in inner.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' if previous == '-' => {}
            '>' | ')' | ']' => depth -= 1,
            ' ' if depth == 0 && inner[i..].starts_with(" as ") => {
                return Some(inner[i + 4..].trim());
            }
            _ => {}
        }
        previous = c;
    }
    None
}

/// For a trait reference of `Fn`, `FnMut` or `FnOnce` (`std::ops::Fn<(u32, &str)>`), the
/// signature of the functions it can call, its output unknown: `fn(u32, &str) -> _`.
pub(crate) fn fn_trait_signature(trait_ref: &str) -> Option<String> {
    let (path, args) = trait_ref.split_once('<')?;
    let name = path.rsplit("::").next()?;
    if !matches!(name, "Fn" | "FnMut" | "FnOnce") {
        return None;
    }
    let tuple = args.strip_suffix('>')?.trim();
    let inputs = tuple.strip_prefix('(')?.strip_suffix(')')?.trim();
    let inputs = inputs.strip_suffix(',').unwrap_or(inputs);
    Some(format!("fn({inputs}) -> _"))
}

/// The principal trait with its arguments of a printed `dyn` type: `dyn lib::Meter<u32> + Send`
/// → `lib::Meter<u32>`, `dyn for<'a> Fn(&'a u8) -> u32` → `for<'a> Fn(&'a u8) -> u32`.
pub(crate) fn dyn_object(dyn_ty: &str) -> Option<&str> {
    let rest = dyn_ty.trim().strip_prefix("dyn ")?;
    let mut depth = 0i32;
    let mut previous = ' ';
    for (i, c) in rest.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            // The `>` of `->` closes nothing.
            '>' if previous == '-' => {}
            '>' | ')' | ']' => depth -= 1,
            '+' if depth == 0 => return Some(rest[..i].trim()),
            _ => {}
        }
        previous = c;
    }
    Some(rest.trim())
}

/// The address-taken functions of one fn-pointer type.
struct Signature<'a> {
    pattern: TypePattern<'a>,
    /// id → path, one entry per function.
    targets: BTreeMap<&'a str, &'a str>,
}

struct Index<'a> {
    /// Stable crate id → key of the linked crate.
    crate_of: HashMap<&'a str, &'a str>,
    impls: HashMap<MethodKey<'a>, Vec<Impl<'a>>>,
    vtables: HashMap<&'a str, Vec<Vtable<'a>>>,
    /// Closures and fn items coerced to `dyn <trait path>`, as candidates.
    closures: HashMap<&'a str, Vec<DynBody<'a>>>,
    signatures: HashMap<&'a str, Signature<'a>>,
    /// Signatures with type parameters (compared with every call's signature), sorted.
    generic_signatures: Vec<&'a str>,
    /// Closures and fn items passed as type arguments, by signature.
    type_args: Vec<Signature<'a>>,
    /// The same, by the function they are passed to.
    type_args_to: HashMap<&'a str, Vec<Signature<'a>>>,
}

impl<'a> Index<'a> {
    fn build(crates: &'a BTreeMap<String, CrateGraph>) -> Self {
        let crate_of = stable_id_index(crates);

        let per_crate: Vec<Vec<(MethodKey<'a>, Impl<'a>)>> = crates
            .par_iter()
            .map(|(key, graph)| {
                graph
                    .functions
                    .iter()
                    .filter_map(|f| {
                        let implements = f.implements.as_deref()?;
                        let self_ty = f.impl_self_ty.as_deref().map(TypePattern::new);
                        let trait_ref = f.impl_trait.as_deref().map(TypePattern::new);
                        Some((
                            method_key(&crate_of, implements),
                            Impl {
                                krate: key,
                                function: f,
                                self_ty,
                                trait_ref,
                            },
                        ))
                    })
                    .collect()
            })
            .collect();
        let mut impls: HashMap<MethodKey<'a>, Vec<Impl<'a>>> = HashMap::new();
        for (method, imp) in per_crate.into_iter().flatten() {
            impls.entry(method).or_default().push(imp);
        }

        let mut vtables: HashMap<&'a str, Vec<Vtable<'a>>> = HashMap::new();
        let mut closures: HashMap<&'a str, Vec<DynBody<'a>>> = HashMap::new();
        let mut seen_vtables = HashSet::new();
        let mut signatures: HashMap<&'a str, Signature<'a>> = HashMap::new();
        let mut type_args: HashMap<&'a str, Signature<'a>> = HashMap::new();
        let mut type_args_to: HashMap<&'a str, Vec<Signature<'a>>> = HashMap::new();
        for graph in crates.values() {
            for taken in &graph.address_taken {
                match taken.kind {
                    AddressTakenKind::Vtable => {
                        let (Some(path), Some(self_ty)) = (&taken.trait_path, &taken.self_ty)
                        else {
                            continue;
                        };
                        let object = taken.dyn_ty.as_deref().and_then(dyn_object);
                        if let Some(target) = taken.target.as_deref()
                            && let Some(krate) = crate_of.get(crate_prefix(target))
                        {
                            closures.entry(path.as_str()).or_default().push(DynBody {
                                target: Target {
                                    callee: target,
                                    callee_path: taken.target_path.as_deref().unwrap_or(""),
                                    target_crate: krate,
                                    reason: REASON_CLOSURE,
                                },
                                object: object.map(TypePattern::new),
                            });
                        }
                        let trait_crate = taken
                            .trait_id
                            .as_deref()
                            .and_then(|id| crate_of.get(crate_prefix(id)).copied());
                        if seen_vtables.insert((
                            path.as_str(),
                            trait_crate,
                            self_ty.as_str(),
                            object,
                        )) {
                            vtables.entry(path).or_default().push(Vtable {
                                trait_crate,
                                self_ty: TypePattern::new(self_ty),
                                object: object.map(TypePattern::new),
                            });
                        }
                    }
                    AddressTakenKind::FnPtr
                    | AddressTakenKind::ClosureFnPtr
                    | AddressTakenKind::GenericArg => {
                        let (Some(target), Some(signature)) = (&taken.target, &taken.signature)
                        else {
                            continue;
                        };
                        let path = taken.target_path.as_deref().unwrap_or_default();
                        if let (AddressTakenKind::GenericArg, Some(to)) =
                            (taken.kind, taken.passed_to.as_deref())
                        {
                            let mut targets = BTreeMap::new();
                            targets.insert(target.as_str(), path);
                            type_args_to.entry(to).or_default().push(Signature {
                                pattern: TypePattern::new(signature),
                                targets,
                            });
                        }
                        let signatures = match taken.kind {
                            AddressTakenKind::GenericArg => &mut type_args,
                            _ => &mut signatures,
                        };
                        let entry = signatures.entry(signature).or_insert_with(|| Signature {
                            pattern: TypePattern::new(signature),
                            targets: BTreeMap::new(),
                        });
                        entry
                            .targets
                            .entry(target)
                            .and_modify(|kept| *kept = (*kept).min(path))
                            .or_insert(path);
                    }
                }
            }
        }
        let mut generic_signatures: Vec<&'a str> = signatures
            .iter()
            .filter(|(_, s)| s.pattern.is_generic())
            .map(|(sig, _)| *sig)
            .collect();
        generic_signatures.sort_unstable();
        let mut type_args: Vec<Signature<'a>> = type_args.into_values().collect();
        type_args.sort_unstable_by(|a, b| a.targets.cmp(&b.targets));
        Index {
            crate_of,
            impls,
            vtables,
            closures,
            signatures,
            generic_signatures,
            type_args,
            type_args_to,
        }
    }

    fn answer(&self, query: Query<'a>) -> Vec<Target<'a>> {
        let mut targets = match query {
            Query::Dyn {
                method,
                trait_path,
                receiver,
                object,
            } => self.dyn_targets(method, trait_path, receiver, object),
            Query::Generic {
                method,
                trait_ref,
                caller,
            } => self.generic_targets(method, trait_ref, caller),
            Query::FnPtr { signature } => self.fn_ptr_targets(signature),
        };
        targets.sort_unstable();
        targets.dedup();
        targets
    }

    /// Impls of `method` that pass `keep`, as candidates for `reason`.
    fn impl_targets(
        &self,
        method: &'a str,
        reason: &'static str,
        keep: impl Fn(&Impl<'a>) -> bool,
    ) -> Vec<Target<'a>> {
        let Some(impls) = self.impls.get(&method_key(&self.crate_of, method)) else {
            return Vec::new();
        };
        impls
            .iter()
            .filter(|imp| keep(imp))
            .map(|imp| Target {
                callee: &imp.function.id,
                callee_path: &imp.function.path,
                target_crate: imp.krate,
                reason,
            })
            .collect()
    }

    fn dyn_targets(
        &self,
        method: &'a str,
        trait_path: &'a str,
        receiver: Option<&'a str>,
        object: Option<&'a str>,
    ) -> Vec<Target<'a>> {
        let asked = object.map(TypePattern::new);
        let asked = asked.as_ref();
        // The trait of the `dyn` value: the called method's own trait, or (for a supertrait
        // method) the trait object's principal, whose id the call does not carry.
        let (object_trait, object_crate) = match receiver {
            None => (trait_path, self.crate_of.get(crate_prefix(method)).copied()),
            Some(principal) => (principal, None),
        };
        // Closures and fn items put behind `dyn Fn*` have no impl methods: their bodies are the
        // targets, whichever branch below answers for the impls.
        // Only those put behind a `dyn` of the same arguments (`Fn(u32) -> u32` is not
        // `Fn(&str) -> u32`).
        let closures: Vec<Target<'a>> = self
            .closures
            .get(object_trait)
            .into_iter()
            .flatten()
            .filter(|body| object_fits(body.object.as_ref(), asked))
            .map(|body| body.target)
            .collect();
        let direct = self.vtables_of(object_trait, object_crate);
        let mut targets = if direct.is_empty() {
            self.impl_targets(method, REASON_NO_COERCION, |_| true)
        } else if !match receiver {
            None => object_crate.is_some(),
            Some(_) => direct.iter().any(|v| v.trait_crate.is_some()),
        } {
            self.impl_targets(method, REASON_EXTERNAL_TRAIT, |_| true)
        } else {
            let coerced = self.coerced_types(object_trait, object_crate, asked);
            // The impl must implement the object's trait with the object's arguments
            // (`dyn Meter<u32>` never calls the `Meter<u64>` impl); for a supertrait method
            // the object is another trait and says nothing about the impl's arguments.
            let trait_asked = if receiver.is_none() { asked } else { None };
            self.impl_targets(method, REASON_COERCED, |imp| {
                let coerced_here = match &imp.self_ty {
                    Some(self_ty) => coerced.iter().any(|ty| ty.matches(self_ty)),
                    None => true,
                };
                coerced_here && object_fits(imp.trait_ref.as_ref(), trait_asked)
            })
        };
        targets.extend(closures);
        targets
    }

    /// The vtable records of the trait at `path`; of its linked crate `krate` when known (other
    /// versions of the crate define a trait of the same path).
    fn vtables_of(&self, path: &str, krate: Option<&str>) -> Vec<&Vtable<'a>> {
        self.vtables.get(path).map_or_else(Vec::new, |records| {
            records
                .iter()
                .filter(|v| krate.is_none() || v.trait_crate.is_none() || v.trait_crate == krate)
                .collect()
        })
    }

    /// Every type coerced to `dyn <path>`, also through trait upcasting: a `dyn Sub` coerced
    /// to `dyn <path>` brings the types coerced to `dyn Sub`.
    /// `asked`: the object type of the call (principal with arguments); the coercions to
    /// `dyn <path>` with other arguments are left out.
    fn coerced_types(
        &self,
        path: &'a str,
        krate: Option<&'a str>,
        asked: Option<&TypePattern<'_>>,
    ) -> Vec<&TypePattern<'a>> {
        let mut types = Vec::new();
        let mut visited = HashSet::from([path]);
        let mut pending = vec![(path, krate, asked)];
        while let Some((path, krate, asked)) = pending.pop() {
            for vtable in self.vtables_of(path, krate) {
                if !object_fits(vtable.object.as_ref(), asked) {
                    continue;
                }
                types.push(&vtable.self_ty);
                if let Some(sub) = vtable.self_ty.dyn_principal() {
                    if visited.insert(sub) {
                        pending.push((sub, None, None));
                    }
                }
            }
        }
        types
    }

    /// A call on a type parameter: the impls of the method for the trait with the call's
    /// arguments (`M: Meter<u32>` never calls the `Meter<u64>` impl), and for `Fn*` the
    /// closures and fn items passed to the calling function as type arguments that take the
    /// call's arguments; when none is passed to it directly, those passed anywhere.
    fn generic_targets(
        &self,
        method: &'a str,
        trait_ref: Option<&'a str>,
        caller: Option<&'a str>,
    ) -> Vec<Target<'a>> {
        let asked = trait_ref.map(TypePattern::new);
        let mut targets = self.impl_targets(method, REASON_IMPL, |imp| {
            object_fits(imp.trait_ref.as_ref(), asked.as_ref())
        });
        let Some(signature) = trait_ref.and_then(fn_trait_signature) else {
            return targets;
        };
        let pattern = TypePattern::new(&signature);
        let fitting = |list: &[Signature<'a>], reason: &'static str| {
            list.iter()
                .filter(|s| s.pattern.matches(&pattern))
                .flat_map(|s| s.targets.iter())
                .filter_map(move |(&id, &path)| {
                    Some(Target {
                        callee: id,
                        callee_path: path,
                        target_crate: self.crate_of.get(crate_prefix(id)).copied()?,
                        reason,
                    })
                })
                .collect::<Vec<_>>()
        };
        let here = caller
            .and_then(|c| self.type_args_to.get(c))
            .map(|list| fitting(list, REASON_GENERIC_ARG))
            .unwrap_or_default();
        if here.is_empty() {
            targets.extend(fitting(&self.type_args, REASON_ANY_GENERIC_ARG));
        } else {
            targets.extend(here);
        }
        targets
    }

    fn fn_ptr_targets(&self, signature: &'a str) -> Vec<Target<'a>> {
        let pattern = TypePattern::new(signature);
        let mut matching: Vec<&Signature<'a>> = Vec::new();
        if pattern.is_generic() {
            // Rare (a call through `fn(T)` in generic code): compare with every signature.
            matching.extend(
                self.signatures
                    .values()
                    .filter(|s| s.pattern.matches(&pattern)),
            );
        } else {
            matching.extend(self.signatures.get(signature));
            matching.extend(
                self.generic_signatures
                    .iter()
                    .map(|sig| &self.signatures[sig])
                    .filter(|s| s.pattern.matches(&pattern)),
            );
        }
        matching
            .into_iter()
            .flat_map(|s| s.targets.iter())
            // A function of a crate outside the graph has no key to name it by: left out.
            .filter_map(|(&id, &path)| {
                Some(Target {
                    callee: id,
                    callee_path: path,
                    target_crate: self.crate_of.get(crate_prefix(id)).copied()?,
                    reason: REASON_SIGNATURE,
                })
            })
            .collect()
    }
}
