//! Pruning a linked graph down to what a question needs: std/core/alloc internals collapsed into
//! their public entry points, only what chosen roots reach (optionally within a number of
//! calls), candidate edges dropped. The result is linked again, so it is a canonical graph like
//! any other (counts, stats and candidate sets recomputed from what is left).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use crate::forward::forward;
use crate::graph::{CandidateMode, call_graph_with};
use crate::reach::Edges;
use painter_schema::{Call, CrateGraph, FunctionKind, LinkedGraph, Sym, UnsafeOp};

/// The crates whose internals [`PruneOptions::collapse_std`] folds away.
pub const STD_CRATES: [&str; 3] = ["std", "core", "alloc"];

/// What [`prune`] removes. The default removes nothing.
#[derive(Debug, Clone, Default)]
pub struct PruneOptions {
    /// Fold the non-public functions of std, core and alloc (when they were analysed) into the
    /// public functions that reach them: each public entry point takes over the unsafe
    /// operations and the calls out of the internals it reaches.
    pub collapse_std: bool,
    /// Keep only the functions these roots reach.
    pub roots: Option<Roots>,
    /// Drop the candidate edges (`candidate_sets` and each call's `candidates`); also makes
    /// root reachability follow exact calls only.
    pub drop_candidates: bool,
}

/// The starting points of [`PruneOptions::roots`]; a function matching any of them is a root.
#[derive(Debug, Clone, Default)]
pub struct Roots {
    /// The public functions of these crates (crate name, package name or key).
    pub public_api_of: Vec<String>,
    /// Every `main` function of a binary target (and any function whose path is `…::main` in a
    /// workspace crate).
    pub main: bool,
    /// Functions given by path pattern or id (see `CallGraph::find`).
    pub functions: Vec<String>,
    /// Keep only functions at most this many calls from a root.
    pub max_depth: Option<u32>,
}

/// `graph` with what `opts` asks removed, linked again.
pub fn prune(graph: &LinkedGraph, opts: &PruneOptions) -> LinkedGraph {
    // One copy of the crates at most: the collapsed graph is both the view roots are searched
    // in and what is pruned.
    let collapsed = opts.collapse_std.then(|| {
        let mut crates = graph.crates.clone();
        collapse_std(&mut crates);
        // The candidate sets stay valid: collapsing keeps every call that had candidates.
        LinkedGraph {
            schema_version: graph.schema_version,
            painter_version: graph.painter_version.clone(),
            format: graph.format.clone(),
            crates,
            external_functions: graph.external_functions.clone(),
            candidate_sets: graph.candidate_sets.clone(),
            configurations: graph.configurations.clone(),
            stats: graph.stats.clone(),
        }
    });
    let base = collapsed.as_ref().unwrap_or(graph);
    let keep = opts
        .roots
        .as_ref()
        .map(|roots| reachable_from_roots(base, roots, !opts.drop_candidates));
    let mut crates = match collapsed {
        Some(collapsed) => collapsed.crates,
        None => graph.crates.clone(),
    };
    if let Some(keep) = &keep {
        retain_functions(&mut crates, keep);
    }
    let mut pruned =
        painter_linker::link_graphs_with(crates.into_values().collect(), &graph.configurations);
    if opts.drop_candidates {
        pruned.candidate_sets.clear();
        for krate in pruned.crates.values_mut() {
            for call in &mut krate.calls {
                call.candidates = None;
            }
        }
    }
    pruned
}

fn is_std(krate: &CrateGraph) -> bool {
    STD_CRATES.contains(&krate.krate.name.as_str())
}

