//! One crate's part of the instantiation index, found in the pass over its calls that also asks
//! the candidate questions (candidates/mod.rs), so the calls are read once: its calls with
//! generic arguments, the seeds among them, the bodies their arguments name, and the ways into
//! bodies that make them open.

use foldhash::HashSet;
use painter_schema::{AddressTakenKind, Call, CallKind, CrateGraph};

use super::graph::ArgCall;
use super::hashed::Hashed;
use crate::candidates::{CrateOf, MethodKey, method_key};

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

/// What one crate contributes to the instantiation index.
pub struct Scan<'a> {
    key: &'a str,
    crate_of: &'a CrateOf<'a>,
    /// Calls with arguments, in graph order.
    pub(super) calls: Vec<ArgCall<'a>>,
    /// For each of `calls` that is static: its callee's key.
    pub(super) callees: Vec<Option<Hashed<'a>>>,
    /// Runs of `calls` with one caller (a crate's calls are sorted by caller): key, length.
    pub(super) runs: Vec<(Hashed<'a>, u32)>,
    /// Positions in `calls` of the calls without placeholders.
    pub(super) seeds: Vec<u32>,
    /// Local parts of the ids of the bodies arguments name.
    pub(super) named: Vec<&'a str>,
    pub(super) entries: Entries<'a>,
    /// The target crate of the last call that named one.
    last_target: Option<&'a str>,
}

impl<'a> Scan<'a> {
    /// An empty scan of the crate at `key`.
    pub fn new(key: &'a str, crate_of: &'a CrateOf<'a>) -> Self {
        Scan {
            key,
            crate_of,
            calls: Vec::new(),
            callees: Vec::new(),
            runs: Vec::new(),
            seeds: Vec::new(),
            named: Vec::new(),
            entries: Entries::default(),
            last_target: None,
        }
    }

    /// Add the crate's next call (in graph order).
    pub fn call(&mut self, call: &'a Call) {
        match (call.kind, call.callee.as_deref()) {
            (CallKind::Drop, Some(callee)) => {
                self.entries.taken.push(method_key(self.crate_of, callee));
            }
            (CallKind::Dyn, Some(method)) => {
                self.entries
                    .dyn_methods
                    .insert(method_key(self.crate_of, method));
            }
            _ => {}
        }
        if let Some(target) = call.target_crate.as_deref()
            && !self
                .last_target
                .is_some_and(|last| std::ptr::eq(last, target))
        {
            // Calls name few crates, mostly by one shared string each: compared by address to
            // the last one first.
            self.last_target = Some(target);
            if target != self.key {
                self.entries.called.insert(target);
            }
        }
        if call.args.is_empty() {
            return;
        }
        match (self.runs.last_mut(), self.calls.last()) {
            (Some((_, len)), Some(last)) if last.call.caller == call.caller => *len += 1,
            _ => self
                .runs
                .push((Hashed::new(method_key(self.crate_of, &call.caller)), 1)),
        }
        let arg_call = ArgCall::new(call);
        if !arg_call.placeholder {
            self.seeds.push(self.calls.len() as u32);
        }
        self.calls.push(arg_call);
        self.callees
            .push(match (call.kind, call.callee.as_deref()) {
                (CallKind::Static, Some(callee)) => {
                    Some(Hashed::new(method_key(self.crate_of, callee)))
                }
                _ => None,
            });
        for arg in &call.args {
            if arg.bytes().any(|b| b == b'{') {
                self.named.extend(body_ids(arg));
            }
        }
    }

    /// Add the crate's functions used as values.
    pub fn address_taken(&mut self, graph: &'a CrateGraph) {
        for taken in &graph.address_taken {
            let Some(target) = taken.target.as_deref() else {
                continue;
            };
            let target = method_key(self.crate_of, target);
            if matches!(
                taken.kind,
                AddressTakenKind::FnPtr | AddressTakenKind::ClosureFnPtr | AddressTakenKind::Vtable
            ) {
                self.entries.taken.push(target);
            }
            // A function of another crate used as a value (a fn pointer) is a use of that crate.
            if target.0 != self.key {
                self.entries.called.insert(target.0);
            }
        }
    }

    /// Whether the crate has calls with generic arguments (files of older drivers have none).
    pub fn has_args(&self) -> bool {
        !self.calls.is_empty()
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
