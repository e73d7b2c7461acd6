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

mod graph;
mod hashed;
mod open;
mod resolve;
mod scan;
pub mod types;

pub use scan::Scan;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::rc::Rc;

use foldhash::{HashMap, HashSet};
use painter_schema::{CallKind, CrateGraph, Sym};

use crate::candidates::{CrateOf, MethodKey};
use graph::{Body, Graph};
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

/// Run the worklist over `crates`, given their scans (in the same order).
pub fn instantiate<'a>(
    crates: &'a BTreeMap<String, CrateGraph>,
    crate_of: &'a CrateOf<'a>,
    scans: Vec<Scan<'a>>,
) -> Instantiations<'a> {
    // Files without generic arguments (older drivers, synthetic inputs): nothing to do.
    if !scans.iter().any(Scan::has_args) {
        return Instantiations::default();
    }
    let start = std::time::Instant::now();
    let graph = Graph::new(crates, crate_of, scans);
    log::debug!("instantiation index in {:.2?}", start.elapsed());
    let mut out = Instantiations::default();
    let mut work = Worklist::default();

    // Seeds: call sites whose arguments are concrete, wherever they are. Many static calls
    // repeat one (callee, arguments) pair: the repeats, told apart by the arguments' shared
    // texts, are passed over before parsing (queueing one again would change nothing).
    let mut seeded: HashSet<(Body, SameTexts<'a>)> = HashSet::default();
    for &at in &graph.seeds {
        let arg_call = graph.call(at);
        if let Some(callee) = arg_call.callee
            && !seeded.insert((callee, SameTexts(arg_call.args)))
        {
            continue;
        }
        let Some(args) = arg_call
            .args
            .iter()
            .map(|a| graph.parse(a).map(|t| Ty::clone(&t)))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        if arg_call.kind == CallKind::Static {
            if let Some(callee) = arg_call.callee {
                work.enqueue_body(&graph, &mut out, callee, args);
            }
            continue;
        }
        for (target, args) in graph.targets(arg_call.call, args) {
            work.enqueue(&graph, &mut out, target, args);
        }
    }
    while let Some((body, instance)) = work.queue.pop_front() {
        let body_key = graph.body_key(body);
        out.instantiated.insert(body_key);
        for arg_call in graph.calls(body) {
            if arg_call.passes_nothing {
                continue;
            }
            let Some(args) = arg_call
                .args
                .iter()
                .map(|a| graph.parse(a).and_then(|t| t.subst(&instance)))
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            if arg_call.kind == CallKind::Static {
                // Its own callee (`targets` of a static call), looked up once.
                if let Some(callee) = arg_call.callee {
                    work.enqueue_body(&graph, &mut out, callee, args);
                }
                continue;
            }
            let call = arg_call.call;
            if matches!(call.kind, CallKind::FnPtr | CallKind::Dyn) {
                // Only the signature (fn pointer) or the object type (`dyn`, the receiver) is
                // narrowed; both are atoms.
                if let Some(signature) = args.first().and_then(Ty::atom_text) {
                    out.signatures
                        .entry((body_key, call.args.as_slice()))
                        .or_default()
                        .insert(signature.to_owned());
                }
                continue;
            }
            let method = match (call.kind, call.callee.as_deref()) {
                (CallKind::TraitGeneric, Some(method)) => method,
                _ => {
                    for (target, args) in graph.targets(call, args) {
                        work.enqueue(&graph, &mut out, target, args);
                    }
                    continue;
                }
            };
            let site = (body_key, method, call.args.as_slice());
            // `Self` is a trait object in this instantiation (`T::method(x)` with
            // `x: &dyn Trait<T>`): a virtual call, answered like a `dyn` call.
            // Seen through references and boxes (`&dyn Fn(u32) -> u32` as `F: Fn`).
            let peeled = args
                .first()
                .map(|t| resolve::peel(t, &[resolve::FORWARDING]));
            if let Some(object) = peeled.and_then(Ty::atom_text) {
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
            let receiver = args.first().cloned();
            let targets = graph.targets(call, args);
            let exact = graph.key(method);
            let via = out.resolved.entry(site).or_default();
            let mut text = None;
            for (target, _) in &targets {
                if exact == *target {
                    continue; // the exact edge already leads there (a default body)
                }
                if let Some(resolved) = graph.resolved(*target) {
                    let receiver = text.get_or_insert_with(|| {
                        receiver.as_ref().map(Ty::to_string).unwrap_or_default()
                    });
                    let via = via.entry(resolved).or_default();
                    if !via.contains(receiver) {
                        via.push(receiver.clone());
                    }
                }
            }
            for (target, args) in targets {
                work.enqueue(&graph, &mut out, target, args);
            }
        }
    }
    log::debug!("instantiation worklist done at {:.2?}", start.elapsed());
    open::open_bodies(crates, &graph, &mut out);
    log::debug!("open bodies done at {:.2?}", start.elapsed());
    out
}

/// The instantiations found so far and those still to substitute.
#[derive(Default)]
struct Worklist {
    seen: HashMap<Body, HashSet<Rc<[Ty]>>>,
    queue: VecDeque<(Body, Rc<[Ty]>)>,
}

impl Worklist {
    /// Queue `target` with `args` unless already seen, or a bound makes it open instead.
    fn enqueue<'a>(
        &mut self,
        graph: &Graph<'a>,
        out: &mut Instantiations<'a>,
        target: MethodKey<'a>,
        args: Vec<Ty>,
    ) {
        // A function without calls with arguments has nothing to resolve or pass on.
        if let Some(body) = graph.body(target) {
            self.enqueue_body(graph, out, body, args);
        }
    }

    fn enqueue_body<'a>(
        &mut self,
        graph: &Graph<'a>,
        out: &mut Instantiations<'a>,
        body: Body,
        args: Vec<Ty>,
    ) {
        if args.is_empty() || args.iter().any(Ty::has_params) {
            return;
        }
        let instances = self.seen.entry(body).or_default();
        if instances.contains(args.as_slice()) {
            return;
        }
        if instances.len() >= MAX_PER_BODY
            || out.total >= MAX_TOTAL
            || args.iter().any(|t| t.depth() > MAX_DEPTH)
        {
            out.open.insert(graph.body_key(body));
            out.truncated = true;
            return;
        }
        let args: Rc<[Ty]> = args.into();
        instances.insert(args.clone());
        out.total += 1;
        self.queue.push_back((body, args));
    }
}

/// Arguments compared by the addresses of their texts: equal means the same texts (unequal
/// says nothing).
#[derive(Clone, Copy)]
struct SameTexts<'a>(&'a [Sym]);

impl PartialEq for SameTexts<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(other.0)
                .all(|(a, b)| std::ptr::eq(a.as_str(), b.as_str()))
    }
}

impl Eq for SameTexts<'_> {}

impl std::hash::Hash for SameTexts<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for arg in self.0 {
            std::ptr::hash(arg.as_str(), state);
        }
    }
}
