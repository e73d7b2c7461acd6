//! The build phase of one entry: `cargo check --lib` of the fetched crate through
//! painter-driver (the same command line as the default `cargo painter`, from
//! [`check::check_command`]), offline and locked, in the sandbox and under the limits;
//! then its units' graph files go into the shared cache `<out>/crates/` and the outcome is
//! classified.
//!
//! The cache is keyed by the unit's file name `<package>-<version>-<unit hash>.json`: cargo's
//! unit hash covers the package id, features, target, profile, rustflags (which carry the
//! driver options' hash) and the hashes of the unit's dependencies, so one file is one
//! (name, version, features, target) analysis and is never written twice.

use std::{
    collections::BTreeMap,
    fs,
    io::{BufReader, Read, Seek, SeekFrom},
    path::Path,
    process::Stdio,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use cargo_metadata::{Artifact, Message, TargetKind};
use painter_schema::{CrateGraph, DriverConfig, GraphFile, Status as AnalysisStatus};

use super::{
    fetch::{self, Fetched},
    list::Entry,
    result::Status,
    retained::Retained,
    sandbox::{self, Mounts, Sandbox},
};
use crate::cargo::{
    artifact,
    check::{self, CheckInputs},
    toolchain::Toolchain,
    workspace::parse_package_id,
};
use crate::cli::CargoFlags;

/// Everything shared by the builds of one run.
pub struct BuildContext<'a> {
    pub toolchain: &'a Toolchain,
    pub driver: &'a Path,
    pub sandbox: &'a Sandbox,
    pub config: &'a DriverConfig,
    /// The shared cache of per-unit graphs, `<out>/crates/`.
    pub crates_dir: &'a Path,
    /// What this run put into the cache, for the link.
    pub retained: &'a Retained,
    pub timeout: Duration,
}

/// What the build of one entry gave.
#[derive(Debug, Default)]
pub struct Built {
    pub status: Option<Status>,
    pub error: Option<String>,
    pub failed_package: Option<String>,
    pub graph_key: Option<String>,
    pub units: Vec<String>,
    pub failed_units: Vec<(String, String)>,
    pub analysis_ms: u64,
    pub build_ms: u64,
}

pub fn build(
    cx: &BuildContext<'_>,
    entry: &Entry,
    fetched: &Fetched,
    mounts: &Mounts,
    log: &Path,
) -> anyhow::Result<Built> {
    let inner = cx.sandbox.inner(mounts);
    let ws = inner.entry_dir.join("ws");
    let flags = CargoFlags {
        manifest_path: Some(ws.join("Cargo.toml")),
        // `name@version`: the tree may hold other versions of the same package.
        packages: vec![format!("{}@{}", entry.name, fetched.version)],
        lib: true,
        offline: true,
        locked: true,
        color: Some("never".into()),
        ..CargoFlags::default()
    };
    let cargo = check::check_command(&CheckInputs {
        toolchain: cx.toolchain,
        driver: cx.driver,
        flags: &flags,
        target_dir: &inner.target_dir,
        override_build_dir: false,
        config: cx.config,
        // The user's RUSTFLAGS would change every unit hash of the shared cache.
        user_env: &|_| None,
    });
    let prepared = cx.sandbox.prepare(mounts)?;
    let mut log_file = fs::OpenOptions::new().create(true).append(true).open(log)?;
    let log_start = log_file.seek(SeekFrom::End(0))?;
    let mut cmd = cx.sandbox.command(mounts, &cargo, &ws, &prepared);
    cmd.stdin(Stdio::null()).stderr(log_file);
    log::debug!("build: {cmd:?}");

    let start = Instant::now();
    let mut artifacts = Vec::new();
    let watch = sandbox::Watch {
        timeout: cx.timeout,
        disk: prepared.disk.clone(),
    };
    let finished = sandbox::run_limited(cmd, watch, |stdout| {
        for message in Message::parse_stream(BufReader::new(stdout)).flatten() {
            if let Message::CompilerArtifact(a) = message {
                artifacts.push(a);
            }
        }
    })?;
    let mut built = Built {
        build_ms: start.elapsed().as_millis() as u64,
        ..Built::default()
    };
    let root = collect_units(cx, entry, fetched, mounts, &artifacts, &mut built)?;

    let stderr = read_from(log, log_start);
    if finished.timed_out {
        built.status = Some(Status::Timeout);
        built.error = Some(format!(
            "killed after the time limit of {}s",
            cx.timeout.as_secs()
        ));
    } else if let Some(reason) = finished.exceeded {
        built.status = Some(Status::ResourcesExceeded);
        built.error = Some(reason);
    } else if !finished.status.success()
        && let Some(reason) = cx
            .sandbox
            .exceeded(&prepared)
            .or_else(|| resource_error(&stderr))
    {
        built.status = Some(Status::ResourcesExceeded);
        built.error = Some(reason);
        built.failed_package = failed_package(&stderr);
    } else if !finished.status.success() {
        built.status = Some(Status::BuildFailed);
        built.error = Some(build_error(&stderr, &finished.status));
        built.failed_package = failed_package(&stderr);
    } else {
        match root {
            Some(Ok(())) => {
                built.status = Some(Status::Ok);
                built.graph_key = Some(format!("{}@{}", entry.name, fetched.version));
            }
            Some(Err(error)) => {
                built.status = Some(Status::AnalysisFailed);
                built.error = Some(error);
            }
            None => {
                built.status = Some(Status::AnalysisFailed);
                built.error = Some(format!(
                    "cargo reported no library unit of `{}` v{}",
                    entry.name, fetched.version
                ));
            }
        }
    }
    Ok(built)
}

