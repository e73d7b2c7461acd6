//! Running the entries in parallel: `--jobs` workers, each with its own cargo target
//! directory (cargo locks a target directory for the whole build, so workers sharing one would
//! take turns) fed with the units the others built (`units.rs`) and its own part of the list
//! (`schedule.rs`), each entry fetched then built, its result written as soon as it is known,
//! and a progress bar with done / failed / remaining and the ETA.

use std::{
    fs,
    path::PathBuf,
    sync::{
        Mutex,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use super::{
    fetch::{self, FetchContext, FetchError},
    list::Entry,
    result::{self, CrateResult, Status, Timings},
    run::{self, BuildContext},
    sandbox::Mounts,
    schedule::Schedule,
    units,
    units::UnitPool,
    verify::EcosystemVerify,
};

/// Where one run keeps its files.
#[derive(Debug, Clone)]
pub struct Layout {
    pub out: PathBuf,
    /// `<out>/results/`: one `<slug>.json` per finished entry.
    pub results: PathBuf,
    /// `<out>/logs/`: cargo's stderr of each entry's fetch and build.
    pub logs: PathBuf,
    /// `<out>/crates/`: the shared cache of per-unit graphs.
    pub crates: PathBuf,
    /// `<out>/work/entries/`: the throwaway workspaces.
    pub entries: PathBuf,
    /// `<out>/work/target/`: one `slot-<i>` target directory per worker.
    pub targets: PathBuf,
    /// `<out>/work/units/`: the units any worker built, for the others (`units.rs`).
    pub units: PathBuf,
    /// `<out>/work/tmp/`: one `slot-<i>` directory per worker, the sandbox's `/tmp`.
    pub tmp: PathBuf,
    pub cargo_home: PathBuf,
    /// `<out>/work/home/`: HOME of unsandboxed builds.
    pub home: PathBuf,
}

impl Layout {
    pub fn new(out: PathBuf, cargo_home: Option<PathBuf>) -> Layout {
        let work = out.join("work");
        Layout {
            results: out.join("results"),
            logs: out.join("logs"),
            crates: out.join(painter_schema::names::CRATES_DIR),
            entries: work.join("entries"),
            targets: work.join("target"),
            units: work.join("units"),
            tmp: work.join("tmp"),
            cargo_home: cargo_home.unwrap_or_else(|| work.join("cargo-home")),
            home: work.join("home"),
            out,
        }
    }

    pub fn create(&self) -> std::io::Result<()> {
        for dir in [
            &self.results,
            &self.logs,
            &self.crates,
            &self.entries,
            &self.targets,
            &self.tmp,
            &self.cargo_home,
            &self.home,
        ] {
            fs::create_dir_all(dir)?;
        }
        Ok(())
    }
}

pub struct RunContext<'a> {
    pub layout: &'a Layout,
    pub fetch: FetchContext<'a>,
    pub build: BuildContext<'a>,
    /// `--verify`.
    pub verify: Option<&'a EcosystemVerify>,
    /// With more than one worker: the units they share.
    pub units: Option<&'a UnitPool>,
}

/// Analyse `entries` with `jobs` workers; the results of all of them, in list order. Stops
/// early (after the builds under way) only when the run itself fails, e.g. the output
/// directory is not writable.
pub fn run_all(cx: &RunContext<'_>, entries: &[Entry], jobs: usize) -> Result<Vec<CrateResult>> {
    in_parallel(entries, jobs, |entry, slot| analyse_entry(cx, entry, slot))
}

/// Only the fetch phase (`--fetch-only`): the outcome of each entry, never written as a result
/// (the entries are still to analyse).
pub fn fetch_all(cx: &RunContext<'_>, entries: &[Entry], jobs: usize) -> Result<Vec<CrateResult>> {
    in_parallel(entries, jobs, |entry, _| {
        let mut result = new_result(cx, entry);
        let log = cx.layout.logs.join(format!("{}.log", entry.slug()));
        fs::write(&log, "").with_context(|| format!("cannot write {}", log.display()))?;
        let start = Instant::now();
        match fetch::fetch(
            &cx.fetch,
            entry,
            &cx.layout.entries.join(entry.slug()),
            &log,
        ) {
            Ok(fetched) => {
                result.status = Status::Ok;
                result.version = Some(fetched.version);
            }
            Err(e) => result.error = Some(e.to_string()),
        }
        result.timings.fetch_ms = start.elapsed().as_millis() as u64;
        Ok(result)
    })
}

/// Run `work` on every entry with `jobs` workers (worker `slot`s 0..jobs) as `Schedule` hands
/// them out; the results in list order.
fn in_parallel(
    entries: &[Entry],
    jobs: usize,
    work: impl Fn(&Entry, usize) -> Result<CrateResult> + Sync,
) -> Result<Vec<CrateResult>> {
    let progress = Progress::new(entries.len());
    let workers = jobs.max(1).min(entries.len().max(1));
    let schedule = Schedule::new(entries.len(), workers);
    let stop = AtomicBool::new(false);
    let results: Mutex<Vec<(usize, CrateResult)>> = Mutex::new(Vec::new());
    let first_error: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for slot in 0..workers {
            let (schedule, stop, results, first_error, progress, work) =
                (&schedule, &stop, &results, &first_error, &progress, &work);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let Some(index) = schedule.next(slot) else {
                        break;
                    };
                    let entry = &entries[index];
                    match work(entry, slot) {
                        Ok(result) => {
                            progress.finished(&result);
                            results.lock().unwrap().push((index, result));
                        }
                        Err(e) => {
                            stop.store(true, Ordering::Relaxed);
                            first_error.lock().unwrap().get_or_insert(e);
                        }
                    }
                }
            });
        }
    });
    progress.done();
    if let Some(e) = first_error.into_inner().unwrap() {
        return Err(e);
    }
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(index, _)| *index);
    Ok(results.into_iter().map(|(_, r)| r).collect())
}

