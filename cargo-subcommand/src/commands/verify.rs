//! `cargo painter verify`: gather the crates (NAME@VERSION, a lock file's crates.io packages,
//! .crate files), get each through cargo and verify it against its repository
//! (painter-verify), several at a time; print the report; the exit status says whether a
//! verdict is denied.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use painter_verify::fetch::{self, CrateFetcher};
use painter_verify::report::{self, CrateError};
use painter_verify::{CrateReport, GitLimits, Options, Report, Verifier, VerifyError};

use crate::cli::{VerifyArgs, VerifyFormat, denied_verdicts};

/// One crate to verify.
enum Job {
    Registry {
        name: String,
        version: String,
        checksum: Option<String>,
    },
    File(PathBuf),
}

impl Job {
    fn label(&self) -> String {
        match self {
            Job::Registry { name, version, .. } => format!("{name}@{version}"),
            Job::File(path) => path.display().to_string(),
        }
    }
}

/// `$XDG_CACHE_HOME/cargo-painter/verify`, else `~/.cache/cargo-painter/verify`.
fn default_cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("cargo-painter/verify"))
}

pub fn run(args: &VerifyArgs) -> Result<ExitCode> {
    if args.crates.is_empty() && args.lockfile.is_none() && args.crate_files.is_empty() {
        bail!("nothing to verify: give NAME@VERSION, --lockfile PATH or --crate-file PATH");
    }
    let cache_dir = match &args.cache_dir {
        Some(dir) => dir.clone(),
        None => default_cache_dir()
            .context("no --cache-dir given, and neither XDG_CACHE_HOME nor HOME is set")?,
    };
    let cargo_home = fetch::default_cargo_home().context("neither CARGO_HOME nor HOME is set")?;
    let fetcher = CrateFetcher::new(cargo_home, cache_dir.join("work"), args.offline);
    let verifier = Verifier::new(Options {
        cache_dir,
        git: GitLimits {
            connect_timeout: Duration::from_secs(args.connect_timeout),
            fetch_timeout: Duration::from_secs(args.fetch_timeout),
            offline: args.offline,
        },
    });

    let mut jobs: Vec<Job> = args.crate_files.iter().cloned().map(Job::File).collect();
    jobs.extend(args.crates.iter().map(|(name, version)| Job::Registry {
        name: name.clone(),
        version: version.clone(),
        checksum: None,
    }));
    if let Some(lock) = &args.lockfile {
        let (packages, other) = fetch::lockfile_packages(lock)?;
        if other > 0 {
            crate::diag::warning(format_args!(
                "{}: {other} package(s) of registries other than crates.io are not verified",
                lock.display()
            ));
        }
        eprintln!(
            "{} crates.io package(s) in {}",
            packages.len(),
            lock.display()
        );
        jobs.extend(packages.into_iter().map(|p| Job::Registry {
            name: p.name,
            version: p.version,
            checksum: p.checksum,
        }));
    }

    let results = verify_all(&verifier, &fetcher, &jobs, args.jobs);
    let mut report = Report {
        lockfile: args.lockfile.as_ref().map(|p| p.display().to_string()),
        ..Report::default()
    };
    for (job, result) in jobs.iter().zip(results) {
        match result {
            Ok(r) => report.crates.push(r),
            Err(e) => report.errors.push(CrateError {
                krate: job.label(),
                error: e.to_string(),
            }),
        }
    }

    let text = match args.format {
        VerifyFormat::Table => report::table(&report),
        VerifyFormat::Json => serde_json::to_string_pretty(&report.to_json())? + "\n",
        VerifyFormat::Sarif => {
            serde_json::to_string_pretty(&painter_verify::sarif::sarif_log(&report))? + "\n"
        }
    };
    super::write_output(args.output.as_deref(), &text)?;

    let deny = denied_verdicts(&args.deny);
    let denied = report.denied(&deny).count();
    if denied > 0 {
        let names: Vec<&str> = deny.iter().map(|v| v.slug()).collect();
        eprintln!(
            "{denied} crate{} denied by --deny {}",
            if denied == 1 { "" } else { "s" },
            names.join(",")
        );
    }
    if !report.errors.is_empty() {
        eprintln!("{} crate(s) could not be checked", report.errors.len());
    }
    Ok(if denied > 0 || !report.errors.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Verify every job with `workers` threads; results in the jobs' order. One line per crate
/// on stderr as it finishes.
fn verify_all(
    verifier: &Verifier,
    fetcher: &CrateFetcher,
    jobs: &[Job],
    workers: usize,
) -> Vec<Result<CrateReport, VerifyError>> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<CrateReport, VerifyError>>>> =
        Mutex::new(jobs.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers.clamp(1, jobs.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let result = verify_one(verifier, fetcher, job);
                    match &result {
                        Ok(r) => eprintln!(
                            "     Checked {}: {} ({:.1}s)",
                            r.id(),
                            r.verdict,
                            r.elapsed_ms as f64 / 1000.0
                        ),
                        Err(e) => crate::diag::warning(format_args!("{e}")),
                    }
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every job ran"))
        .collect()
}

fn verify_one(
    verifier: &Verifier,
    fetcher: &CrateFetcher,
    job: &Job,
) -> Result<CrateReport, VerifyError> {
    match job {
        Job::File(path) => verifier.verify_file(path, None),
        Job::Registry {
            name,
            version,
            checksum,
        } => {
            let file = fetcher.get(name, version, checksum.as_deref())?;
            verifier.verify_file(Path::new(&file), Some((name, version)))
        }
    }
}
