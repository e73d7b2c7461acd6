//! `cargo painter diff OLD [NEW]` (and `--rev`, `--crate`): make a linked graph of each side
//! ([`sides`], [`crates`]), ask painter-review what changed, print it in the chosen format,
//! optionally write the HTML report with the diff page, and fail when `--deny` says so.

mod crates;
pub mod sides;

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use painter_review::render::links::LinkOptions;
use painter_review::{Deny, DiffOptions};
use painter_schema::LinkedGraph;

use super::load_graph;
use crate::cli::{DiffArgs, DiffFormat};
use sides::{Made, Side};

pub fn run(args: &DiffArgs) -> Result<ExitCode> {
    let (old, new) = sides_of(args)?;
    let cx = sides::SideContext {
        cargo: &args.cargo,
        work_dir: args.work_dir.as_deref(),
    };
    let (old_graph, new_graph) = match (&old, &new) {
        (
            Side::Crate {
                name: a,
                version: va,
            },
            Side::Crate {
                name: b,
                version: vb,
            },
        ) => {
            let work = crate_work_dir(&cx)?;
            let versions = [(a.clone(), va.clone()), (b.clone(), vb.clone())];
            let mut graphs =
                crates::analyse(&versions, &work, args.no_sandbox, args.cargo.offline)?;
            let new = graphs.pop().expect("two graphs");
            (graphs.pop().expect("two graphs"), new)
        }
        _ => {
            let old_graph = match side_graph(&old, &cx, "old")? {
                Ok(g) => g,
                Err(code) => return Ok(code),
            };
            let new_graph = match side_graph(&new, &cx, "new")? {
                Ok(g) => g,
                Err(code) => return Ok(code),
            };
            (old_graph, new_graph)
        }
    };
    let options = DiffOptions {
        old_label: old.label(),
        new_label: new.label(),
    };
    let diff = painter_review::diff(&old_graph, &new_graph, &options);
    let root = source_root(&new_graph);
    let text = match args.format {
        DiffFormat::Table => painter_review::render::table::render(&diff),
        DiffFormat::Json => serde_json::to_string_pretty(&diff)? + "\n",
        DiffFormat::Markdown => painter_review::render::markdown::render(
            &diff,
            &LinkOptions {
                base: args.link_base.clone(),
                root: root.clone(),
            },
        ),
        DiffFormat::Sarif => {
            serde_json::to_string_pretty(&painter_review::render::sarif::sarif_log(
                &diff,
                root.as_deref(),
            ))? + "\n"
        }
    };
    write_output(args.output.as_deref(), &text)?;
    if let Some(dir) = &args.html {
        super::report::write_site(&new_graph, Some(&diff), dir)?;
    }
    let violations = Deny {
        rules: args.deny.clone(),
    }
    .violations(&diff);
    if violations.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let list: Vec<String> = violations
        .iter()
        .map(|(rule, n)| format!("{n} {rule}"))
        .collect();
    eprintln!("denied by --deny: {}", list.join(", "));
    Ok(ExitCode::FAILURE)
}

/// The two sides the arguments name.
fn sides_of(args: &DiffArgs) -> Result<(Side, Side)> {
    if let Some(spec) = &args.krate {
        let [a, b] = crates::parse_range(spec)?;
        return Ok((
            Side::Crate {
                name: a.0,
                version: a.1,
            },
            Side::Crate {
                name: b.0,
                version: b.1,
            },
        ));
    }
    if let Some(rev) = &args.rev {
        return Ok(match rev.split_once("..") {
            Some((a, b)) => (Side::Rev(a.into()), Side::Rev(b.into())),
            None => (Side::Rev(rev.clone()), Side::Workspace),
        });
    }
    let old = Side::parse(
        args.old
            .as_deref()
            .context("give OLD [NEW], --rev or --crate")?,
    )?;
    let new = match &args.new {
        Some(text) => Side::parse(text)?,
        None => Side::Workspace,
    };
    if matches!(old, Side::Crate { .. }) != matches!(new, Side::Crate { .. }) {
        anyhow::bail!("a crate: side compares with another crate: side only");
    }
    Ok((old, new))
}

fn side_graph(
    side: &Side,
    cx: &sides::SideContext<'_>,
    slot: &str,
) -> Result<Result<LinkedGraph, ExitCode>> {
    Ok(match sides::make(side, cx, slot)? {
        Made::Graph(path) => Ok(load_graph(&path)?),
        Made::BuildFailed(code) => {
            crate::diag::warning(format_args!(
                "{}: the build failed; nothing to compare",
                side.label()
            ));
            Err(code)
        }
    })
}

/// `--work-dir`, else `<target-dir>/painter/diff` of the workspace here, else
/// `target/painter/diff` (`--crate` needs no workspace).
fn crate_work_dir(cx: &sides::SideContext<'_>) -> Result<std::path::PathBuf> {
    match cx.work_dir {
        Some(dir) => Ok(std::path::absolute(dir)?),
        None => sides::work_dir(cx).or_else(|_| Ok(std::path::absolute("target/painter/diff")?)),
    }
}

/// The directory holding every workspace crate: where `--link-base` and SARIF paths start.
fn source_root(graph: &LinkedGraph) -> Option<std::path::PathBuf> {
    let primary: Vec<_> = graph.crates.values().filter(|k| k.krate.primary).collect();
    painter_export::sarif::common_root(&primary)
}

fn write_output(output: Option<&Path>, text: &str) -> Result<()> {
    match output {
        Some(file) => {
            std::fs::write(file, text).with_context(|| format!("cannot write {}", file.display()))
        }
        None => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            Ok(())
        }
    }
}
