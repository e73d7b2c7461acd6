//! `cargo painter ecosystem --crates FILE --out DIR`: analyse a list of crates from crates.io,
//! each on its own, safely (sandboxed builds), in parallel, resumably and sharded, then link
//! everything into one ecosystem graph and report on it. The phases, in order:
//!
//! 1. toolchain, driver and sandbox checks (refuse to run untrusted code unsandboxed unless
//!    `--no-sandbox`);
//! 2. [`list`]: read the list, keep this shard's entries, skip those with a result;
//! 3. [`pool`]: per entry, [`fetch`] (online, no crate code runs) then [`run`] (offline, in
//!    the [`sandbox`]), writing [`result`]s as they finish;
//! 4. link `<out>/crates/` into `<out>/graph.json`;
//! 5. [`stats`] and [`report`].

mod fetch;
mod list;
mod pool;
mod report;
mod result;
mod run;
mod sandbox;
mod stats;

use std::{path::PathBuf, process::ExitCode, time::Instant};

use anyhow::{Context, Result};
use painter_linker::{LinkOptions, link, link_graphs, write_graph};
use painter_schema::{DriverConfig, LinkedGraph, PAINTER_VERSION};

use crate::{cli::EcosystemArgs, driver, toolchain};
use fetch::FetchContext;
use pool::{Layout, RunContext};
use result::{CrateResult, Status};
use run::BuildContext;
use sandbox::Sandbox;

pub fn run(args: &EcosystemArgs) -> Result<ExitCode> {
    let start = Instant::now();
    let toolchain = toolchain::locate()?;
    let driver = driver::locate()?;
    let mib = |n: u64| n.saturating_mul(1024 * 1024);
    let limits = sandbox::LimitArgs {
        memory: mib(args.memory_limit),
        procs: args.max_procs,
        target_size: mib(args.max_target_size),
    };
    let sandbox = Sandbox::detect(
        args.no_sandbox,
        limits,
        vec![toolchain.sysroot.clone(), driver.clone()],
    )?;
    if !sandbox.is_sandboxed() {
        crate::warning(format_args!(
            "--no-sandbox: the crates' build scripts and proc-macros run with your network \
             access and your files"
        ));
    }

    let list_file = std::path::absolute(&args.crates)?;
    let text = std::fs::read_to_string(&list_file)
        .with_context(|| format!("cannot read the crate list {}", list_file.display()))?;
    let entries = list::parse(&text, &list_file)?;
    let selected: Vec<list::Entry> = entries
        .iter()
        .filter(|e| args.shard.is_none_or(|shard| e.in_shard(shard)))
        .cloned()
        .collect();

    let layout = Layout::new(
        std::path::absolute(&args.out)?,
        args.cargo_home
            .as_ref()
            .map(std::path::absolute)
            .transpose()?,
    );
    layout
        .create()
        .with_context(|| format!("cannot create {}", layout.out.display()))?;
    let (todo, done) = resume(&layout, &selected, args.retry_failed);
    eprintln!(
        "{} entries in {}{}, {} done by an earlier run, {} to analyse with {} worker(s)",
        entries.len(),
        list_file.display(),
        args.shard
            .map(|(k, n)| format!(", {} in shard {k}/{n}", selected.len()))
            .unwrap_or_default(),
        done.len(),
        todo.len(),
        args.jobs.unwrap_or(1)
    );

    let config = DriverConfig::default();
    let cx = RunContext {
        layout: &layout,
        fetch: FetchContext {
            toolchain: &toolchain,
            cargo_home: &layout.cargo_home,
            offline: args.offline,
        },
        build: BuildContext {
            toolchain: &toolchain,
            driver: &driver,
            sandbox: &sandbox,
            config: &config,
            crates_dir: &layout.crates,
            timeout: std::time::Duration::from_secs(args.timeout),
        },
    };
    let todo_entries: Vec<list::Entry> = todo.iter().map(|&i| selected[i].clone()).collect();
    if args.fetch_only {
        let fetched = pool::fetch_all(&cx, &todo_entries, args.jobs.unwrap_or(1))?;
        let failed = fetched.iter().filter(|r| r.status != Status::Ok).count();
        eprintln!(
            "fetched {} entries into {} ({failed} failed)",
            fetched.len() - failed,
            layout.cargo_home.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let fresh = pool::run_all(&cx, &todo_entries, args.jobs.unwrap_or(1))?;

    // Back in list order, whichever run produced them.
    let mut results: Vec<(usize, CrateResult)> = done;
    results.extend(todo.iter().copied().zip(fresh));
    results.sort_by_key(|(i, _)| *i);
    let results: Vec<CrateResult> = results.into_iter().map(|(_, r)| r).collect();

    let graph = link_cache(&layout)?;
    let stats = stats::compute(&graph, &results);
    let info = report::RunInfo {
        list: list_file.display().to_string(),
        shard: args.shard.map(|(k, n)| format!("{k}/{n}")),
        sandboxed: sandbox.is_sandboxed(),
        painter_version: PAINTER_VERSION.to_string(),
        toolchain: toolchain::PINNED.to_string(),
        wall_ms: start.elapsed().as_millis() as u64,
        analysed_now: todo.len() as u64,
        resumed: (results.len() - todo.len()) as u64,
    };
    report::write(&layout.out, &info, &stats, &results)?;
    report::print_summary(&stats, &layout.out);
    Ok(ExitCode::SUCCESS)
}

/// Split the selected entries (by index) into those to analyse and those with a result to
/// keep: all with a result, or with `retry_failed` only the `ok` ones.
fn resume(
    layout: &Layout,
    selected: &[list::Entry],
    retry_failed: bool,
) -> (Vec<usize>, Vec<(usize, CrateResult)>) {
    let mut todo = Vec::new();
    let mut done = Vec::new();
    for (i, entry) in selected.iter().enumerate() {
        let previous = result::read(&result::path(&layout.results, &entry.slug()))
            .filter(|r| r.entry == entry.id())
            .filter(|r| !(retry_failed && r.status != Status::Ok));
        match previous {
            Some(r) => done.push((i, r)),
            None => todo.push(i),
        }
    }
    (todo, done)
}

/// Link every unit graph of the cache into `<out>/graph.json`.
fn link_cache(layout: &Layout) -> Result<LinkedGraph> {
    let mut files = Vec::new();
    painter_linker::collect_json_files(&layout.crates, &mut files)?;
    let graph = if files.is_empty() {
        link_graphs(Vec::new())
    } else {
        let outcome = link(
            std::slice::from_ref(&layout.crates),
            &LinkOptions { keep_going: true },
        )?;
        for (_, error) in &outcome.skipped {
            crate::warning(format_args!("left out of the graph: {error}"));
        }
        outcome.graph
    };
    let file: PathBuf = layout.out.join("graph.json");
    write_graph(&graph, &file).context("cannot write the linked graph")?;
    Ok(graph)
}
