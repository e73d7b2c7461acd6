//! `cargo painter export`: a graph in the formats other tools read (painter-export).

use std::process::ExitCode;

use anyhow::{Result, bail};
use painter_export::dot::Selection;
use painter_linker::write_graph;
use painter_query::{CandidateMode, Edges, PathLimits, Target, call_graph_with};

use super::{apply_pruning, load_graph};
use crate::cli::{ExportArgs, ExportFormat};

/// `cargo painter export GRAPH --format F -o OUT`.
pub fn run(args: &ExportArgs) -> Result<ExitCode> {
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
        // The dataset is a file format (painter-dataset reads it back, too), not a view.
        ExportFormat::Parquet => {
            painter_dataset::write_dataset(&graph, out)?;
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
                crate::diag::warning(format_args!(
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
        ExportFormat::Parquet => "parquet",
    }
}
