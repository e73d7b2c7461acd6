//! Scoring a linked graph against the benchmark's expectations: the edges painter reports at
//! each annotated call site (exact edges from the crates' `calls`, candidate edges from
//! `painter_linker::candidates::expand`), matched by file, line, callee path and mode; recall
//! and precision per category, and a readable list of what is missing or extra.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use painter_schema::{CrateGraph, LinkedGraph, Span};

use crate::annotations::{CATEGORIES, Expected, Mode};

/// An edge painter reports at a call site.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Found {
    pub file: String,
    pub line: u32,
    pub mode: Mode,
    pub callee: String,
    /// Painter's call kind, for the report (`trait_resolved`, `dyn`…).
    pub kind: String,
}

/// Whether a record with tags `configs` of `krate` holds in `config` (`None`: in any).
fn holds(krate: &CrateGraph, configs: &[String], config: Option<&str>) -> bool {
    let Some(config) = config else { return true };
    let named = |list: &[String]| list.iter().any(|c| c == config);
    if configs.is_empty() {
        named(&krate.krate.configurations)
    } else {
        named(configs)
    }
}

/// Every edge of `graph` whose call site is a file of the workspace at `root` and that holds
/// in configuration `config` (any, when `None`). A target reached from one site by several
/// calls (a macro expanded twice) counts once.
pub fn found_edges(graph: &LinkedGraph, root: &Path, config: Option<&str>) -> Vec<Found> {
    let mut files = FileMap::new(root);
    let mut found = BTreeSet::new();
    for krate in graph.crates.values() {
        let dir = krate.krate.manifest_dir.as_deref().map(PathBuf::from);
        for call in &krate.calls {
            if !holds(krate, &call.configs, config) {
                continue;
            }
            if call.callee_path.is_empty() {
                continue; // no callee known (fn pointers, drops of `dyn`): candidates only
            }
            if let Some((file, line)) = files.site(dir.as_deref(), &call.span) {
                found.insert(Found {
                    file,
                    line,
                    mode: Mode::Exact,
                    callee: call.callee_path.clone().to_string(),
                    kind: call.kind.as_str().to_string(),
                });
            }
        }
    }
    for edge in painter_linker::candidates::expand(graph) {
        let krate = &graph.crates[&edge.crate_key];
        let call = &krate.calls[edge.call as usize];
        if !holds(krate, &call.configs, config) {
            continue;
        }
        let dir = krate.krate.manifest_dir.as_deref().map(PathBuf::from);
        if let Some((file, line)) = files.site(dir.as_deref(), &call.span) {
            found.insert(Found {
                file,
                line,
                mode: match edge.via {
                    Some(_) => Mode::Instance,
                    None => Mode::Candidate,
                },
                callee: edge.callee_path,
                kind: edge.kind.as_str().to_string(),
            });
        }
    }
    found.into_iter().collect()
}

/// Exact edges made in the workspace to a crate of the graph, split by whether that crate has
/// a function node with the callee's id: (file, line, callee path) of those that land on one,
/// and a description of each that points nowhere. A compiler-written method, such as a derived
/// `clone`, must be a node of its crate like any other.
pub fn exact_edge_targets(
    graph: &LinkedGraph,
    root: &Path,
) -> (BTreeSet<(String, u32, String)>, Vec<String>) {
    let mut files = FileMap::new(root);
    let ids: BTreeMap<&str, BTreeSet<&str>> = graph
        .crates
        .iter()
        .map(|(key, krate)| {
            let ids = krate.functions.iter().map(|f| f.id.as_str()).collect();
            (key.as_str(), ids)
        })
        .collect();
    let mut landed = BTreeSet::new();
    let mut dangling = Vec::new();
    for krate in graph.crates.values() {
        let dir = krate.krate.manifest_dir.as_deref().map(PathBuf::from);
        for call in &krate.calls {
            let (Some(callee), Some(target)) = (&call.callee, &call.target_crate) else {
                continue;
            };
            let Some((file, line)) = files.site(dir.as_deref(), &call.span) else {
                continue;
            };
            if ids
                .get(target.as_str())
                .is_some_and(|f| f.contains(callee.as_str()))
            {
                landed.insert((file, line, call.callee_path.to_string()));
            } else {
                dangling.push(format!(
                    "{file}:{line} {} ({}: {callee} is no function of {target})",
                    call.callee_path,
                    call.kind.as_str()
                ));
            }
        }
    }
    (landed, dangling)
}

/// Maps a span's file (relative to its package, to the workspace, or absolute) to the
/// workspace-relative path the annotations use; `None` outside the workspace (std, …).
struct FileMap {
    root: PathBuf,
    cache: HashMap<(Option<PathBuf>, String), Option<String>>,
}

impl FileMap {
    fn new(root: &Path) -> Self {
        let root = root.canonicalize().expect("workspace root");
        FileMap {
            root,
            cache: HashMap::new(),
        }
    }

