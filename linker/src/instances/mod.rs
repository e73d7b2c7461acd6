//! Instantiations over the linked graph (docs/linker.md#instantiations): which concrete generic
//! arguments each generic body runs with, found like rustc's mono-item collector but across
//! every crate of the graph. Call sites whose arguments are concrete seed a worklist; each
//! instantiation of a body is substituted into that body's call sites, giving its callees'
//! instantiations, and each `trait_generic` call in an instantiated body is resolved to the
//! impl method, closure or coroutine its instantiation selects.
//!
//! Bodies that may run with arguments the graph does not show (reached through `dyn`, fn
//! pointers or drop glue, or cut off by the bounds) are *open*: their calls keep the
//! class-hierarchy candidates besides what the instantiations found.

mod resolve;
pub mod types;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::rc::Rc;

use painter_schema::{AddressTakenKind, Call, CallKind, CrateGraph, Function, FunctionKind, Sym};

use crate::candidates::{MethodKey, method_key};
use types::Ty;

/// At most this many instantiations of one body; more make it open.
const MAX_PER_BODY: usize = 64;
/// Instantiations nested deeper than this (`f::<T>` calling `f::<Vec<T>>`) are not followed.
const MAX_DEPTH: usize = 12;
/// At most this many instantiations in the whole graph.
const MAX_TOTAL: usize = 500_000;

/// A resolved target: the function's id, path and crate key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Resolved<'a> {
    pub callee: &'a str,
    pub callee_path: &'a str,
    pub target_crate: &'a str,
}

/// What the instantiations determine.
#[derive(Default)]
pub struct Instantiations<'a> {
    /// Bodies with at least one instantiation.
    pub instantiated: HashSet<MethodKey<'a>>,
    /// Bodies that may also run with instantiations the graph does not show.
    pub open: HashSet<MethodKey<'a>>,
    /// For a `trait_generic` call (caller, trait method, arguments as recorded): the functions
    /// the caller's instantiations select, with the receiver types that select them.
    pub resolved: HashMap<CallSite<'a>, BTreeMap<Resolved<'a>, Vec<String>>>,
    /// `trait_generic` calls (as in `resolved`) whose receiver, in some instantiation, is a
    /// type the linker cannot match against impls: they keep the class-hierarchy candidates.
    pub unresolved: HashSet<CallSite<'a>>,
    /// For a `trait_generic` call (as in `resolved`) whose receiver is a trait object in some
    /// instantiations: those object types (`dyn lib::Meter<u32>`).
    pub dyn_receivers: HashMap<CallSite<'a>, BTreeSet<String>>,
    /// For an `fn_ptr` call whose signature, or a `dyn` call whose object type, names the
    /// caller's parameters (caller, the call's arguments as recorded): the signatures or
    /// object types (`dyn lib::Meter<u32>`) it has in the caller's instantiations.
    pub signatures: HashMap<(MethodKey<'a>, &'a [Sym]), BTreeSet<String>>,
    /// How many instantiations were found, and whether a bound was hit.
    pub total: usize,
    pub truncated: bool,
}

/// A call, as far as its resolution depends on it: caller, callee and recorded arguments.
pub type CallSite<'a> = (MethodKey<'a>, &'a str, &'a [Sym]);

/// Everything the worklist looks up.
pub(crate) struct Graph<'a> {
    pub crate_of: &'a HashMap<&'a str, &'a str>,
    pub functions: HashMap<MethodKey<'a>, (&'a str, &'a Function)>,
    /// Function keys by the local part of their ids (for ids read out of printed types).
    pub by_local: HashMap<&'a str, Vec<MethodKey<'a>>>,
    pub calls_of: HashMap<MethodKey<'a>, Vec<&'a Call>>,
    /// Impl methods by the trait method they implement.
    pub impls: HashMap<MethodKey<'a>, Vec<(&'a str, &'a Function)>>,
}

impl<'a> Graph<'a> {
    fn new(
        crates: &'a BTreeMap<String, CrateGraph>,
        crate_of: &'a HashMap<&'a str, &'a str>,
    ) -> Self {
        let mut functions = HashMap::new();
        let mut by_local: HashMap<&'a str, Vec<MethodKey<'a>>> = HashMap::new();
        let mut calls_of: HashMap<MethodKey<'a>, Vec<&'a Call>> = HashMap::new();
        let mut impls: HashMap<MethodKey<'a>, Vec<(&'a str, &'a Function)>> = HashMap::new();
        // Only calls with generic arguments take part in instantiation; the functions looked
        // up are impl and trait methods and the closures, coroutines and fn items these
        // arguments name (by the local part of their ids), not every function of the graph.
        let mut named: HashSet<&'a str> = HashSet::new();
        for graph in crates.values() {
            for call in graph.calls.iter().filter(|c| !c.args.is_empty()) {
                calls_of
                    .entry(method_key(crate_of, &call.caller))
                    .or_default()
                    .push(call);
                for arg in &call.args {
                    named.extend(body_ids(arg));
                }
            }
        }
        for (key, graph) in crates {
            for f in &graph.functions {
                let fkey = method_key(crate_of, &f.id);
                if let Some(implements) = f.implements.as_deref() {
                    impls
                        .entry(method_key(crate_of, implements))
                        .or_default()
                        .push((key.as_str(), f));
                } else if f.kind != FunctionKind::TraitMethod && !named.contains(fkey.1) {
                    continue;
                }
                functions.insert(fkey, (key.as_str(), f));
                by_local.entry(fkey.1).or_default().push(fkey);
            }
        }
        Graph {
            crate_of,
            functions,
            by_local,
            calls_of,
            impls,
        }
    }