/// Put every unit's graph into the cache (new ones only) and note failed analyses; returns
/// the analysis state of the entry's own library unit, when cargo reported it.
fn collect_units(
    cx: &BuildContext<'_>,
    entry: &Entry,
    fetched: &Fetched,
    mounts: &Mounts,
    artifacts: &[Artifact],
    built: &mut Built,
) -> anyhow::Result<Option<Result<(), String>>> {
    let mut root = None;
    for a in artifacts {
        let Some((package, version)) = parse_package_id(&a.package_id.repr) else {
            continue;
        };
        let Some(unit) = artifact::for_artifact(a) else {
            continue;
        };
        let is_root = package == entry.name
            && version == fetched.version
            && !a.target.kind.contains(&TargetKind::CustomBuild);
        let name = artifact::crate_file_name(&package, &version, &unit.hash);
        let cached = cx.crates_dir.join(&name);
        let source = cx.sandbox.to_host(mounts, &unit.painter_file);
        // Workers share the cache: checking and writing a unit is one step, for that unit.
        let unit_lock = cache_lock(&name);
        let _cache = unit_lock.lock().unwrap_or_else(|e| e.into_inner());
        let state: Option<Result<(), String>> = if cached.is_file() {
            // Analysed before (by an earlier entry, worker or run): only the root's state
            // is needed, and it is in the cached copy.
            is_root
                .then(|| mark_root(&cached, &name, cx.retained))
                .transpose()?
        } else if source.is_file() {
            Some(cache_unit(
                &source,
                &cached,
                &name,
                is_root,
                cx.retained,
                &mut built.analysis_ms,
            )?)
        } else {
            Some(Err(format!(
                "painter-driver wrote no graph ({} is missing)",
                source.display()
            )))
        };
        if cached.is_file() {
            built.units.push(name.clone());
        }
        if let Some(Err(error)) = &state {
            built.failed_units.push((name.clone(), error.clone()));
        }
        if is_root {
            root = Some(state.unwrap_or(Ok(())));
        }
    }
    built.units.sort();
    built.units.dedup();
    Ok(root)
}

