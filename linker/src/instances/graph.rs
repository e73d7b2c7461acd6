//! What the worklist looks up, put together from the crates' scans (`scan.rs`, made in the pass
//! that asks the candidate questions) and one parallel pass over the functions it can name: the
//! calls with generic arguments by caller (numbered bodies), the seeds, impl methods by trait
//! method, the functions named in arguments, and the entries that make a body open
//! (docs/linker.md#instantiations). Arguments are parsed once per distinct text.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::Range;
use std::rc::Rc;

use foldhash::{HashMap, HashSet};
use painter_schema::{Call, CallKind, CrateGraph, Function, FunctionKind, Sym};
use rayon::prelude::*;

use super::Resolved;
use super::hashed::{Hashed, UseHash};
use super::scan::{Entries, Scan};
use super::types::Ty;
use crate::candidates::{CrateOf, MethodKey, method_key};

/// A call with arguments, with what the worklist reads of it at hand (not in the call's record).
#[derive(Clone, Copy)]
pub(crate) struct ArgCall<'a> {
    pub call: &'a Call,
    pub kind: CallKind,
    pub args: &'a [Sym],
    /// For a static call: the callee, when it is a body (has calls with arguments).
    pub callee: Option<Body>,
    /// A static call of a function that is no body: its instantiation would resolve and pass
    /// on nothing (so its arguments are not even parsed).
    pub passes_nothing: bool,
    /// Whether an argument names one of the caller's parameters (`#n`): no seed then.
    pub placeholder: bool,
}

impl<'a> ArgCall<'a> {
    pub(super) fn new(call: &'a Call) -> Self {
        ArgCall {
            call,
            kind: call.kind,
            args: &call.args,
            callee: None,
            passes_nothing: false,
            placeholder: call.args.iter().any(|a| a.bytes().any(|b| b == b'#')),
        }
    }
}

/// An argument's tree, shared by its uses (`None`: a newer driver's syntax).
type Parsed = Option<Rc<Ty>>;

/// A function with calls with arguments (one the worklist instantiates), by number.
pub(crate) type Body = u32;

pub(crate) struct Graph<'a> {
    pub crate_of: &'a CrateOf<'a>,
    pub functions: HashMap<MethodKey<'a>, (&'a str, &'a Function)>,
    /// Function keys by the local part of their ids (for ids read out of printed types).
    pub by_local: HashMap<&'a str, Vec<MethodKey<'a>>>,
    /// Impl methods by the trait method they implement, in graph order.
    pub impls: HashMap<MethodKey<'a>, Vec<MethodKey<'a>>>,
    /// The calls with arguments, each body's together, in graph order.
    calls: Vec<ArgCall<'a>>,
    /// Bodies by key (hashed in the scan).
    bodies: std::collections::HashMap<Hashed<'a>, Body, UseHash>,
    /// Per body: its key and its calls (in `calls`).
    body_info: Vec<(MethodKey<'a>, Range<u32>)>,
    /// Calls whose arguments have no placeholder (in `calls`), in graph order, but for those
    /// that pass nothing.
    pub seeds: Vec<u32>,
    pub entries: Entries<'a>,
    /// Each distinct argument text, parsed (`None`: a newer driver's syntax).
    parsed: RefCell<HashMap<&'a str, Parsed>>,
    /// The same by the address of the text: read files share one copy of each string, so most
    /// arguments are found without reading (or hashing) their text.
    parsed_at: RefCell<HashMap<(usize, usize), Parsed>>,
    /// Per trait method, its impls by the head of their self type (`resolve.rs`), made on
    /// first use.
    pub(super) impl_heads: RefCell<HashMap<MethodKey<'a>, Rc<ImplHeads>>>,
}

/// A trait method's impls (positions in `Graph::impls`) by the head of the impl header's first
/// argument, the self type: an instantiation's self type `Vec<u8>` can only match impls for
/// `Vec<_>` or for any type (`impl<T> Trait for T`). Without it every instantiated call of
/// `Debug::fmt` tried every `Debug` impl of the graph.
#[derive(Default)]
pub(crate) struct ImplHeads {
    pub by_head: HashMap<Rc<str>, Vec<u32>>,
    /// Impls for a type parameter: they match any self type.
    pub any: Vec<u32>,
}