    fn site(&mut self, package_dir: Option<&Path>, span: &Span) -> Option<(String, u32)> {
        let key = (package_dir.map(Path::to_path_buf), span.file.to_string());
        let root = &self.root;
        let file = self
            .cache
            .entry(key)
            .or_insert_with(|| {
                let file = Path::new(&span.file);
                let tries = [package_dir.map(|d| d.join(file)), Some(root.join(file))];
                tries
                    .into_iter()
                    .flatten()
                    .chain(file.is_absolute().then(|| file.to_path_buf()))
                    .find_map(|p| p.canonicalize().ok())
                    .and_then(|p| {
                        let rel = p.strip_prefix(root).ok()?;
                        Some(rel.to_string_lossy().replace('\\', "/"))
                    })
            })
            .clone()?;
        Some((file, span.line))
    }
}

/// The result of comparing found edges with the expected ones at the annotated sites.
pub struct Score {
    /// Expected edges not found (known misses included: see `Expected::known_miss`).
    pub missing: Vec<Expected>,
    /// Known misses that painter now finds: their marker should go.
    pub found_known_misses: Vec<Expected>,
    /// Found edges at annotated sites that no annotation expects, with the category of the
    /// site (the first annotation's on that line).
    pub extra: Vec<(String, Found)>,
    pub rows: Vec<Row>,
}

pub struct Row {
    pub category: String,
    pub expected: usize,
    pub found: usize,
    pub extra: usize,
    /// Expected edges marked as known misses and not found.
    pub known_misses: usize,
}

impl Row {
    pub fn recall(&self) -> f64 {
        ratio(self.found, self.expected)
    }

    pub fn precision(&self) -> f64 {
        ratio(self.found, self.found + self.extra)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// Score `found` against `expected` (already restricted to one configuration, or all).
pub fn score(expected: &[Expected], found: &[Found]) -> Score {
    let key = |file: &str, line: u32, mode: Mode, callee: &str| {
        (file.to_string(), line, mode, callee.to_string())
    };
    let found_keys: BTreeSet<_> = found
        .iter()
        .map(|f| key(&f.file, f.line, f.mode, &f.callee))
        .collect();
    let expected_keys: BTreeSet<_> = expected
        .iter()
        .map(|e| key(&e.file, e.line, e.mode, &e.callee))
        .collect();
    // Each annotated site and the category its first annotation gives it.
    let mut sites: BTreeMap<(String, u32), String> = BTreeMap::new();
    for e in expected {
        sites
            .entry((e.file.clone(), e.line))
            .or_insert_with(|| e.category.clone());
    }
    let mut rows: BTreeMap<&str, Row> = CATEGORIES
        .iter()
        .map(|c| {
            let row = Row {
                category: c.to_string(),
                expected: 0,
                found: 0,
                extra: 0,
                known_misses: 0,
            };
            (*c, row)
        })
        .collect();
    let mut missing = Vec::new();
    let mut found_known_misses = Vec::new();
    let mut counted = BTreeSet::new();
    for e in expected {
        let k = key(&e.file, e.line, e.mode, &e.callee);
        if !counted.insert(k.clone()) {
            continue; // the same edge annotated twice counts once
        }
        let row = rows.get_mut(e.category.as_str()).expect("known category");
        row.expected += 1;
        if found_keys.contains(&k) {
            row.found += 1;
            if e.known_miss.is_some() {
                found_known_misses.push(e.clone());
            }
        } else {
            if e.known_miss.is_some() {
                row.known_misses += 1;
            }
            missing.push(e.clone());
        }
    }
    let mut extra = Vec::new();
    for f in found {
        let Some(category) = sites.get(&(f.file.clone(), f.line)) else {
            continue;
        };
        if !expected_keys.contains(&key(&f.file, f.line, f.mode, &f.callee)) {
            rows.get_mut(category.as_str())
                .expect("known category")
                .extra += 1;
            extra.push((category.clone(), f.clone()));
        }
    }
    Score {
        missing,
        found_known_misses,
        extra,
        rows: rows.into_values().filter(|r| r.expected > 0).collect(),
    }
}

impl Score {
    pub fn total(&self) -> Row {
        let sum = |f: fn(&Row) -> usize| self.rows.iter().map(f).sum();
        Row {
            category: "total".into(),
            expected: sum(|r| r.expected),
            found: sum(|r| r.found),
            extra: sum(|r| r.extra),
            known_misses: sum(|r| r.known_misses),
        }
    }

    /// The per-category table (Markdown, so the docs can quote it as printed).
    pub fn table(&self) -> String {
        let mut out = String::from(
            "| category | expected | found | extra | known misses | recall | precision |\n|---|---:|---:|---:|---:|---:|---:|\n",
        );
        for row in self.rows.iter().chain(std::iter::once(&self.total())) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {:.1}% | {:.1}% |",
                row.category,
                row.expected,
                row.found,
                row.extra,
                row.known_misses,
                100.0 * row.recall(),
                100.0 * row.precision()
            );
        }
        out
    }

    /// Missing and extra edges, one per line.
    pub fn details(&self) -> String {
        let mut out = String::new();
        for e in &self.missing {
            match &e.known_miss {
                Some(reason) => {
                    let _ = writeln!(out, "known miss: {e} ({reason})");
                }
                None => {
                    let _ = writeln!(out, "missing: {e}");
                }
            }
        }
        for e in &self.found_known_misses {
            let _ = writeln!(out, "found a known miss (drop its marker): {e}");
        }
        for (category, f) in &self.extra {
            let _ = writeln!(
                out,
                "extra:   {}:{} {category} {} {} (painter kind {})",
                f.file, f.line, f.mode, f.callee, f.kind
            );
        }
        out
    }
}