/// Copy a new unit's graph into the cache, without its timing; its analysis state. Only
/// failing to write the cache is an error of the run.
fn cache_unit(
    source: &Path,
    cached: &Path,
    name: &str,
    is_root: bool,
    retained: &Retained,
    analysis_ms: &mut u64,
) -> anyhow::Result<Result<(), String>> {
    let mut graph = match read_graph(source) {
        Ok(graph) => graph,
        Err(error) => return Ok(Err(error)),
    };
    *analysis_ms += graph.analysis_ms;
    // Timings vary run to run; the cache holds only what the code determines, so any
    // worker, shard or machine writes the same bytes for a unit.
    graph.analysis_ms = 0;
    // `primary` says "an entry of the list", whichever entry's build analysed the unit first
    // (a crate can be an entry and another entry's dependency, as the same unit).
    graph.krate.primary = is_root;
    let bytes = serde_json::to_vec(&graph)?;
    painter_schema::atomic::write_bytes_atomic(cached, &bytes)?;
    let state = graph_state(&graph);
    retained.keep(name, graph, bytes.len() as u64);
    Ok(state)
}

/// A cached unit is the root of this entry: mark it primary (once marked, it stays so, so the
/// cache ends the same whatever order entries, workers and shards come in); its state.
fn mark_root(cached: &Path, name: &str, retained: &Retained) -> anyhow::Result<Result<(), String>> {
    let mut graph = match read_graph(cached) {
        Ok(graph) => graph,
        Err(error) => return Ok(Err(error)),
    };
    if !graph.krate.primary {
        graph.krate.primary = true;
        painter_schema::atomic::write_bytes_atomic(cached, &serde_json::to_vec(&graph)?)?;
        retained.mark_primary(name);
    }
    Ok(graph_state(&graph))
}

/// The lock that serialises the check-and-write of the cache file `name` between the workers.
/// One per unit: caching a unit parses and writes megabytes, and a worker that finished
/// another entry's build must not wait for that to cache units of its own.
fn cache_lock(name: &str) -> Arc<Mutex<()>> {
    static LOCKS: Mutex<BTreeMap<String, Arc<Mutex<()>>>> = Mutex::new(BTreeMap::new());
    let mut locks = LOCKS.lock().unwrap_or_else(|e| e.into_inner());
    Arc::clone(locks.entry(name.to_owned()).or_default())
}

/// A per-crate file, as the link would read it (`from_json_bytes`: one typed pass, and each
/// kind of bad file with its own error naming it).
fn read_graph(path: &Path) -> Result<CrateGraph, String> {
    let bytes = fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    match painter_schema::from_json_bytes(path, &bytes) {
        Ok(GraphFile::Crate(graph)) => Ok(*graph),
        Ok(GraphFile::Linked(_)) => Err(format!(
            "{}: a linked graph, not a per-crate file",
            path.display()
        )),
        Err(e) => Err(e.to_string()),
    }
}

fn graph_state(graph: &CrateGraph) -> Result<(), String> {
    match graph.status {
        AnalysisStatus::Ok => Ok(()),
        AnalysisStatus::Failed => Err(graph
            .error
            .clone()
            .unwrap_or_else(|| "the analysis failed".into())),
    }
}

/// What was appended to the log since `offset`.
fn read_from(log: &Path, offset: u64) -> String {
    let mut text = String::new();
    if let Ok(mut file) = fs::File::open(log)
        && file.seek(SeekFrom::Start(offset)).is_ok()
    {
        let _ = file.read_to_string(&mut text);
    }
    text
}

/// A failure that a resource limit explains, from the build's stderr: running out of address
/// space (Rust's allocation-failure abort, the dynamic loader unable to map rustc's libraries,
/// an OS error from mmap), a fork or thread refused at the process limit (EAGAIN), a file cut
/// at the size limit.
pub fn resource_error(stderr: &str) -> Option<String> {
    const OUT_OF_MEMORY: [&str; 3] = [
        "memory allocation of",
        "failed to map segment from shared object",
        "Cannot allocate memory",
    ];
    const LIMITS: [(&str, &str); 4] = [
        (
            "Resource temporarily unavailable",
            "the process limit was hit",
        ),
        // dash's words for EAGAIN from fork.
        ("Cannot fork", "the process limit was hit"),
        ("File too large", "the file size limit was hit"),
        ("SIGXFSZ", "the file size limit was hit"),
    ];
    let find = |markers: &[&str]| {
        stderr
            .lines()
            .find(|l| markers.iter().any(|m| l.contains(m)))
            .map(str::trim)
    };
    if let Some(line) = find(&OUT_OF_MEMORY) {
        return Some(format!("out of memory (the memory limit was hit): {line}"));
    }
    LIMITS
        .iter()
        .find_map(|(marker, what)| find(&[marker]).map(|line| format!("{what}: {line}")))
}

