//! What the worklist looks up, indexed in one parallel pass over the crates (then one over the
//! functions it can name): the calls with generic arguments by caller, the seeds, impl methods
//! by trait method, the functions named in arguments, and the entries that make a body open
//! (docs/linker.md#instantiations). Arguments are parsed once per distinct text.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use foldhash::{HashMap, HashSet};
use painter_schema::{AddressTakenKind, Call, CallKind, CrateGraph, Function, FunctionKind};
use rayon::prelude::*;

use super::Resolved;
use super::types::Ty;
use crate::candidates::{MethodKey, method_key};

/// Ways into bodies the worklist does not follow (docs/linker.md#instantiations, open bodies).
#[derive(Default)]
pub(crate) struct Entries<'a> {
    /// Functions whose address is taken (fn pointer, vtable) and those drop glue runs.
    pub taken: Vec<MethodKey<'a>>,
    /// Trait methods called through `dyn`.
    pub dyn_methods: HashSet<MethodKey<'a>>,
    /// Crates that another crate of the graph calls or takes a function of.
    pub called: HashSet<&'a str>,
}

pub(crate) struct Graph<'a> {
    pub crate_of: &'a HashMap<&'a str, &'a str>,
    pub functions: HashMap<MethodKey<'a>, (&'a str, &'a Function)>,
    /// Function keys by the local part of their ids (for ids read out of printed types).
    pub by_local: HashMap<&'a str, Vec<MethodKey<'a>>>,
    /// Calls with arguments by caller, in graph order.
    pub calls_of: HashMap<MethodKey<'a>, Vec<&'a Call>>,
    /// Impl methods by the trait method they implement, in graph order.
    pub impls: HashMap<MethodKey<'a>, Vec<MethodKey<'a>>>,
    /// Calls whose arguments have no placeholder, in graph order.
    pub seeds: Vec<&'a Call>,
    pub entries: Entries<'a>,
    /// Each distinct argument text, parsed (`None`: a newer driver's syntax).
    parsed: RefCell<HashMap<&'a str, Option<Rc<Ty>>>>,
}

/// What one crate contributes, found in parallel with the others.
#[derive(Default)]
struct Scan<'a> {
    /// Calls with arguments, in runs of one caller (a crate's calls are sorted by caller).
    calls: Vec<(MethodKey<'a>, Vec<&'a Call>)>,
    seeds: Vec<&'a Call>,
    named: Vec<&'a str>,
    entries: Entries<'a>,
}

fn scan<'a>(key: &'a str, graph: &'a CrateGraph, crate_of: &HashMap<&'a str, &'a str>) -> Scan<'a> {
    let mut out = Scan::default();
    for call in &graph.calls {
        match (call.kind, call.callee.as_deref()) {
            (CallKind::Drop, Some(callee)) => out.entries.taken.push(method_key(crate_of, callee)),
            (CallKind::Dyn, Some(method)) => {
                out.entries.dyn_methods.insert(method_key(crate_of, method));
            }
            _ => {}
        }
        if let Some(target) = call.target_crate.as_deref()
            && target != key
        {
            out.entries.called.insert(target);
        }
        if call.args.is_empty() {
            continue;
        }
        match out.calls.last_mut() {
            Some((_, calls)) if calls[0].caller == call.caller => calls.push(call),
            _ => out
                .calls
                .push((method_key(crate_of, &call.caller), vec![call])),
        }
        if !call.args.iter().any(|a| a.contains('#')) {
            out.seeds.push(call);
        }
        for arg in &call.args {
            out.named.extend(body_ids(arg));
        }
    }
    for taken in &graph.address_taken {
        let Some(target) = taken.target.as_deref() else {
            continue;
        };
        let target = method_key(crate_of, target);
        if matches!(
            taken.kind,
            AddressTakenKind::FnPtr | AddressTakenKind::ClosureFnPtr | AddressTakenKind::Vtable
        ) {
            out.entries.taken.push(target);
        }
        // A function of another crate used as a value (a fn pointer) is a use of that crate.
        if target.0 != key {
            out.entries.called.insert(target.0);
        }
    }
    out
}

impl<'a> Graph<'a> {
    pub(super) fn new(
        crates: &'a BTreeMap<String, CrateGraph>,
        crate_of: &'a HashMap<&'a str, &'a str>,
    ) -> Self {
        let scans: Vec<Scan<'a>> = crates
            .par_iter()
            .map(|(key, graph)| scan(key, graph, crate_of))
            .collect();
        let mut calls_of: HashMap<MethodKey<'a>, Vec<&'a Call>> = HashMap::default();
        let mut seeds = Vec::new();
        let mut named: HashSet<&'a str> = HashSet::default();
        let mut entries = Entries::default();
        for scan in scans {
            for (caller, calls) in scan.calls {
                calls_of.entry(caller).or_default().extend(calls);
            }
            seeds.extend(scan.seeds);
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
                        let implements = f.implements.as_deref().map(|i| method_key(crate_of, i));
                        let local = f.id.split_once(':').map_or("", |(_, local)| local);
                        if implements.is_none()
                            && f.kind != FunctionKind::TraitMethod
                            && !named.contains(local)
                        {
                            return None;
                        }
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
        Graph {
            crate_of,
            functions,
            by_local,
            calls_of,
            impls,
            seeds,
            entries,
            parsed: RefCell::default(),
        }
    }

    /// A static call of a body without calls with arguments: its instantiation would resolve
    /// and pass on nothing (checked before parsing the call's arguments).
    pub fn passes_nothing(&self, call: &'a Call) -> bool {
        call.kind == CallKind::Static
            && call
                .callee
                .as_deref()
                .is_some_and(|callee| !self.calls_of.contains_key(&self.key(callee)))
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
    pub fn parse(&self, text: &'a str) -> Option<Rc<Ty>> {
        if let Some(parsed) = self.parsed.borrow().get(text) {
            return parsed.clone();
        }
        let parsed = Ty::parse(text).map(Rc::new);
        self.parsed.borrow_mut().insert(text, parsed.clone());
        parsed
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
