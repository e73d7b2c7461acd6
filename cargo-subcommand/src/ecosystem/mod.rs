//! `cargo painter ecosystem --crates FILE --out DIR`: analyse a list of crates from crates.io,
//! each on its own, safely (sandboxed builds), in parallel, resumably and sharded, then link
//! everything into one ecosystem graph and report on it. The phases, in order:
//!
//! 1. toolchain, driver and sandbox checks (refuse to run untrusted code unsandboxed unless
//!    `--no-sandbox`);
//! 2. [`list`]: read the list, keep this shard's entries, skip those with a result;
//! 3. [`pool`]: per entry, [`fetch`] (online, no crate code runs) then [`run`] (offline, in
//!    the [`sandbox`]), writing [`result`]s as they finish;
//! 4. link `<out>/crates/` into the dataset `<out>/graph/` (the one link step, [`crate::linking`]);
//!    an entry whose unit files cannot be read is not `ok`;
//! 5. the figures of the `ok` entries ([`painter_query::figures`]) and the [`report`].
//!
//! With `--verify`, step 3 also [`verify`]s each entry's package and its resolve against their
//! repositories (painter-verify), after the fetch.

mod fetch;
pub mod list;
pub mod pool;
mod report;
pub mod result;
mod retained;
mod run;
mod sandbox;
mod schedule;
mod units;
mod verify;

use std::{collections::BTreeSet, path::PathBuf, process::ExitCode, time::Instant};

use anyhow::{Context, Result};
use painter_linker::LoadError;
use painter_query::figures::{Population, figures};
use painter_schema::{DriverConfig, LinkedGraph, PAINTER_VERSION, names};

use crate::cargo::{driver, toolchain};
use crate::cli::EcosystemArgs;
use crate::linking::{self, LinkInputs};
use fetch::FetchContext;
use pool::{Layout, RunContext};
use result::{CrateResult, Status};
use run::BuildContext;
use sandbox::Sandbox;

/// What [`analyse_list`] leaves: the run's directories and every selected entry's result (in
/// list order); the linked graph of all of them is in the dataset `<out>/graph/`.
pub struct Analysed {
    pub layout: Layout,
    pub results: Vec<CrateResult>,
    /// Entries analysed by this invocation (the others had a result already).
    pub analysed_now: usize,
    pub sandboxed: bool,
}

pub fn run(args: &EcosystemArgs) -> Result<ExitCode> {
    let start = Instant::now();
    let list_file = std::path::absolute(&args.crates)?;
    // The figures are computed while the dataset is written (both only read the graph).
    let Some((analysed, figures)) = analyse_list_with(args, |graph, results| {
        // The population: the entries analysed `ok`; their dependencies serve as call targets.
        let population: BTreeSet<String> = results
            .iter()
            .filter(|r| r.status == Status::Ok)
            .filter_map(|r| r.graph_key.clone())
            .collect();
        let started = Instant::now();
        let figures = figures(graph, Population::Keys(&population));
        log::debug!("figures in {:?}", started.elapsed());
        figures
    })?
    else {
        return Ok(ExitCode::SUCCESS);
    };
    let Analysed {
        layout,
        results,
        analysed_now,
        sandboxed,
    } = analysed;
    let info = report::RunInfo {
        list: list_file.display().to_string(),
        shard: args.shard.map(|(k, n)| format!("{k}/{n}")),
        sandboxed,
        painter_version: PAINTER_VERSION.to_string(),
        toolchain: toolchain::PINNED.to_string(),
        wall_ms: start.elapsed().as_millis() as u64,
        analysed_now: analysed_now as u64,
        resumed: (results.len() - analysed_now) as u64,
    };
    report::write(&layout.out, &info, &figures, &results)?;
    report::print_summary(&figures, &results, &layout.out);
    Ok(ExitCode::SUCCESS)
}

/// Phases 1–4 of a run (fetch, build, analyse, link); `None` after `--fetch-only`. Also the
/// analysis of `cargo painter diff --crate`, which links each entry's units on their own.
pub fn analyse_list(args: &EcosystemArgs) -> Result<Option<Analysed>> {
    Ok(analyse_list_with(args, |_, _| ())?.map(|(analysed, ())| analysed))
}