/// Fetch, build and record one entry on worker `slot`.
fn analyse_entry(cx: &RunContext<'_>, entry: &Entry, slot: usize) -> Result<CrateResult> {
    let layout = cx.layout;
    let slug = entry.slug();
    let log = layout.logs.join(format!("{slug}.log"));
    fs::write(&log, "").with_context(|| format!("cannot write {}", log.display()))?;
    let mut result = new_result(cx, entry);
    let dir = layout.entries.join(&slug);
    let start = Instant::now();
    let fetched = fetch::fetch(&cx.fetch, entry, &dir, &log);
    result.timings.fetch_ms = start.elapsed().as_millis() as u64;
    match fetched {
        Err(FetchError::Io(e)) if entry.path.is_none() => {
            return Err(e).with_context(|| format!("cannot prepare {}", dir.display()));
        }
        Err(e @ FetchError::NoLibrary(_)) => {
            result.status = Status::BuildFailed;
            result.error = Some(e.to_string());
        }
        Err(e) => result.error = Some(e.to_string()),
        Ok(fetched) => {
            result.version = Some(fetched.version.clone());
            if let Some(verify) = cx.verify {
                result.verification =
                    verify.entry(entry, &fetched.version, &fetched.dir.join("ws"));
            }
            let mounts = Mounts {
                entry_dir: fetched.dir.clone(),
                target_dir: layout.targets.join(format!("slot-{slot}")),
                cargo_home: layout.cargo_home.clone(),
                home: layout.home.clone(),
                tmp_dir: layout.tmp.join(format!("slot-{slot}")),
            };
            // A lock file that does not read leaves the build to fail on its own (`--locked`).
            let packages = units::locked_packages(&fetched.dir.join("ws").join("Cargo.lock"))
                .unwrap_or_default();
            share_units(cx.units, &mounts.target_dir, |pool, target| {
                pool.import(target, &packages)
            });
            let built = run::build(&cx.build, entry, &fetched, &mounts, &log)
                .with_context(|| format!("building {}", entry.id()))?;
            // A killed build may have stopped while cargo wrote a unit's fingerprint.
            if !matches!(
                built.status,
                Some(Status::Timeout | Status::ResourcesExceeded)
            ) {
                share_units(cx.units, &mounts.target_dir, UnitPool::publish);
            }
            result.status = built.status.unwrap_or(Status::BuildFailed);
            result.error = built.error;
            result.failed_package = built.failed_package;
            result.graph_key = built.graph_key;
            result.units = built.units;
            result.failed_units = built.failed_units;
            result.timings.build_ms = built.build_ms;
            result.timings.analysis_ms = built.analysis_ms;
        }
    }
    let file = result::path(&layout.results, &slug);
    result::write(&file, &result).with_context(|| format!("cannot write {}", file.display()))?;
    Ok(result)
}