/// The first error of a failed build, one line: the compiler's or cargo's.
pub fn build_error(stderr: &str, status: &std::process::ExitStatus) -> String {
    let Some(first) = fetch::first_error(stderr) else {
        return format!("cargo check failed ({status})");
    };
    // A build script's failure is worth its panic message, a few lines further.
    if first.starts_with("failed to run custom build command")
        && let Some(message) = panic_message(stderr)
    {
        return format!("{first}: {message}");
    }
    first
}

/// The message of the first `panicked at` report in the (indented) output of a build script.
fn panic_message(stderr: &str) -> Option<String> {
    let mut lines = stderr.lines().skip_while(|l| !l.contains("panicked at"));
    lines.next()?;
    lines
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_string)
}

/// The package of cargo's "could not compile `x` (lib)" or "failed to run custom build
/// command for `x v1.0.0`".
pub fn failed_package(stderr: &str) -> Option<String> {
    for marker in [
        "could not compile `",
        "failed to run custom build command for `",
    ] {
        if let Some(rest) = stderr.split(marker).nth(1) {
            let name = rest.split('`').next()?;
            return Some(name.split(' ').next()?.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn errors_from_stderr() {
        let stderr = "    Checking itoa v1.0.15\n\
            error[E0425]: cannot find value `y` in this scope\n --> src/lib.rs:1:1\n\
            error: could not compile `broken` (lib) due to 1 previous error\n";
        let status = std::process::ExitStatus::from_raw(101 << 8);
        assert_eq!(
            build_error(stderr, &status),
            "error[E0425]: cannot find value `y` in this scope"
        );
        assert_eq!(failed_package(stderr).as_deref(), Some("broken"));
        let script = "error: failed to run custom build command for `openssl-sys v0.9.109`\n\
            \nCaused by:\n  --- stderr\n\n  thread 'main' (7) panicked at build.rs:9:5:\n\
            \n  Could not find directory of OpenSSL installation\n";
        assert_eq!(failed_package(script).as_deref(), Some("openssl-sys"));
        assert_eq!(
            build_error(script, &status),
            "failed to run custom build command for `openssl-sys v0.9.109`: Could not find \
             directory of OpenSSL installation"
        );
        assert_eq!(
            build_error("", &status),
            "cargo check failed (exit status: 101)"
        );
        let oom = "memory allocation of 1048576 bytes failed\nerror: could not compile `x`\n";
        assert!(resource_error(oom).unwrap().starts_with("out of memory"));
        assert_eq!(resource_error(stderr), None);
        assert_eq!(
            resource_error("  /bin/sh: 0: Cannot fork\n").unwrap(),
            "the process limit was hit: /bin/sh: 0: Cannot fork"
        );
        let fork = "  thread 'main' panicked at build.rs:3:5:\n  fork-probe: cannot spawn: \
            Resource temporarily unavailable (os error 11)\n";
        assert_eq!(
            resource_error(fork).unwrap(),
            "the process limit was hit: fork-probe: cannot spawn: Resource temporarily \
             unavailable (os error 11)"
        );
        let loader = "error: process didn't exit successfully: `painter-driver rustc -vV`\n\
            --- stderr\npainter-driver: error while loading shared libraries: libLLVM.so: failed \
            to map segment from shared object\n";
        assert_eq!(
            resource_error(loader).unwrap(),
            "out of memory (the memory limit was hit): painter-driver: error while loading \
             shared libraries: libLLVM.so: failed to map segment from shared object"
        );
    }
}