/// [`analyse_list`], with `beside` run on the linked graph and the results while the dataset
/// is written (on its own thread: the write is mostly encoding, on rayon's threads).
fn analyse_list_with<R: Send>(
    args: &EcosystemArgs,
    beside: impl FnOnce(&LinkedGraph, &[CrateResult]) -> R + Send,
) -> Result<Option<(Analysed, R)>> {
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
        crate::diag::warning(format_args!(
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

    let verify = args.verify.then(|| {
        let cache_dir = layout.out.join("work/verify-cache");
        verify::EcosystemVerify::new(
            painter_verify::Verifier::new(painter_verify::Options {
                cache_dir: cache_dir.clone(),
                git: painter_verify::GitLimits {
                    offline: args.offline,
                    ..Default::default()
                },
            }),
            painter_verify::fetch::CrateFetcher::new(
                layout.cargo_home.clone(),
                cache_dir.join("work"),
                args.offline,
            ),
            layout.out.join("verify"),
        )
    });
    if let Some(v) = &verify {
        std::fs::create_dir_all(&v.reports)
            .with_context(|| format!("cannot create {}", v.reports.display()))?;
    }
    let config = DriverConfig::default();
    let jobs = args.jobs.unwrap_or(1);
    // One worker's target directory already holds every unit it built.
    let units = (jobs > 1).then(|| units::UnitPool::new(layout.units.clone()));
    let retained = retained::Retained::default();
    let cx = RunContext {
        layout: &layout,
        fetch: FetchContext {
            toolchain: &toolchain,
            cargo_home: &layout.cargo_home,
            offline: args.offline,
            retry: fetch::Retry {
                retries: args.fetch_retries,
                first_delay: std::time::Duration::from_secs(2),
            },
        },
        build: BuildContext {
            toolchain: &toolchain,
            driver: &driver,
            sandbox: &sandbox,
            config: &config,
            crates_dir: &layout.crates,
            retained: &retained,
            timeout: std::time::Duration::from_secs(args.timeout),
        },
        verify: verify.as_ref(),
        units: units.as_ref(),
    };
    let todo_entries: Vec<list::Entry> = todo.iter().map(|&i| selected[i].clone()).collect();
    if args.fetch_only {
        let fetched = pool::fetch_all(&cx, &todo_entries, jobs)?;
        let failed = fetched.iter().filter(|r| r.status != Status::Ok).count();
        eprintln!(
            "fetched {} entries into {} ({failed} failed)",
            fetched.len() - failed,
            layout.cargo_home.display()
        );
        return Ok(None);
    }
    let fresh = pool::run_all(&cx, &todo_entries, jobs)?;

    // Back in list order, whichever run produced them.
    let mut results: Vec<(usize, CrateResult)> = done;
    results.extend(todo.iter().copied().zip(fresh));
    results.sort_by_key(|(i, _)| *i);
    let results: Vec<CrateResult> = results.into_iter().map(|(_, r)| r).collect();

    let LinkedCache { graph, skipped } = link_cache(&layout, &retained)?;
    let results = demote_unreadable(&layout, &selected, results, &skipped, &graph)?;
    let dir = layout.out.join(names::GRAPH_DIR);
    let (written, beside) = std::thread::scope(|scope| {
        let beside = scope.spawn(|| beside(&graph, &results));
        let started = Instant::now();
        let written = crate::linking::write(&graph, &dir);
        log::debug!("dataset written in {:?}", started.elapsed());
        (written, beside.join())
    });
    written?;
    let beside = beside.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let analysed = Analysed {
        analysed_now: todo.len(),
        sandboxed: sandbox.is_sandboxed(),
        layout,
        results,
    };
    Ok(Some((analysed, beside)))
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

/// Every unit graph of the cache, linked (its dataset is written by the caller).
struct LinkedCache {
    graph: LinkedGraph,
    /// The unit files that could not be read, with why.
    skipped: Vec<(PathBuf, LoadError)>,
}

fn link_cache(layout: &Layout, retained: &retained::Retained) -> Result<LinkedCache> {
    let mut files = Vec::new();
    painter_linker::collect_json_files(&layout.crates, &mut files)?;
    // What this run cached is in memory already; the rest (earlier runs, other shards) is read.
    let mut kept = retained.take();
    let mut parsed = Vec::with_capacity(kept.len());
    files.retain(|file| {
        let name = file.file_name().map(|n| n.to_string_lossy());
        match name.and_then(|name| kept.remove(name.as_ref())) {
            Some(graph) => {
                parsed.push(graph);
                false
            }
            None => true,
        }
    });
    let merged = linking::merge(LinkInputs {
        parsed,
        files: &files,
        keep_going: true,
        ..LinkInputs::default()
    })?;
    let graph = painter_linker::link_units(merged.units, &merged.configurations);
    Ok(LinkedCache {
        graph,
        skipped: merged.skipped,
    })
}

/// An entry is `ok` only when the graph holds all of it. When one of its units' files cannot be
/// read (corrupt, truncated, another version), or its own crate is not in the graph, its
/// figures would describe part of its code: it becomes `analysis_failed`, naming the file, in
/// the report and in its result file (so `--retry-failed` redoes it).
fn demote_unreadable(
    layout: &Layout,
    selected: &[list::Entry],
    mut results: Vec<CrateResult>,
    skipped: &[(PathBuf, LoadError)],
    graph: &LinkedGraph,
) -> Result<Vec<CrateResult>> {
    let unreadable: std::collections::HashMap<String, &LoadError> = skipped
        .iter()
        .filter_map(|(path, error)| {
            let name = path.file_name()?.to_str()?.to_owned();
            Some((name, error))
        })
        .collect();
    for (entry, result) in selected.iter().zip(&mut results) {
        if result.status != Status::Ok {
            continue;
        }
        let error = if let Some(error) = result.units.iter().find_map(|u| unreadable.get(u)) {
            format!("a unit of its build cannot be linked: {error}")
        } else if let Some(key) = result
            .graph_key
            .as_deref()
            .filter(|k| !graph.crates.contains_key(*k))
        {
            format!("its graph ({key}) is not in the linked graph")
        } else {
            continue;
        };
        crate::diag::warning(format_args!("{}: {error}", result.entry));
        result.status = Status::AnalysisFailed;
        result.error = Some(error);
        let file = result::path(&layout.results, &entry.slug());
        result::write(&file, result).with_context(|| format!("cannot write {}", file.display()))?;
    }
    Ok(results)
}
