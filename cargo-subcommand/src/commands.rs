//! The subcommands that work on graph files only (`link`, `stats`), and the declared ones that
//! are not implemented yet (`path`, `export`), which say so and fail.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, bail};
use painter_linker::{LinkOptions, link, link_graphs, render_table, summary_rows, write_graph};
use painter_schema::{GraphFile, LinkedGraph, read_graph_file};

use crate::cli::{LinkArgs, StatsArgs, StatsFormat};
use crate::ffi_report;

/// `cargo painter link INPUT... -o GRAPH [--keep-going]`.
pub fn link_command(args: &LinkArgs) -> Result<ExitCode> {
    let outcome = link(
        &args.inputs,
        &LinkOptions {
            keep_going: args.keep_going,
        },
    )?;
    // Each error starts with the file it is about.
    for (_, error) in &outcome.skipped {
        crate::warning(format_args!("skipped {error}"));
    }
    write_graph(&outcome.graph, &args.output)?;
    eprintln!(
        "linked {} crates into {}{}",
        outcome.graph.crates.len(),
        args.output.display(),
        match outcome.skipped.len() {
            0 => String::new(),
            1 => " (1 input skipped)".to_string(),
            n => format!(" ({n} inputs skipped)"),
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// `cargo painter stats GRAPH [--format table|json]`. A per-crate file is accepted too (it is
/// linked on its own).
pub fn stats_command(args: &StatsArgs) -> Result<ExitCode> {
    let graph: LinkedGraph = match read_graph_file(&args.graph)? {
        GraphFile::Linked(graph) => *graph,
        GraphFile::Crate(krate) => link_graphs(vec![*krate]),
    };
    let rows = summary_rows(&graph);
    let ffi = ffi_report::ffi_rows(&graph);
    let text = match args.format {
        StatsFormat::Table => render_table(&rows) + &ffi_report::render(&ffi),
        StatsFormat::Json => {
            let json = serde_json::json!({ "crates": rows, "ffi": ffi, "stats": graph.stats });
            serde_json::to_string_pretty(&json)? + "\n"
        }
    };
    // A closed pipe (`| head`) is the reader's choice, not an error.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(ExitCode::SUCCESS)
}

/// A subcommand that DESIGN.md §5 promises but that does not exist yet.
pub fn not_implemented(name: &str, issue: u32) -> Result<ExitCode> {
    bail!("`cargo painter {name}` is not implemented yet (tracked in issue #{issue})")
}