/// Import or publish the worker's units. The pool only saves work: when it fails (a full
/// disk), the entry builds what it lacks itself, and the run says so.
fn share_units(
    units: Option<&UnitPool>,
    target: &std::path::Path,
    step: impl FnOnce(&UnitPool, &std::path::Path) -> std::io::Result<units::Copied>,
) {
    let Some(units) = units else { return };
    let start = Instant::now();
    match step(units, target) {
        Ok(copied) => log::debug!(
            "unit pool: {} units ({} bytes) for {} in {:?}",
            copied.units,
            copied.bytes,
            target.display(),
            start.elapsed()
        ),
        Err(e) => eprintln!(
            "warning: the pool of built units failed for {}; its entries build what they lack: {e}",
            target.display()
        ),
    }
}

/// A result saying nothing happened yet (`fetch_failed` until the fetch succeeds).
fn new_result(cx: &RunContext<'_>, entry: &Entry) -> CrateResult {
    CrateResult {
        entry: entry.id(),
        name: entry.name.clone(),
        version: entry.version.clone(),
        status: Status::FetchFailed,
        error: None,
        failed_package: None,
        timings: Timings::default(),
        graph_key: None,
        units: Vec::new(),
        failed_units: Vec::new(),
        sandboxed: cx.build.sandbox.is_sandboxed(),
        isolation: Some(cx.build.sandbox.isolation(cx.build.timeout)),
        log: format!("logs/{}.log", entry.slug()),
        verification: Vec::new(),
    }
}

/// The progress bar (on a terminal) or one line per finished entry (otherwise).
struct Progress {
    bar: ProgressBar,
    failed: AtomicUsize,
}

impl Progress {
    fn new(len: usize) -> Progress {
        let bar = ProgressBar::new(len as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{elapsed_precise} [{bar:30}] {pos}/{len} done, {msg}, ETA {eta}",
            )
            .expect("the template is valid")
            .progress_chars("=> "),
        );
        bar.set_message("0 failed");
        bar.enable_steady_tick(Duration::from_millis(500));
        Progress {
            bar,
            failed: AtomicUsize::new(0),
        }
    }

    fn finished(&self, result: &CrateResult) {
        if result.status != Status::Ok {
            let failed = self.failed.fetch_add(1, Ordering::Relaxed) + 1;
            self.bar.set_message(format!("{failed} failed"));
        }
        let t = &result.timings;
        let mut line = format!(
            "{} {}: {} ({:.1}s)",
            result.name,
            result.version.as_deref().unwrap_or("?"),
            result.status.as_str(),
            (t.fetch_ms + t.build_ms) as f64 / 1000.0
        );
        if let Some(error) = &result.error {
            line.push_str(&format!(": {error}"));
        }
        if self.bar.is_hidden() {
            eprintln!("{line}");
        } else {
            self.bar.println(line);
        }
        self.bar.inc(1);
    }

    fn done(&self) {
        self.bar.finish_and_clear();
    }
}