impl<'a> Graph<'a> {
    /// The graph of `crates` from their scans (in the same order).
    pub(super) fn new(
        crates: &'a BTreeMap<String, CrateGraph>,
        crate_of: &'a CrateOf<'a>,
        scans: Vec<Scan<'a>>,
    ) -> Self {
        let total = scans.iter().map(|s| s.calls.len()).sum();
        let mut flat: Vec<ArgCall<'a>> = Vec::with_capacity(total);
        // The static callees' keys (read while the calls were at hand), beside `flat`.
        let mut callees: Vec<Option<Hashed<'a>>> = Vec::with_capacity(total);
        let mut bodies: std::collections::HashMap<Hashed<'a>, Body, UseHash> = Default::default();
        bodies.reserve(scans.iter().map(|s| s.runs.len()).sum());
        let mut body_info: Vec<(MethodKey<'a>, Range<u32>)> = Vec::new();
        let mut seeds = Vec::new();
        let mut named: HashSet<&'a str> = HashSet::default();
        let mut entries = Entries::default();
        for scan in scans {
            let offset = flat.len() as u32;
            seeds.extend(scan.seeds.iter().map(|i| offset + i));
            flat.extend(scan.calls);
            callees.extend(scan.callees);
            let mut at = offset;
            for (caller, len) in scan.runs {
                let run = at..at + len;
                at += len;
                let body = *bodies.entry(caller).or_insert_with(|| {
                    body_info.push((caller.key, run.start..run.start));
                    (body_info.len() - 1) as Body
                });
                let range = &mut body_info[body as usize].1;
                if range.end != run.start {
                    // Not next to the body's calls so far (a caller in two crates of one
                    // key): its calls, in order, moved to the end to keep them together.
                    let start = flat.len() as u32;
                    let (old, new) = (range.start as usize, run.start as usize);
                    for part in [old..range.end as usize, new..run.end as usize] {
                        flat.extend_from_within(part.clone());
                        callees.extend_from_within(part);
                    }
                    *range = start..flat.len() as u32;
                } else {
                    range.end = run.end;
                }
            }
            named.extend(scan.named);
            entries.taken.extend(scan.entries.taken);
            entries.dyn_methods.extend(scan.entries.dyn_methods);
            entries.called.extend(scan.entries.called);
        }
        // Only calls with generic arguments take part in instantiation; the functions looked
        // up are impl and trait methods and the closures, coroutines and fn items these
        // arguments name (by the local part of their ids), not every function of the graph.
        let kept: Vec<Vec<(MethodKey<'a>, Option<MethodKey<'a>>, &'a Function)>> = crates
            .par_iter()
            .map(|(_, graph)| {
                graph
                    .functions
                    .iter()
                    .filter_map(|f| {
                        // The record's own fields first: the id is only read when needed.
                        let named = || {
                            !named.is_empty()
                                && named.contains(f.id.split_once(':').map_or("", |(_, l)| l))
                        };
                        if f.implements.is_none() && f.kind != FunctionKind::TraitMethod && !named()
                        {
                            return None;
                        }
                        let implements = f.implements.as_deref().map(|i| method_key(crate_of, i));
                        Some((method_key(crate_of, &f.id), implements, f))
                    })
                    .collect()
            })
            .collect();
        let mut functions = HashMap::default();
        let mut by_local: HashMap<&'a str, Vec<MethodKey<'a>>> = HashMap::default();
        let mut impls: HashMap<MethodKey<'a>, Vec<MethodKey<'a>>> = HashMap::default();
        for ((key, _), kept) in crates.iter().zip(kept) {
            for (fkey, implements, function) in kept {
                if let Some(method) = implements {
                    impls.entry(method).or_default().push(fkey);
                }
                functions.insert(fkey, (key.as_str(), function));
                by_local.entry(fkey.1).or_default().push(fkey);
            }
        }
        // Where each static call goes, looked up once (in parallel) for all instantiations.
        flat.par_iter_mut()
            .zip(callees)
            .for_each(|(arg_call, callee)| {
                arg_call.callee = callee.and_then(|callee| bodies.get(&callee).copied());
                arg_call.passes_nothing = callee.is_some() && arg_call.callee.is_none();
            });
        let calls = flat;
        seeds.retain(|&at| !calls[at as usize].passes_nothing);
        Graph {
            crate_of,
            functions,
            by_local,
            impls,
            calls,
            bodies,
            body_info,
            seeds,
            entries,
            parsed: RefCell::default(),
            parsed_at: RefCell::default(),
            impl_heads: RefCell::default(),
        }
    }

    /// The body of a function with calls with arguments.
    pub fn body(&self, key: MethodKey<'a>) -> Option<Body> {
        self.bodies.get(&Hashed::new(key)).copied()
    }

    pub fn body_key(&self, body: Body) -> MethodKey<'a> {
        self.body_info[body as usize].0
    }

    /// A body's calls with arguments, in graph order.
    pub fn calls(&self, body: Body) -> &[ArgCall<'a>] {
        let range = &self.body_info[body as usize].1;
        &self.calls[range.start as usize..range.end as usize]
    }

    /// A call with arguments, by position.
    pub fn call(&self, at: u32) -> &ArgCall<'a> {
        &self.calls[at as usize]
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

    /// An argument (or impl header) as a tree, parsed the first time its text is seen.
    pub fn parse(&self, text: &'a str) -> Parsed {
        // Texts borrowed from the graph live as long as it: one address and length, one text.
        let at = (text.as_ptr() as usize, text.len());
        if let Some(parsed) = self.parsed_at.borrow().get(&at) {
            return parsed.clone();
        }
        let parsed = self
            .parsed
            .borrow_mut()
            .entry(text)
            .or_insert_with(|| Ty::parse(text).map(Rc::new))
            .clone();
        self.parsed_at.borrow_mut().insert(at, parsed.clone());
        parsed
    }
}
