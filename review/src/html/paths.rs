//! The paths page's data: for each function of a workspace crate, its shortest call paths to
//! unsafe code and to FFI (painter-query's [`Reach::paths`], exact calls), with every call's
//! span; and the search index over crates and the functions the report shows.

use painter_query::figures::is_api;
use painter_query::graph::CallGraph;
use painter_query::{Edges, PathLimits, Reach, Target, reach};
use painter_schema::FunctionKind;
use petgraph::graph::NodeIndex;
use serde_json::{Value, json};

use crate::diff::hops;

/// Paths per function and target; functions listed per crate at most.
pub const PATHS_PER_TARGET: usize = 3;
pub const MAX_FUNCTIONS: usize = 3000;

pub struct Reaches<'a, 'g> {
    pub cg: &'a CallGraph<'g>,
    pub unsafe_reach: Reach,
    pub ffi_reach: Reach,
}

impl<'a, 'g> Reaches<'a, 'g> {
    pub fn new(cg: &'a CallGraph<'g>) -> Self {
        Reaches {
            cg,
            unsafe_reach: reach(cg, &Target::Unsafe, Edges::Exact),
            ffi_reach: reach(cg, &Target::Ffi, Edges::Exact),
        }
    }

    fn paths(&self, reach: &Reach, node: NodeIndex) -> Vec<Value> {
        let limits = PathLimits {
            max_paths: PATHS_PER_TARGET,
            max_depth: 12,
            max_work: 200_000,
        };
        reach
            .paths(self.cg, &[node], limits)
            .iter()
            .map(|p| json!(hops(self.cg, p)))
            .collect()
    }

    /// The paths data of the crate `key`: its functions that reach unsafe code or FFI.
    pub fn crate_paths(&self, key: &str) -> Value {
        let mut rows = Vec::new();
        let mut total = 0;
        for node in self.cg.nodes_where(|n| n.crate_key == Some(key)) {
            let n = self.cg.node(node);
            let Some((f, _)) = n.function else { continue };
            if n.foreign || !(is_api(f.kind) || f.kind == FunctionKind::Closure) {
                continue;
            }
            let (du, df) = (
                self.unsafe_reach.distance(node),
                self.ffi_reach.distance(node),
            );
            if du.is_none() && df.is_none() {
                continue;
            }
            total += 1;
            if rows.len() >= MAX_FUNCTIONS {
                continue;
            }
            rows.push(json!({
                "path": n.path,
                "kind": f.kind,
                "public": f.public,
                "span": f.span,
                "own_ops": n.unsafe_ops,
                "unsafe_distance": du,
                "ffi_distance": df,
                "to_unsafe": if du.is_some() { self.paths(&self.unsafe_reach, node) } else { Vec::new() },
                "to_ffi": if df.is_some() { self.paths(&self.ffi_reach, node) } else { Vec::new() },
            }));
        }
        json!({"key": key, "functions": rows, "total": total})
    }

    /// `[text, crate index, what]` for every crate (`c`) and every function the report
    /// lists: with unsafe ops (`o`), foreign (`x`), or of a workspace crate reaching unsafe
    /// code or FFI (`p`).
    pub fn search_index(&self, keys: &[&str]) -> Value {
        let mut rows: Vec<Value> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| json!([k, i, "c"]))
            .collect();
        let index_of: std::collections::HashMap<&str, usize> =
            keys.iter().enumerate().map(|(i, k)| (*k, i)).collect();
        for node in self.cg.graph.node_indices() {
            let n = self.cg.node(node);
            let Some(i) = n.crate_key.and_then(|k| index_of.get(k)) else {
                continue;
            };
            let primary = self.cg.linked.crates[keys[*i]].krate.primary;
            let what = if n.unsafe_ops > 0 {
                "o"
            } else if n.foreign {
                "x"
            } else if primary && (self.unsafe_reach.reaches(node) || self.ffi_reach.reaches(node)) {
                "p"
            } else {
                continue;
            };
            rows.push(json!([n.path, i, what]));
        }
        Value::Array(rows)
    }
}
