//! `cargo painter link`: merge per-crate files, directories of them and linked graphs (e.g.
//! the shards of an ecosystem run) into one graph, pruned if asked.

use std::process::ExitCode;

use anyhow::Result;

use super::apply_pruning;
use crate::cli::LinkArgs;
use crate::linking::{self, LinkInputs};

/// `cargo painter link INPUT... -o GRAPH [--keep-going] [pruning]`.
pub fn run(args: &LinkArgs) -> Result<ExitCode> {
    let linked = linking::link(LinkInputs {
        files: &args.inputs,
        keep_going: args.keep_going,
        require_usable: true,
        ..LinkInputs::default()
    })?;
    let graph = apply_pruning(linked.graph, &args.prune);
    linking::write(&graph, &args.output)?;
    eprintln!(
        "linked {} crates into {}{}",
        graph.crates.len(),
        args.output.display(),
        match linked.skipped.len() {
            0 => String::new(),
            1 => " (1 input skipped)".to_string(),
            n => format!(" ({n} inputs skipped)"),
        }
    );
    linking::free_in_background(graph);
    Ok(ExitCode::SUCCESS)
}
