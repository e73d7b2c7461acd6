//! The audit itself: packages → advisories → functions → verdicts, assembled into a
//! [`Report`]. Every (advisory, function) gets a finding, whatever its verdict: nothing an
//! advisory names is dropped silently.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use painter_query::graph::{CallGraph, Step};
use painter_query::{CandidateMode, call_graph_with};
use painter_schema::{CrateGraph, FunctionKind, LinkedGraph, Span};
use petgraph::graph::NodeIndex;
use rustsec::advisory::Advisory;
use rustsec::{Database, Lockfile};

use crate::AuditError;
use crate::functions::{self, Matched};
use crate::ignore::Ignore;
use crate::packages::{self, Package};
use crate::report::{AdvisoryInfo, Finding, MatchedFunction, PathStep, Report, Verdict};
use crate::verdict::{Reached, is_unresolved, search};

/// Where the searches start.
#[derive(Debug, Clone, Default)]
pub enum Roots {
    /// Every function of the workspace's crates (`primary`).
    #[default]
    Workspace,
    /// Functions matching these patterns (path, path substring or id; `CallGraph::find`).
    Patterns(Vec<String>),
    /// The public functions (and binaries' `main`) of these workspace crates (name, package or
    /// key); of every workspace crate when empty.
    PublicApi(Vec<String>),
}

#[derive(Debug, Default)]
pub struct AuditOptions {
    pub roots: Roots,
    pub ignore: Vec<Ignore>,
    /// The build's lock file: its registry packages that the build did not compile are
    /// reported as `not_in_build`.
    pub lock: Option<Lockfile>,
    /// How the database is named in the report.
    pub database_label: String,
}

/// Audit `graph` against `db`.
pub fn audit(
    graph: &LinkedGraph,
    db: &Database,
    opts: &AuditOptions,
) -> Result<Report, AuditError> {
    let cg = call_graph_with(graph, CandidateMode::Include);
    let (roots, roots_label) = roots(&cg, graph, &opts.roots)?;
    let mut built = packages::build_packages(graph);
    let unbuilt = opts
        .lock
        .as_ref()
        .map(|lock| packages::unbuilt_lock_packages(lock, &built))
        .unwrap_or_default();
    let audited = built.len() + unbuilt.len();
    built.extend(unbuilt);

    let mut findings = Vec::new();
    let mut withdrawn_skipped = 0;
    for package in &built {
        let (advisories, withdrawn) = packages::advisories_for(db, package);
        withdrawn_skipped += withdrawn;
        for advisory in advisories {
            let mut found = findings_for(&cg, graph, &roots, package, advisory);
            if let Some(ignore) = opts.ignore.iter().find(|i| i.id == advisory.id().as_str()) {
                for f in &mut found {
                    f.ignored = Some(ignore.reason.clone());
                }
            }
            findings.extend(found);
        }
    }
    findings.sort_by(|a, b| {
        (
            a.verdict,
            &a.advisory.id,
            &a.package,
            &a.version,
            &a.function,
        )
            .cmp(&(
                b.verdict,
                &b.advisory.id,
                &b.package,
                &b.version,
                &b.function,
            ))
    });
    let mut counts = BTreeMap::new();
    for f in &findings {
        *counts.entry(f.verdict.as_str().to_string()).or_insert(0) += 1;
    }
    Ok(Report {
        database: opts.database_label.clone(),
        workspace_root: workspace_root(graph).map(|r| r.display().to_string()),
        advisories_in_database: db.iter().count(),
        roots: roots_label,
        root_functions: roots.len(),
        packages_audited: audited,
        withdrawn_skipped,
        findings,
        counts,
    })
}

/// The root nodes and how to describe them.
fn roots(
    cg: &CallGraph<'_>,
    graph: &LinkedGraph,
    spec: &Roots,
) -> Result<(Vec<NodeIndex>, String), AuditError> {
    let primary = || graph.crates.iter().filter(|(_, k)| k.krate.primary);
    let mut nodes = Vec::new();
    let label = match spec {
        Roots::Workspace => {
            for (_, krate) in primary() {
                nodes.extend(krate.functions.iter().filter_map(|f| cg.by_id(&f.id)));
            }
            if nodes.is_empty() {
                return Err(AuditError::NoWorkspace);
            }
            "the workspace's functions".to_string()
        }
        Roots::Patterns(patterns) => {
            for pattern in patterns {
                let found = cg.find(pattern);
                if found.is_empty() {
                    return Err(AuditError::NoSuchRoot(pattern.clone()));
                }
                nodes.extend(found);
            }
            format!("functions matching {}", quoted_list(patterns))
        }
        Roots::PublicApi(names) => {
            for name in names {
                if !primary().any(|(key, k)| {
                    *name == **key || *name == k.krate.name || *name == k.krate.package
                }) {
                    return Err(AuditError::NoSuchCrate(name.clone()));
                }
            }
            for (key, krate) in primary() {
                let info = &krate.krate;
                if !names.is_empty()
                    && !names
                        .iter()
                        .any(|n| *n == **key || *n == info.name || *n == info.package)
                {
                    continue;
                }
                let api = krate.functions.iter().filter(|f| {
                    f.public
                        || (info.kind == "bin"
                            && f.kind == FunctionKind::Fn
                            && f.path.ends_with("::main"))
                        || (info.kind == "bin" && f.path == "main")
                });
                nodes.extend(api.filter_map(|f| cg.by_id(&f.id)));
            }
            if names.is_empty() {
                "the public API of the workspace's crates".to_string()
            } else {
                format!("the public API of {}", quoted_list(names))
            }
        }
    };
    nodes.sort_unstable();
    nodes.dedup();
    Ok((nodes, label))
}

fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The findings of one advisory for one package version.
fn findings_for(
    cg: &CallGraph<'_>,
    graph: &LinkedGraph,
    roots: &[NodeIndex],
    package: &Package,
    advisory: &Advisory,
) -> Vec<Finding> {
    let base = |function: Option<String>, verdict: Verdict, detail: String| Finding {
        advisory: advisory_info(advisory),
        package: package.name.clone(),
        version: package.version.to_string(),
        function,
        verdict,
        detail,
        matched: Vec::new(),
        path: Vec::new(),
        root: None,
        ignored: None,
    };
    if !package.in_build() {
        return vec![base(
            None,
            Verdict::NotInBuild,
            "the package is in the lock file but this build does not compile it (another \
             target, a disabled feature, a dev-dependency)"
                .into(),
        )];
    }
    if let Some(why) = packages::platform_mismatch(advisory, &package.target) {
        return vec![base(None, Verdict::NotApplicable, why)];
    }
    let functions = packages::functions_of(advisory, &package.version);
    if functions.is_empty() {
        return vec![no_function_data(cg, graph, roots, package, base)];
    }
    let mut out = Vec::new();
    for (path, applies, reqs) in functions {
        let path = path.to_string();
        if !applies {
            let ranges: Vec<String> = reqs.iter().map(ToString::to_string).collect();
            out.push(base(
                Some(path),
                Verdict::NotApplicable,
                format!(
                    "the advisory's ranges for this function ({}) leave out {}",
                    ranges.join("; "),
                    package.version
                ),
            ));
            continue;
        }
        let matched = functions::find(cg, graph, &package.crate_keys, &path);
        if matched.is_empty() {
            let why = functions::diagnose_missing(graph, &package.crate_keys, &path);
            out.push(base(Some(path), Verdict::NotInBuild, why));
            continue;
        }
        let targets: Vec<NodeIndex> = matched.iter().map(|m| m.node).collect();
        let mut finding = base(Some(path), Verdict::NotReachable, String::new());
        finding.matched = matched_functions(&matched);
        let rules = describe_rules(&matched);
        match search(cg, roots, &targets) {
            Reached::Exact(steps) => {
                finding.verdict = Verdict::Reachable;
                finding.root = Some(root_of(cg, &steps, roots, &targets));
                finding.detail = format!(
                    "{} call{} the types prove, from `{}` (matched by {rules})",
                    steps.len(),
                    if steps.len() == 1 { "" } else { "s" },
                    finding.root.as_deref().unwrap_or_default()
                );
                finding.path = path_steps(cg, graph, &steps);
            }
            Reached::Candidates(steps) => {
                finding.verdict = Verdict::ReachableThroughCandidates;
                finding.root = Some(root_of(cg, &steps, roots, &targets));
                finding.path = path_steps(cg, graph, &steps);
                let open: Vec<String> = finding
                    .path
                    .iter()
                    .filter(|s| s.unresolved)
                    .map(|s| {
                        let what = s.detail.as_deref().unwrap_or(&s.callee);
                        format!(
                            "{} call `{what}` in `{}` at {}:{}:{}",
                            s.kind, s.caller, s.file, s.span.line, s.span.col
                        )
                    })
                    .collect();
                finding.detail = format!(
                    "only through {}: {} (matched by {rules})",
                    if open.len() == 1 {
                        "an unresolved call"
                    } else {
                        "unresolved calls"
                    },
                    open.join("; ")
                );
            }
            Reached::No => {
                finding.detail = format!(
                    "{} in the build (matched by {rules}); no path from {} roots, not even \
                     through candidates",
                    if matched.len() == 1 {
                        "the function is".to_string()
                    } else {
                        format!("{} functions are", matched.len())
                    },
                    roots.len()
                );
            }
        }
        out.push(finding);
    }
    out
}