    /// A static call of a body without calls with arguments: its instantiation would resolve
    /// and pass on nothing (checked before parsing the call's arguments).
    fn passes_nothing(&self, call: &Call) -> bool {
        call.kind == CallKind::Static
            && call.callee.as_deref().is_some_and(|callee| {
                !self
                    .calls_of
                    .contains_key(&method_key(self.crate_of, callee))
            })
    }

    pub fn key(&self, id: &'a str) -> MethodKey<'a> {
        method_key(self.crate_of, id)
    }

    pub fn resolved(&self, key: MethodKey<'a>) -> Option<Resolved<'a>> {
        let (krate, f) = self.functions.get(&key)?;
        Some(Resolved {
            callee: &f.id,
            callee_path: &f.path,
            target_crate: krate,
        })
    }
}

/// The local parts of the function ids an argument names (`{closure:<crate>:<local>}`, also
/// `{coroutine:…}` and `{fn:…}`).
fn body_ids(arg: &str) -> impl Iterator<Item = &str> {
    arg.match_indices('{').filter_map(move |(at, _)| {
        let rest = &arg[at + 1..];
        let rest = ["closure:", "coroutine:", "fn:"]
            .iter()
            .find_map(|kind| rest.strip_prefix(kind))?;
        let id = &rest[..rest.find('}')?];
        Some(id.split_once(':').map_or(id, |(_, local)| local))
    })
}

/// Parsed arguments of a call; `None` when one does not parse (a newer driver's syntax).
fn parse_args(args: &[Sym]) -> Option<Vec<Ty>> {
    args.iter().map(|a| Ty::parse(a)).collect()
}

/// Run the worklist over `crates`.
pub fn instantiate<'a>(
    crates: &'a BTreeMap<String, CrateGraph>,
    crate_of: &'a HashMap<&'a str, &'a str>,
) -> Instantiations<'a> {
    // Files without generic arguments (older drivers, synthetic inputs): nothing to do.
    if !crates
        .values()
        .any(|krate| krate.calls.iter().any(|c| !c.args.is_empty()))
    {
        return Instantiations::default();
    }
    let start = std::time::Instant::now();
    let graph = Graph::new(crates, crate_of);
    log::debug!("instantiation index in {:.2?}", start.elapsed());
    let mut out = Instantiations::default();
    let mut seen: HashMap<MethodKey<'a>, HashSet<Rc<[Ty]>>> = HashMap::new();
    let mut queue: VecDeque<(MethodKey<'a>, Rc<[Ty]>)> = VecDeque::new();
    let mut enqueue = |out: &mut Instantiations<'a>,
                       queue: &mut VecDeque<(MethodKey<'a>, Rc<[Ty]>)>,
                       target: MethodKey<'a>,
                       args: Vec<Ty>| {
        // A body without calls with arguments has nothing to resolve or pass on.
        if args.is_empty()
            || args.iter().any(Ty::has_params)
            || !graph.calls_of.contains_key(&target)
        {
            return;
        }
        let instances = seen.entry(target).or_default();
        let args: Rc<[Ty]> = args.into();
        if instances.contains(&args) {
            return;
        }
        if instances.len() >= MAX_PER_BODY
            || out.total >= MAX_TOTAL
            || args.iter().any(|t| t.depth() > MAX_DEPTH)
        {
            out.open.insert(target);
            out.truncated = true;
            return;
        }
        instances.insert(args.clone());
        out.total += 1;
        queue.push_back((target, args));
    };

    // Seeds: call sites whose arguments are concrete, wherever they are.
    for graph_crate in crates.values() {
        for call in &graph_crate.calls {
            if call.args.is_empty()
                || call.args.iter().any(|a| a.contains('#'))
                || graph.passes_nothing(call)
            {
                continue;
            }
            let Some(args) = parse_args(&call.args) else {
                continue;
            };
            for (target, args) in graph.targets(call, &args) {
                enqueue(&mut out, &mut queue, target, args);
            }
        }
    }
    while let Some((body, instance)) = queue.pop_front() {
        out.instantiated.insert(body);
        let Some(calls) = graph.calls_of.get(&body) else {
            continue;
        };
        for call in calls {
            if graph.passes_nothing(call) {
                continue;
            }
            let Some(args) = parse_args(&call.args).and_then(|args| {
                args.iter()
                    .map(|t| t.subst(&instance))
                    .collect::<Option<Vec<_>>>()
            }) else {
                continue;
            };
            if matches!(call.kind, CallKind::FnPtr | CallKind::Dyn) {
                // Only the signature (fn pointer) or the object type (`dyn`, the receiver) is
                // narrowed; both are atoms.
                if let Some(signature) = args.first().and_then(Ty::atom_text) {
                    out.signatures
                        .entry((body, call.args.as_slice()))
                        .or_default()
                        .insert(signature.to_owned());
                }
                continue;
            }
            let targets = graph.targets(call, &args);
            if call.kind == CallKind::TraitGeneric
                && let Some(method) = call.callee.as_deref()
            {
                let receiver = args.first().map(|t| t.to_string()).unwrap_or_default();
                // `Self` is a trait object in this instantiation (`T::method(x)` with
                // `x: &dyn Trait<T>`): a virtual call, answered like a `dyn` call.
                // Seen through references and boxes (`&dyn Fn(u32) -> u32` as `F: Fn`).
                let peeled = args
                    .first()
                    .map(|t| resolve::peel(t, &[resolve::FORWARDING]));
                if let Some(object) = peeled.and_then(Ty::atom_text) {
                    let site = (body, method, call.args.as_slice());
                    if object.starts_with("dyn ") {
                        out.dyn_receivers
                            .entry(site)
                            .or_default()
                            .insert(object.to_owned());
                    } else {
                        // A type the linker cannot look into (an unnormalised projection, a
                        // fn pointer): no impl is selected, so the call keeps its candidates.
                        out.unresolved.insert(site);
                    }
                }
                let site = out
                    .resolved
                    .entry((body, method, call.args.as_slice()))
                    .or_default();
                for (target, _) in targets.iter() {
                    if graph.key(method) == *target {
                        continue; // the exact edge already leads there (a default body)
                    }
                    if let Some(resolved) = graph.resolved(*target) {
                        let via = site.entry(resolved).or_default();
                        if !via.contains(&receiver) {
                            via.push(receiver.clone());
                        }
                    }
                }
            }
            for (target, args) in targets {
                enqueue(&mut out, &mut queue, target, args);
            }
        }
    }
    log::debug!("instantiation worklist done at {:.2?}", start.elapsed());
    open_bodies(crates, &graph, &mut out);
    log::debug!("open bodies done at {:.2?}", start.elapsed());
    out
}

/// Bodies reached in ways the worklist does not follow (through `dyn`, fn pointers, drop
/// glue, or from outside the graph: the public functions of a library no crate of the graph
/// calls), and every generic body they reach with their own parameters: their instantiations
/// are not all known.
fn open_bodies<'a>(
    crates: &'a BTreeMap<String, CrateGraph>,
    graph: &Graph<'a>,
    out: &mut Instantiations<'a>,
) {
    let mut open: Vec<MethodKey<'a>> = out.open.iter().copied().collect();
    let mut dyn_methods = HashSet::new();
    for krate in crates.values() {
        for taken in &krate.address_taken {
            if matches!(
                taken.kind,
                AddressTakenKind::FnPtr | AddressTakenKind::ClosureFnPtr | AddressTakenKind::Vtable
            ) && let Some(target) = taken.target.as_deref()
            {
                open.push(graph.key(target));
            }
        }
        for call in &krate.calls {
            match (call.kind, call.callee.as_deref()) {
                (CallKind::Drop, Some(callee)) => open.push(graph.key(callee)),
                (CallKind::Dyn, Some(method)) => {
                    dyn_methods.insert(graph.key(method));
                }
                _ => {}
            }
        }
    }
    // A library no other crate of the graph calls into (analysed without its callers): its
    // public functions may run with any arguments, so they are open like the rest.
    let mut called: HashSet<&str> = HashSet::new();
    for (key, krate) in crates {
        for call in &krate.calls {
            if let Some(target) = call.target_crate.as_deref()
                && target != key
            {
                called.insert(target);
            }
        }
        // A function of another crate used as a value (a fn pointer) is a use too.
        for taken in &krate.address_taken {
            if let Some(target) = taken.target.as_deref() {
                let (target_crate, _) = graph.key(target);
                if target_crate != key {
                    called.insert(target_crate);
                }
            }
        }
    }
    for (key, krate) in crates {
        if matches!(krate.krate.kind.as_str(), "lib" | "rlib" | "dylib")
            && !called.contains(key.as_str())
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
    for method in &dyn_methods {
        open.push(*method);
        for (_, f) in graph.impls.get(method).into_iter().flatten() {
            open.push(graph.key(&f.id));
        }
    }
    let mut done = HashSet::new();
    while let Some(body) = open.pop() {
        if !done.insert(body) {
            continue;
        }
        out.open.insert(body);
        let Some(calls) = graph.calls_of.get(&body) else {
            continue;
        };
        for call in calls {
            if !call.args.iter().any(|a| a.contains('#')) {
                continue;
            }
            open.extend(graph.open_targets(call));
        }
    }
}
