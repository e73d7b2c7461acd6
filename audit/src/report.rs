//! What an audit found: one [`Finding`] per (advisory, affected function) — or per advisory
//! when it names no function or does not apply — with its [`Verdict`] and the evidence (the
//! functions the path was matched to, the call path from the root). Serialised as is by
//! `--format json`.

use std::collections::BTreeMap;

use painter_schema::{CallKind, Span};
use serde::Serialize;

use crate::functions::Rule;

/// The answer for one (advisory, function), strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// A path of calls the types prove leads from a root to the function.
    Reachable,
    /// Only paths through a `dyn`, fn-pointer or generic call (a candidate target) lead there.
    ReachableThroughCandidates,
    /// The advisory names no function: the package is affected, nothing more is known.
    NoFunctionData,
    /// The function is in the build, and no path leads to it, not even through candidates.
    NotReachable,
    /// No function of the build is the one named (renamed, compiled out, not in this
    /// version), or the package is in the lock file but not compiled in this build.
    NotInBuild,
    /// The advisory's OS/arch, or the function's own version ranges, leave this build out.
    NotApplicable,
}

impl Verdict {
    pub const ALL: [Verdict; 6] = [
        Verdict::Reachable,
        Verdict::ReachableThroughCandidates,
        Verdict::NoFunctionData,
        Verdict::NotReachable,
        Verdict::NotInBuild,
        Verdict::NotApplicable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Reachable => "reachable",
            Verdict::ReachableThroughCandidates => "reachable_through_candidates",
            Verdict::NoFunctionData => "no_function_data",
            Verdict::NotReachable => "not_reachable",
            Verdict::NotInBuild => "not_in_build",
            Verdict::NotApplicable => "not_applicable",
        }
    }

    /// The heading of its group in the table.
    pub fn title(self) -> &'static str {
        match self {
            Verdict::Reachable => "reachable",
            Verdict::ReachableThroughCandidates => {
                "reachable only through candidates (dyn, fn-pointer or generic calls)"
            }
            Verdict::NoFunctionData => "package affected; no function data",
            Verdict::NotReachable => "not reachable",
            Verdict::NotInBuild => "function not in this build",
            Verdict::NotApplicable => "not applicable to this build",
        }
    }
}

/// Which verdicts make the run fail (`--deny`). Informational advisories (unmaintained,
/// unsound, notice) and ignored ones never do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Deny {
    /// `reachable` and `no_function_data` (nothing dismisses an advisory without functions).
    #[default]
    Reachable,
    /// Also `reachable_through_candidates`.
    Candidates,
    /// Every affected package, whatever the verdict (version-only matching).
    Any,
}

impl Deny {
    pub fn denies(self, finding: &Finding) -> bool {
        if finding.ignored.is_some() || finding.advisory.informational.is_some() {
            return false;
        }
        match self {
            Deny::Reachable => {
                matches!(
                    finding.verdict,
                    Verdict::Reachable | Verdict::NoFunctionData
                )
            }
            Deny::Candidates => matches!(
                finding.verdict,
                Verdict::Reachable | Verdict::ReachableThroughCandidates | Verdict::NoFunctionData
            ),
            Deny::Any => true,
        }
    }
}

/// The advisory a finding is about (what the table and SARIF show of it).
#[derive(Debug, Clone, Serialize)]
pub struct AdvisoryInfo {
    pub id: String,
    pub title: String,
    pub date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `unmaintained`, `unsound`, `notice`, …; absent for a vulnerability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub informational: Option<String>,
    pub aliases: Vec<String>,
    pub patched: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
}

/// A graph function an advisory path was matched to, and by which rule.
#[derive(Debug, Clone, Serialize)]
pub struct MatchedFunction {
    pub path: String,
    pub id: String,
    pub rule: Rule,
}

/// One call of an evidence path: `caller` calls `callee` at `span` (in `caller_crate`).
#[derive(Debug, Clone, Serialize)]
pub struct PathStep {
    pub caller: String,
    pub caller_crate: String,
    pub callee: String,
    pub kind: CallKind,
    /// The call site, as the graph records it (file relative to the caller's package).
    pub span: Span,
    /// The call site's file on this machine: relative to the workspace root when under it,
    /// else absolute (a dependency's file), else as in `span` (an unresolvable root).
    pub file: String,
    /// The call's detail (`dyn audit_helpers::Task`, `<T as x::Task>`, a signature).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The call's target is open (`dyn`, fn pointer, generic): this step is a possibility.
    pub unresolved: bool,
    /// For a candidate edge: why the callee is a possible target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidate: Option<String>,
}

/// The verdict for one (advisory, function) of one package version.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub advisory: AdvisoryInfo,
    pub package: String,
    pub version: String,
    /// The advisory's function path; absent for a verdict about the whole advisory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    pub verdict: Verdict,
    /// Why, in one sentence.
    pub detail: String,
    pub matched: Vec<MatchedFunction>,
    /// From the root (its first step's span is the workspace call site) to the function.
    pub path: Vec<PathStep>,
    /// The root the path starts from (also when the path is empty: the root is the function).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// The ignore list's reason, when the advisory is ignored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
}

/// The whole audit.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The advisory database read.
    pub database: String,
    /// The directory holding every workspace crate, which `file`s are relative to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_root: Option<String>,
    pub advisories_in_database: usize,
    /// What the searches started from (`workspace functions`, `--root …`, `public API of …`).
    pub roots: String,
    pub root_functions: usize,
    /// Packages of the build (and lock-file packages not built) checked against the database.
    pub packages_audited: usize,
    /// Withdrawn advisories that matched a package and were skipped.
    pub withdrawn_skipped: usize,
    /// Findings, grouped by verdict in [`Verdict::ALL`] order, then by advisory id.
    pub findings: Vec<Finding>,
    /// How many findings have each verdict (ignored ones included).
    pub counts: BTreeMap<String, usize>,
}

impl Report {
    /// Findings that make the run fail under `deny`.
    pub fn denied(&self, deny: Deny) -> Vec<&Finding> {
        self.findings.iter().filter(|f| deny.denies(f)).collect()
    }

    /// One verdict per (advisory, package version): the strongest of its findings.
    pub fn advisory_verdicts(&self) -> BTreeMap<(String, String, String), Verdict> {
        let mut out: BTreeMap<(String, String, String), Verdict> = BTreeMap::new();
        for f in &self.findings {
            let key = (f.advisory.id.clone(), f.package.clone(), f.version.clone());
            out.entry(key)
                .and_modify(|v| *v = (*v).min(f.verdict))
                .or_insert(f.verdict);
        }
        out
    }
}