/// An advisory without function data: the package counts as affected whatever the roots do
/// (its code may also run at build time, in a build script or proc-macro), but the finding
/// says whether the roots call into the package at all, with the shortest such path.
fn no_function_data(
    cg: &CallGraph<'_>,
    graph: &LinkedGraph,
    roots: &[NodeIndex],
    package: &Package,
    base: impl Fn(Option<String>, Verdict, String) -> Finding,
) -> Finding {
    let targets: Vec<NodeIndex> = package
        .crate_keys
        .iter()
        .filter_map(|k| graph.crates.get(k))
        .flat_map(|k| &k.functions)
        .filter_map(|f| cg.by_id(&f.id))
        .collect();
    let mut finding = base(None, Verdict::NoFunctionData, String::new());
    let (how, steps) = match search(cg, roots, &targets) {
        Reached::Exact(steps) => ("the roots call into the package", Some(steps)),
        Reached::Candidates(steps) => (
            "the roots reach the package only through unresolved calls",
            Some(steps),
        ),
        Reached::No => (
            "no call from the roots reaches the package's code (it may still run at build \
             time, or through code the graph does not show)",
            None,
        ),
    };
    finding.detail = format!("the advisory names no function; {how}");
    if let Some(steps) = steps {
        finding.root = Some(root_of(cg, &steps, roots, &targets));
        finding.path = path_steps(cg, graph, &steps);
    }
    finding
}

fn advisory_info(advisory: &Advisory) -> AdvisoryInfo {
    let meta = &advisory.metadata;
    AdvisoryInfo {
        id: meta.id.as_str().to_string(),
        title: meta.title.clone(),
        date: meta.date.as_str().to_string(),
        url: meta.url.as_ref().map(ToString::to_string),
        informational: meta.informational.as_ref().map(|i| i.as_str().to_string()),
        aliases: meta
            .aliases
            .iter()
            .map(|a| a.as_str().to_string())
            .collect(),
        patched: advisory
            .versions
            .patched()
            .iter()
            .map(ToString::to_string)
            .collect(),
        severity: advisory.severity().map(|s| s.as_str().to_string()),
    }
}

fn matched_functions(matched: &[Matched<'_>]) -> Vec<MatchedFunction> {
    matched
        .iter()
        .map(|m| MatchedFunction {
            path: m.function.path.to_string(),
            id: m.function.id.to_string(),
            rule: m.rule,
        })
        .collect()
}

/// `def path`, or the rules that matched, distinct, in order.
fn describe_rules(matched: &[Matched<'_>]) -> String {
    let mut rules: Vec<&str> = Vec::new();
    for m in matched {
        let d = m.rule.describe();
        if !rules.contains(&d) {
            rules.push(d);
        }
    }
    rules.join(" + ")
}

/// The path of the root a path starts at (the target itself for an empty path).
fn root_of(
    cg: &CallGraph<'_>,
    steps: &[Step<'_>],
    roots: &[NodeIndex],
    targets: &[NodeIndex],
) -> String {
    let node = match steps.first() {
        Some(step) => step.from,
        None => *roots
            .iter()
            .find(|r| targets.contains(r))
            .unwrap_or(&targets[0]),
    };
    cg.node(node).path.to_string()
}

fn path_steps(cg: &CallGraph<'_>, graph: &LinkedGraph, steps: &[Step<'_>]) -> Vec<PathStep> {
    steps
        .iter()
        .map(|s| {
            let edge = cg.edge(s.edge);
            let callee = cg.node(s.to);
            PathStep {
                caller: cg.node(s.from).path.to_string(),
                caller_crate: edge.caller_crate.to_string(),
                callee: if callee.path.is_empty() {
                    callee.id
                } else {
                    callee.path
                }
                .to_string(),
                kind: s.call.kind,
                span: s.call.span.clone(),
                file: site_file(graph, edge.caller_crate, &s.call.span),
                detail: s.call.detail.as_ref().map(ToString::to_string),
                unresolved: is_unresolved(s.call.kind, s.candidate.is_some()),
                candidate: s.candidate.map(|c| c.reason.to_string()),
            }
        })
        .collect()
}

/// The directory holding every workspace crate (what SARIF locations are relative to).
pub fn workspace_root(graph: &LinkedGraph) -> Option<PathBuf> {
    let primary: Vec<&CrateGraph> = graph.crates.values().filter(|k| k.krate.primary).collect();
    painter_export::sarif::common_root(&primary)
}

/// `span`'s file on this machine, relative to the workspace root when under it.
fn site_file(graph: &LinkedGraph, crate_key: &str, span: &Span) -> String {
    let file = Path::new(&*span.file);
    let dir = graph
        .crates
        .get(crate_key)
        .and_then(|k| k.krate.manifest_dir.as_deref());
    let full = match dir {
        Some(dir) if file.is_relative() && !span.file.starts_with('$') => Path::new(dir).join(file),
        _ => return span.file.to_string(),
    };
    // A dependency's file keeps its portable name (`$CARGO_REGISTRY/…/src/lib.rs`).
    if !full.is_absolute() {
        return full.display().to_string();
    }
    match workspace_root(graph).and_then(|root| full.strip_prefix(root).ok().map(Path::to_path_buf))
    {
        Some(relative) => relative.display().to_string(),
        None => full.display().to_string(),
    }
}
