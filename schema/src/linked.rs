//! The linked graph (`graph.json`): every crate's records keyed `package@version`, calls
//! resolved across crates, external callees, and the candidate targets of indirect calls.
//! Every field is documented in `docs/schema.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::graph::CrateGraph;
use crate::kinds::CallKind;

/// The linked graph (`graph.json`): every crate's records keyed `package@version`, with call
/// edges resolved across crates and callees outside the linked set listed as external nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedGraph {
    pub schema_version: u32,
    pub painter_version: String,
    /// Always `"linked"`: tells a linked graph from a per-crate file.
    pub format: String,
    pub crates: BTreeMap<String, CrateGraph>,
    /// Call targets whose crate is not in the graph (std when not analysed, missing deps).
    pub external_functions: Vec<ExternalFunction>,
    /// Possible targets of calls the types do not resolve (`dyn`, `fn_ptr`, `trait_generic`),
    /// found across the whole linked graph, one set per distinct question; calls point to
    /// theirs with `candidates`. Never mixed with the exact edges.
    #[serde(default)]
    pub candidate_sets: Vec<CandidateSet>,
    /// The configurations the crates were analysed in (`cargo painter --configuration`), by
    /// name; empty for a graph of one unnamed configuration. Records name them in `configs`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configurations: Vec<Configuration>,
    pub stats: LinkStats,
}

/// One configuration of a multi-configuration analysis.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Configuration {
    pub name: String,
    /// The cargo flags that select it (`--features`, `--all-features`, `--target` …), as
    /// given to `cargo painter --configuration`; empty when not known (e.g. linked from files).
    #[serde(default)]
    pub cargo_args: Vec<String>,
}

/// The possible targets shared by every call that asks the same question.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CandidateSet {
    /// `dyn`, `fn_ptr` or `trait_generic`.
    pub kind: CallKind,
    /// What the calls ask: the trait method (and `dyn` type) or the fn-pointer signature.
    pub question: String,
    pub targets: Vec<CandidateTarget>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CandidateTarget {
    pub callee: String,
    pub callee_path: String,
    /// Key of the crate that defines the candidate.
    pub target_crate: String,
    /// Why it is a candidate: `impl for a type coerced to dyn Trait`, `impl of the trait
    /// method`, `address-taken fn with this signature`, …
    pub reason: String,
    /// Set when the target is not a mere candidate: `instantiation` = an instantiation of the
    /// calling body selects it, so the call runs it (an exact edge; docs/linker.md#instantiations).
    /// Absent in files written before instantiations were linked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<Via>,
}

/// How a target of a call's set is known to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// The caller is generic and every instantiation of it the graph shows selects this target
    /// for the call (`t.method()` with `T = Dog`, `f(x)` with `F = <closure>`, `fut.poll()`
    /// with `F = <coroutine>`).
    Instantiation,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Instantiation => "instantiation",
        }
    }
}

impl std::str::FromStr for Via {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "instantiation" => Ok(Via::Instantiation),
            other => Err(format!("unknown via `{other}`")),
        }
    }
}

/// One candidate edge, expanded (call × target): what queries walk. Not stored in files;
/// `painter_linker::candidates::expand` produces them from `candidate_sets`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CandidateEdge {
    /// Key of the crate that holds the call, and the call's position in that crate's `calls`.
    pub crate_key: String,
    pub call: u64,
    pub caller: String,
    /// The candidate function, and the key of the crate that defines it.
    pub callee: String,
    pub callee_path: String,
    pub target_crate: String,
    /// The call's kind: `dyn`, `fn_ptr` or `trait_generic`.
    pub kind: CallKind,
    /// Why it is a candidate: `impl for a type coerced to dyn Trait`, `impl of the trait
    /// method`, `address-taken fn with this signature`, …
    pub reason: String,
    /// `instantiation`: an exact edge an instantiation of the caller selects (see
    /// [`CandidateTarget::via`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<Via>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ExternalFunction {
    pub id: String,
    pub path: String,
    pub krate: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkStats {
    pub crates: u64,
    pub failed_crates: u64,
    pub functions: u64,
    pub calls: u64,
    pub calls_cross_crate_resolved: u64,
    pub calls_external: u64,
    pub unsafe_ops: u64,
}

/// `format` value of a linked graph.
pub const LINKED_FORMAT: &str = "linked";
