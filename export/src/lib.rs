//! painter-export: a linked graph in the formats other tools read — GraphML (NetworkX, Gephi),
//! DOT (Graphviz; a filtered subgraph clustered by crate), Neo4j bulk-import CSV, SQLite, and
//! SARIF 2.1.0 (GitHub code scanning). The JSON graph itself is `painter_linker::write_graph`.
//!
//! Every exporter works from the call-graph view (`painter_query::CallGraph`): nodes are
//! function ids (linked, external, or known only as a callee), edges are calls with a callee id
//! and, when asked for, candidate edges (marked as such in every format). Files are written
//! to a temporary name and renamed, so a reader never sees half an export.

pub mod dot;
pub mod graphml;
pub mod neo4j;
pub mod sarif;
pub mod sqlite;
mod write;

use std::path::PathBuf;

use painter_query::graph::Node;

pub use write::write_atomically;

/// Why an export failed; every variant names the output.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{}: cannot write: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: sqlite: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
}

/// The crate a node belongs to, for grouping: its linked crate's key, else `external <name>`
/// for callees outside the graph, else `unknown` (a callee id no record describes).
pub fn crate_label(node: &Node<'_>) -> String {
    match (node.crate_key, node.external_crate) {
        (Some(key), _) => key.to_owned(),
        (None, Some(name)) => format!("external {name}"),
        (None, None) => "unknown".to_owned(),
    }
}
