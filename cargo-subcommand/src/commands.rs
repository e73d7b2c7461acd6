//! The subcommands that work on graph files only (`link`, `stats`, `export`; `path` is in
//! path_cmd.rs; `ecosystem` has its own module).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, bail};
use painter_export::dot::Selection;
use painter_linker::{
    CandidateMode, Edges, LinkOptions, PathLimits, PruneOptions, Roots, Target, call_graph_with,
    ecosystem_figures, link, link_graphs, prune, render_figures, render_table, summary_rows,
    write_graph,
};
use painter_schema::{GraphFile, LinkedGraph, read_graph_file};

use crate::cli::{ExportArgs, ExportFormat, LinkArgs, PruneArgs, StatsArgs, StatsFormat};
use crate::ffi_report;

/// `cargo painter link INPUT... -o GRAPH [--keep-going] [pruning]`.
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
    let graph = apply_pruning(outcome.graph, &args.prune);
    write_graph(&graph, &args.output)?;
    eprintln!(
        "linked {} crates into {}{}",
        graph.crates.len(),
        args.output.display(),
        match outcome.skipped.len() {
            0 => String::new(),
            1 => " (1 input skipped)".to_string(),
            n => format!(" ({n} inputs skipped)"),
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// Read a linked graph; a per-crate file is accepted too (it is linked on its own).
pub fn load_graph(path: &Path) -> Result<LinkedGraph> {
    Ok(match read_graph_file(path)? {
        GraphFile::Linked(graph) => *graph,
        GraphFile::Crate(krate) => link_graphs(vec![*krate]),
    })
}

/// The graph with the pruning the options ask for (unchanged when they ask for none).
fn apply_pruning(graph: LinkedGraph, args: &PruneArgs) -> LinkedGraph {
    let has_roots = !args.roots.is_empty() || !args.root_public_api.is_empty() || args.root_main;
    if !has_roots && !args.collapse_std && !args.drop_candidates {
        if args.root_depth.is_some() {
            crate::warning(format_args!(
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

/// `cargo painter stats GRAPH [--format table|json]`.
pub fn stats_command(args: &StatsArgs) -> Result<ExitCode> {
    let graph = load_graph(&args.graph)?;
    let rows = summary_rows(&graph);
    let ffi = ffi_report::ffi_rows(&graph);
    let figures = ecosystem_figures(&graph);
    let text = match args.format {
        StatsFormat::Table => {
            render_table(&rows) + &ffi_report::render(&ffi) + &render_figures(&figures)
        }
        StatsFormat::Json => {
            let json = serde_json::json!({
                "crates": rows, "ffi": ffi, "stats": graph.stats, "ecosystem": figures,
            });
            serde_json::to_string_pretty(&json)? + "\n"
        }
    };
    // A closed pipe (`| head`) is the reader's choice, not an error.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(ExitCode::SUCCESS)
}

/// `cargo painter export GRAPH --format F -o OUT`.
pub fn export_command(args: &ExportArgs) -> Result<ExitCode> {
    if args.format != ExportFormat::Dot
        && (args.from.is_some() || args.max_paths.is_some() || args.max_depth.is_some())
    {
        bail!(
            "--from, --to, --max-paths and --max-depth select what `--format dot` draws; \
             the other formats take the pruning options (--root, --root-depth, …)"
        );
    }
    let graph = apply_pruning(load_graph(&args.graph)?, &args.prune);
    let (mode, edges) = if args.candidates {
        (CandidateMode::Include, Edges::WithCandidates)
    } else {
        (CandidateMode::Exclude, Edges::Exact)
    };
    let out = &args.output;
    match args.format {
        ExportFormat::Json => write_graph(&graph, out)?,
        ExportFormat::Graphml => {
            painter_export::graphml::export(&call_graph_with(&graph, mode), out)?
        }
        ExportFormat::Neo4j => {
            painter_export::neo4j::export(&graph, &call_graph_with(&graph, mode), out)?
        }
        ExportFormat::Sqlite => {
            painter_export::sqlite::export(&graph, &call_graph_with(&graph, mode), out)?
        }
        ExportFormat::Sarif => {
            painter_export::sarif::export(&graph, args.source_root.as_deref(), out)?
        }
        ExportFormat::Dot => {
            let cg = call_graph_with(&graph, mode);
            let selection = match (&args.from, &args.to) {
                (None, _) => Selection::All,
                (Some(from), None) => Selection::Around {
                    from: from.clone(),
                    depth: args.max_depth.unwrap_or(2),
                },
                (Some(from), Some(to)) => Selection::Paths {
                    from: from.clone(),
                    to: Target::parse(to).map_err(anyhow::Error::msg)?,
                    limits: PathLimits {
                        max_paths: args.max_paths.unwrap_or(10),
                        max_depth: args.max_depth.unwrap_or(12),
                        ..PathLimits::default()
                    },
                },
            };
            if let Some(from) = &args.from
                && cg.find(from).is_empty()
            {
                bail!("no function in {} matches `{from}`", args.graph.display());
            }
            let sub = painter_export::dot::select(&cg, &selection, edges);
            if sub.nodes.len() > 2000 {
                crate::warning(format_args!(
                    "{} functions in the drawing; --from/--to select a readable part",
                    sub.nodes.len()
                ));
            }
            painter_export::dot::export(&cg, &sub, out)?;
        }
    }
    eprintln!("exported {} to {}", format_name(args.format), out.display());
    Ok(ExitCode::SUCCESS)
}

fn format_name(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Json => "json",
        ExportFormat::Graphml => "graphml",
        ExportFormat::Dot => "dot",
        ExportFormat::Neo4j => "neo4j",
        ExportFormat::Sqlite => "sqlite",
        ExportFormat::Sarif => "sarif",
    }
}
