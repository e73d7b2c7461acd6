//! `cargo painter stats`: the summary table, the FFI boundary and the figures of a graph.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use painter_query::figures::{Population, figures};
use painter_query::{ffi, summary::summary_rows, table};

use super::load_graph;
use crate::cli::{StatsArgs, StatsCrates, StatsFormat};

/// `cargo painter stats GRAPH [--format table|json] [--wide] [--crates all|primary]`.
pub fn run(args: &StatsArgs) -> Result<ExitCode> {
    let graph = load_graph(&args.graph)?;
    let rows = summary_rows(&graph);
    let ffi = ffi::ffi_rows(&graph);
    let population = match args.crates {
        StatsCrates::All => Population::All,
        StatsCrates::Primary => Population::Primary,
    };
    let figures = figures(&graph, population);
    let text = match args.format {
        StatsFormat::Table => {
            let width = crate::diag::table_width(args.wide);
            table::render_table(&rows, width)
                + &ffi::render(&ffi)
                + &table::render_figures(&figures)
        }
        StatsFormat::Json => {
            let json = serde_json::json!({
                "crates": rows, "ffi": ffi, "stats": graph.stats, "figures": figures,
            });
            serde_json::to_string_pretty(&json)? + "\n"
        }
    };
    // A closed pipe (`| head`) is the reader's choice, not an error.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(ExitCode::SUCCESS)
}
