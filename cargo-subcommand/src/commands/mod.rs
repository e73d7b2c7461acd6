//! The subcommands: `link`, `stats`, `path`, `export` and `audit` work on graph files (audit
//! analyses the project first unless given a graph); `sql` hands a dataset to painter-sql, the
//! SQL engine's binary; `diff` and `report` answer review questions (painter-review); `verify`
//! checks published crates against their repositories (painter-verify); the ecosystem runner
//! has its own module tree. Each asks its library, prints or writes.

pub mod audit;
pub mod diff;
pub mod export;
pub mod link;
pub mod path;
pub mod report;
pub mod sql;
pub mod stats;
pub mod verify;

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use painter_query::{PruneOptions, Roots, prune};
use painter_schema::LinkedGraph;

use crate::cli::PruneArgs;

/// Read a linked graph: a dataset directory (docs/schema.md, "The dataset (Parquet)"; linked
/// now if an incremental run left its link pending), a `graph.json`, or a per-crate file
/// (linked on its own).
pub fn load_graph(path: &Path) -> Result<LinkedGraph> {
    Ok(painter_linker::read_graph(path)?)
}

/// The graph with the pruning the options ask for (unchanged when they ask for none).
pub fn apply_pruning(graph: LinkedGraph, args: &PruneArgs) -> LinkedGraph {
    let has_roots = !args.roots.is_empty() || !args.root_public_api.is_empty() || args.root_main;
    if !has_roots && !args.collapse_std && !args.drop_candidates {
        if args.root_depth.is_some() {
            crate::diag::warning(format_args!(
                "--root-depth has no effect without a root option"
            ));
        }
        return graph;
    }
    let opts = PruneOptions {
        collapse_std: args.collapse_std,
        roots: has_roots.then(|| Roots {
            public_api_of: args.root_public_api.clone(),
            main: args.root_main,
            functions: args.roots.clone(),
            max_depth: args.root_depth,
        }),
        drop_candidates: args.drop_candidates,
    };
    prune(&graph, &opts)
}

/// Write a report to `output`, or to stdout.
pub fn write_output(output: Option<&Path>, text: &str) -> Result<()> {
    match output {
        Some(file) => {
            std::fs::write(file, text).with_context(|| format!("cannot write {}", file.display()))
        }
        // A closed pipe is the reader's choice, not an error.
        None => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            Ok(())
        }
    }
}