/// Fold std/core/alloc internals into their public entry points (see
/// [`PruneOptions::collapse_std`]). Calls into an internal from outside the std crates are
/// left as they are; after relinking they point outside the graph.
fn collapse_std(crates: &mut BTreeMap<String, CrateGraph>) {
    let internal: HashSet<Sym> = crates
        .values()
        .filter(|k| is_std(k))
        .flat_map(|k| &k.functions)
        .filter(|f| !f.public)
        .map(|f| f.id.clone())
        .collect();
    if internal.is_empty() {
        return;
    }
    // Calls and ops of each std function, over all three crates (std calls core's internals).
    let mut calls_of: HashMap<&str, Vec<&Call>> = HashMap::new();
    let mut ops_of: HashMap<&str, Vec<&UnsafeOp>> = HashMap::new();
    for krate in crates.values().filter(|k| is_std(k)) {
        for call in &krate.calls {
            calls_of.entry(&call.caller).or_default().push(call);
        }
        for op in &krate.unsafe_ops {
            ops_of.entry(&op.function).or_default().push(op);
        }
    }
    let mut inherited: HashMap<Sym, (Vec<Call>, Vec<UnsafeOp>)> = HashMap::new();
    for krate in crates.values().filter(|k| is_std(k)) {
        for entry in krate.functions.iter().filter(|f| f.public) {
            let mut seen: HashSet<&str> = HashSet::new();
            let mut queue: VecDeque<&str> = VecDeque::new();
            let (mut calls, mut ops) = (Vec::new(), Vec::new());
            for call in calls_of.get(entry.id.as_str()).into_iter().flatten() {
                if let Some(callee) = call.callee.as_deref().filter(|c| internal.contains(*c))
                    && seen.insert(callee)
                {
                    queue.push_back(callee);
                }
            }
            while let Some(hidden) = queue.pop_front() {
                for op in ops_of.get(hidden).into_iter().flatten() {
                    ops.push(UnsafeOp {
                        function: entry.id.clone(),
                        ..(*op).clone()
                    });
                }
                for call in calls_of.get(hidden).into_iter().flatten() {
                    match call.callee.as_deref() {
                        Some(callee) if internal.contains(callee) => {
                            if seen.insert(callee) {
                                queue.push_back(callee);
                            }
                        }
                        _ => calls.push(Call {
                            caller: entry.id.clone(),
                            ..(*call).clone()
                        }),
                    }
                }
            }
            inherited.insert(entry.id.clone(), (calls, ops));
        }
    }
    for krate in crates.values_mut().filter(|k| is_std(k)) {
        let mut calls = Vec::new();
        let mut ops = Vec::new();
        for f in &krate.functions {
            if let Some((c, o)) = inherited.remove(&f.id) {
                calls.extend(c);
                ops.extend(o);
            }
        }
        krate.calls.retain(|c| {
            !internal.contains(&c.caller) && c.callee.as_ref().is_none_or(|x| !internal.contains(x))
        });
        krate.calls.extend(calls);
        krate.unsafe_ops.retain(|o| !internal.contains(&o.function));
        krate.unsafe_ops.extend(ops);
        // Entry points now own their internals' ops: keep the per-function counter truthful.
        let mut per_function: HashMap<&str, u32> = HashMap::new();
        for op in &krate.unsafe_ops {
            *per_function.entry(op.function.as_str()).or_default() += 1;
        }
        let counts: HashMap<Sym, u32> = per_function
            .into_iter()
            .map(|(id, n)| (Sym::from(id), n))
            .collect();
        for f in &mut krate.functions {
            f.unsafe_ops = counts.get(&f.id).copied().unwrap_or(0);
        }
        let kept: HashSet<Sym> = krate
            .functions
            .iter()
            .filter(|f| !internal.contains(&f.id))
            .map(|f| f.id.clone())
            .collect();
        retain_records(krate, &kept);
    }
}

/// Ids of the functions `roots` reach in `view` within `roots.max_depth` calls.
fn reachable_from_roots(view: &LinkedGraph, roots: &Roots, candidates: bool) -> HashSet<Sym> {
    let mode = if candidates {
        CandidateMode::Include
    } else {
        CandidateMode::Exclude
    };
    let cg = call_graph_with(view, mode);
    let mut start = Vec::new();
    for pattern in &roots.functions {
        start.extend(cg.find(pattern));
    }
    for (key, krate) in &view.crates {
        let api = roots
            .public_api_of
            .iter()
            .any(|name| name == key || *name == krate.krate.name || *name == krate.krate.package);
        let binary = krate.krate.kind == "bin";
        for f in &krate.functions {
            let is_main = roots.main
                && f.kind == FunctionKind::Fn
                && (f.path == "main" || f.path.ends_with("::main"))
                && (binary || krate.krate.primary);
            if (api && f.public) || is_main {
                start.extend(cg.by_id(&f.id));
            }
        }
    }
    let edges = if candidates {
        Edges::WithCandidates
    } else {
        Edges::Exact
    };
    forward(&cg, &start, edges, roots.max_depth)
        .nodes()
        .map(|n| Sym::from(cg.node(n).id))
        .collect()
}

/// Keep only the functions in `keep` (and the records about them); crates left without any
/// function disappear.
fn retain_functions(crates: &mut BTreeMap<String, CrateGraph>, keep: &HashSet<Sym>) {
    // Calls into functions that were pruned away go too (a kept function at the depth limit
    // keeps only its calls that leave the graph); calls to external callees stay.
    let known: HashSet<Sym> = crates
        .values()
        .flat_map(|k| k.functions.iter().map(|f| f.id.clone()))
        .collect();
    for krate in crates.values_mut() {
        retain_records(krate, keep);
        krate.calls.retain(|c| {
            c.callee
                .as_ref()
                .is_none_or(|callee| keep.contains(callee) || !known.contains(callee))
        });
    }
    crates.retain(|_, k| !k.functions.is_empty());
}

/// Drop every record of `krate` that belongs to a function not in `keep`.
fn retain_records(krate: &mut CrateGraph, keep: &HashSet<Sym>) {
    let kept = |id: &str| keep.contains(id);
    krate.functions.retain(|f| kept(&f.id));
    krate.calls.retain(|c| kept(&c.caller));
    krate.unsafe_ops.retain(|o| kept(&o.function));
    krate.unsafe_blocks.retain(|b| kept(&b.function));
    krate
        .ffi
        .imports
        .retain(|i| i.function.as_deref().is_some_and(kept));
    krate.ffi.exports.retain(|e| kept(&e.function));
    krate.ffi.callbacks.retain(|c| kept(&c.function));
    krate.address_taken.retain(|a| kept(&a.function));
    krate
        .declarations
        .retain(|d| d.id.as_deref().is_none_or(kept));
}
