//! `cargo painter report --html DIR [GRAPH]`: the static HTML report of a graph (analysing
//! the workspace first when no graph is given), with a diff page for `--diff OLD [NEW]`
//! (painter-review writes it; docs/review.md).

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use painter_review::html::{SourceRoots, write_site as write};
use painter_schema::LinkedGraph;

use super::load_graph;
use crate::analyse::{self, Analysed};
use crate::cli::{AnalyseArgs, ReportArgs};

pub fn run(args: &ReportArgs) -> Result<ExitCode> {
    let graph_path = match &args.graph {
        Some(path) => path.clone(),
        None => {
            let analyse_args = AnalyseArgs {
                cargo: args.cargo.clone(),
                // The linked graph is read right after: link it while the units are in memory.
                link: true,
                ..AnalyseArgs::default()
            };
            match analyse::analyse(&analyse_args, false)? {
                Analysed::Linked(out) => out.graph,
                Analysed::BuildFailed(code) => return Ok(code),
            }
        }
    };
    let graph = load_graph(&graph_path)?;
    let diff = match args.diff.as_slice() {
        [] => None,
        [old, rest @ ..] => {
            let old_graph = load_graph(old)?;
            let (new_graph, new_label) = match rest.first() {
                Some(new) => (load_graph(new)?, new.display().to_string()),
                None => (graph.clone(), graph_path.display().to_string()),
            };
            let options = painter_review::DiffOptions {
                old_label: old.display().to_string(),
                new_label,
            };
            Some(painter_review::diff(&old_graph, &new_graph, &options))
        }
    };
    write_site(&graph, diff.as_ref(), &args.html)?;
    Ok(ExitCode::SUCCESS)
}

/// Write the report into `dir` and say where it is.
pub fn write_site(
    graph: &LinkedGraph,
    diff: Option<&painter_review::Diff>,
    dir: &Path,
) -> Result<()> {
    let start = std::time::Instant::now();
    let roots = source_roots();
    let written = write(graph, diff, dir, &roots)
        .with_context(|| format!("cannot write the HTML report into {}", dir.display()))?;
    eprintln!(
        "     Report {} ({} files, {:.1} MB, {:.1}s): open {}",
        dir.display(),
        written.files,
        written.bytes as f64 / 1e6,
        start.elapsed().as_secs_f64(),
        dir.join("index.html").display()
    );
    Ok(())
}

/// Where the graph's named roots are on this machine; `$RUST_SRC` is the pinned toolchain's
/// rust-src when it is installed.
fn source_roots() -> SourceRoots {
    let mut roots = SourceRoots::from_env();
    if let Ok(toolchain) = crate::cargo::toolchain::locate() {
        let src = toolchain.sysroot.join("lib/rustlib/src/rust");
        roots.rust_src = src.is_dir().then_some(src);
    }
    roots
}
