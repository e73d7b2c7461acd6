//! The fetch phase (online, outside the sandbox, no crate code runs): give each entry a
//! throwaway workspace that depends on exactly that crate, and let cargo resolve, lock and
//! download it and its dependencies into the run's private `CARGO_HOME` — so checksums are
//! verified as cargo always does, and the build phase can run `--offline --locked`.
//!
//! Layout of an entry's directory (`<work>/entries/<slug>/`):
//! `ws/Cargo.toml` (the throwaway package `painter-ecosystem-root`, its own workspace),
//! `ws/Cargo.lock`, `ws/lib.rs` (empty), `ws/painter-fetched.json` once the fetch completed (a
//! later run of the same entry into the same CARGO_HOME skips straight to the build: resumed
//! runs, and builds after `--fetch-only`), and for `path=` entries `pkg/`, a copy of the crate
//! (always fetched again: the original may have changed).

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::Duration,
};

use cargo_metadata::{Metadata, TargetKind};
use thiserror::Error;

use super::list::Entry;
use crate::cargo::toolchain::{self, Toolchain};

/// Name of the throwaway package; never built, only its dependency is.
pub const ROOT_PACKAGE: &str = "painter-ecosystem-root";

/// What the build phase needs to know about a fetched entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The entry's directory (holds `ws/` and maybe `pkg/`).
    pub dir: PathBuf,
    pub version: String,
}

#[derive(Debug, Error)]
pub enum FetchError {
    /// Cargo could not resolve or download: its first error line.
    #[error("{0}")]
    Cargo(String),
    /// The crate exists but has no library to analyse.
    #[error("`{0}` has no library target")]
    NoLibrary(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Everything shared by the fetches of one run.
pub struct FetchContext<'a> {
    pub toolchain: &'a Toolchain,
    pub cargo_home: &'a Path,
    /// `--offline`: resolve from what the private `CARGO_HOME` already holds.
    pub offline: bool,
    pub retry: Retry,
}

/// How often and when a fetch that failed with a network error is tried again (cargo retries
/// a single request itself; this covers a registry or network that is down for longer).
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub retries: u32,
    /// The wait before the first retry; each later one waits twice as long, up to a minute.
    pub first_delay: Duration,
}

impl Retry {
    const MAX_DELAY: Duration = Duration::from_secs(60);

    /// The wait before retry `n` (1-based).
    pub fn delay(&self, n: u32) -> Duration {
        let factor = 1u32.checked_shl(n.saturating_sub(1)).unwrap_or(u32::MAX);
        self.first_delay
            .checked_mul(factor)
            .map_or(Self::MAX_DELAY, |d| d.min(Self::MAX_DELAY))
    }
}

/// Whether cargo's stderr says the fetch failed for a reason that may pass: the network or
/// the registry, not the request (no such crate, version or feature, a bad manifest).
pub fn is_transient(stderr: &str) -> bool {
    let text = stderr.to_ascii_lowercase();
    const PERMANENT: &[&str] = &[
        "no matching package",
        "failed to select a version",
        "does not have these features",
        "does not have that feature",
        "failed to parse manifest",
        "you are in offline mode",
    ];
    const TRANSIENT: &[&str] = &[
        "spurious network error",
        "failed to download",
        "download of config.json failed",
        "failed to query replaced source registry",
        "failed to update registry",
        "failed to get successful http response",
        "couldn't resolve host",
        "could not resolve host",
        "couldn't connect to server",
        "failed to connect",
        "connection refused",
        "connection reset",
        "timed out",
        "timeout was reached",
        "ssl connect error",
        "failure when receiving data",
    ];
    if PERMANENT.iter().any(|p| text.contains(p)) {
        return false;
    }
    // An HTTP 4xx answer other than 429 (too many requests) will not change.
    if let Some(at) = text.find(", got 4")
        && !text[at..].starts_with(", got 429")
    {
        return false;
    }
    TRANSIENT.iter().any(|p| text.contains(p))
}

/// Prepare and fetch `entry` in `dir`, appending cargo's stderr to `log`.
pub fn fetch(
    cx: &FetchContext<'_>,
    entry: &Entry,
    dir: &Path,
    log: &Path,
) -> Result<Fetched, FetchError> {
    let ws = dir.join("ws");
    fs::create_dir_all(&ws)?;
    if let Some(src) = &entry.path {
        let pkg = dir.join("pkg");
        if pkg.exists() {
            fs::remove_dir_all(&pkg)?;
        }
        copy_dir(src, &pkg)?;
    }
    let wanted = manifest(entry, &entry.features);
    let stamp = Stamp {
        manifest: wanted.clone(),
        cargo_home: cx.cargo_home.to_path_buf(),
        version: String::new(),
    };
    if entry.path.is_none()
        && let Some(version) = stamp.fetched_before(&ws)
    {
        log::debug!("{} was fetched before: {version}", entry.id());
        return Ok(Fetched {
            dir: dir.to_path_buf(),
            version,
        });
    }
    let _ = fs::remove_file(ws.join(STAMP));
    fs::write(ws.join("lib.rs"), "")?;
    fs::write(ws.join("Cargo.toml"), &wanted)?;
    let mut resolved = metadata(cx, &ws, log)?;
    let mut package = dependency(&resolved, &entry.name)?;
    if entry.all_features {
        // A dependency declaration has no `all-features`: name them all and resolve again.
        let all: Vec<String> = package.features.keys().cloned().collect();
        fs::write(ws.join("Cargo.toml"), manifest(entry, &all))?;
        resolved = metadata(cx, &ws, log)?;
        package = dependency(&resolved, &entry.name)?;
    }
    if !package.targets.iter().any(is_library) {
        return Err(FetchError::NoLibrary(entry.name.clone()));
    }
    let version = package.version.to_string();
    let stamp = Stamp { version, ..stamp };
    fs::write(
        ws.join(STAMP),
        serde_json::to_vec(&stamp).map_err(std::io::Error::other)?,
    )?;
    Ok(Fetched {
        dir: dir.to_path_buf(),
        version: stamp.version,
    })
}

/// File in `ws/` saying the fetch of this manifest into this CARGO_HOME completed: a later run
/// (a resumed one, or the build run after `--fetch-only`) goes straight to the build.
const STAMP: &str = "painter-fetched.json";

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Stamp {
    /// The manifest as first written for the entry (before `all-features` expanded it).
    manifest: String,
    cargo_home: PathBuf,
    version: String,
}

impl Stamp {
    /// The version fetched before, if `ws` holds a completed fetch of the same manifest into the
    /// same CARGO_HOME (and its lock file).
    fn fetched_before(&self, ws: &Path) -> Option<String> {
        let bytes = fs::read(ws.join(STAMP)).ok()?;
        let before: Stamp = serde_json::from_slice(&bytes).ok()?;
        (before.manifest == self.manifest
            && before.cargo_home == self.cargo_home
            && ws.join("Cargo.lock").is_file())
        .then_some(before.version)
    }
}

fn is_library(target: &cargo_metadata::Target) -> bool {
    target.kind.iter().any(|k| {
        matches!(
            k,
            TargetKind::Lib
                | TargetKind::RLib
                | TargetKind::DyLib
                | TargetKind::ProcMacro
                | TargetKind::CDyLib
                | TargetKind::StaticLib
        )
    })
}

/// The throwaway manifest: one dependency, `=version` or `*` (the newest release cargo's
/// resolver accepts, yanked ones excluded), with the entry's feature options.
pub fn manifest(entry: &Entry, features: &[String]) -> String {
    let q = |s: &str| serde_json::to_string(s).expect("strings serialise");
    let mut dep = match (&entry.path, &entry.version) {
        (Some(_), _) => "path = \"../pkg\"".to_string(),
        (None, Some(v)) => format!("version = {}", q(&format!("={v}"))),
        (None, None) => "version = \"*\"".to_string(),
    };
    if entry.no_default_features {
        dep.push_str(", default-features = false");
    }
    if !features.is_empty() {
        let list: Vec<String> = features.iter().map(|f| q(f)).collect();
        dep.push_str(&format!(", features = [{}]", list.join(", ")));
    }
    format!(
        "# Generated by `cargo painter ecosystem` for the list entry `{id}`.\n\
         [package]\nname = \"{ROOT_PACKAGE}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n[lib]\npath = \"lib.rs\"\n\n[dependencies]\n{name} = {{ {dep} }}\n\n\
         # Its own workspace, wherever the output directory is.\n[workspace]\n",
        id = entry.id(),
        name = entry.name,
    )
}

/// `cargo metadata` resolves, writes `Cargo.lock` and downloads (and verifies and unpacks)
/// every package of the resolve, for every platform: all the build phase will read. A failure
/// of the network or the registry is retried after a growing wait ([`Retry`]); the log says
/// so, and a fetch that still fails says after how many attempts.
fn metadata(cx: &FetchContext<'_>, ws: &Path, log: &Path) -> Result<Metadata, FetchError> {
    let mut attempt = 1;
    loop {
        let mut cmd = cargo(cx, ws);
        cmd.args(["metadata", "--format-version", "1"]);
        if cx.offline {
            cmd.arg("--offline");
        }
        let logged = fs::metadata(log).map_or(0, |m| m.len());
        let error = match run_metadata(cmd, log) {
            Err(FetchError::Cargo(error)) => error,
            other => return other,
        };
        // Only this attempt's output decides.
        let stderr = fs::read(log).unwrap_or_default();
        let stderr = String::from_utf8_lossy(stderr.get(logged as usize..).unwrap_or_default());
        if cx.offline || !is_transient(&stderr) {
            return Err(FetchError::Cargo(error));
        }
        if attempt > cx.retry.retries {
            let tries = if attempt == 1 { "attempt" } else { "attempts" };
            return Err(FetchError::Cargo(format!(
                "{error} (a network or registry error, {attempt} {tries})"
            )));
        }
        let delay = cx.retry.delay(attempt);
        let note = format!(
            "painter: fetch attempt {attempt} failed with a network or registry error; \
             retrying in {} s\n",
            delay.as_secs_f64()
        );
        log::info!("{}: {}", ws.display(), note.trim_end());
        fs::OpenOptions::new()
            .append(true)
            .open(log)
            .and_then(|mut f| std::io::Write::write_all(&mut f, note.as_bytes()))?;
        std::thread::sleep(delay);
        attempt += 1;
    }
}

fn cargo(cx: &FetchContext<'_>, ws: &Path) -> Command {
    let mut cmd = Command::new(cx.toolchain.cargo());
    cmd.current_dir(ws)
        .env("CARGO_HOME", cx.cargo_home)
        .env("RUSTUP_TOOLCHAIN", toolchain::PINNED)
        .env("RUSTC", cx.toolchain.rustc())
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("RUSTC_WRAPPER")
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("CARGO_TARGET_DIR");
    cmd
}

fn run_metadata(mut cmd: Command, log: &Path) -> Result<Metadata, FetchError> {
    let log_file = fs::OpenOptions::new().create(true).append(true).open(log)?;
    log::debug!("fetch: {cmd:?}");
    let output = cmd
        .stdin(Stdio::null())
        .stderr(log_file)
        .stdout(Stdio::piped())
        .output()?;
    if !output.status.success() {
        let stderr = fs::read_to_string(log).unwrap_or_default();
        return Err(FetchError::Cargo(first_error(&stderr).unwrap_or_else(
            || format!("cargo metadata failed ({})", output.status),
        )));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let json = text.lines().find(|l| l.starts_with('{')).unwrap_or("");
    serde_json::from_str(json)
        .map_err(|e| FetchError::Cargo(format!("cannot read cargo metadata: {e}")))
}

/// The package the throwaway root depends on.
fn dependency<'m>(
    metadata: &'m Metadata,
    name: &str,
) -> Result<&'m cargo_metadata::Package, FetchError> {
    let resolve = metadata
        .resolve
        .as_ref()
        .ok_or_else(|| FetchError::Cargo("cargo metadata gave no resolve".into()))?;
    let root = resolve
        .nodes
        .iter()
        .find(|n| metadata[&n.id].name.as_str() == ROOT_PACKAGE)
        .ok_or_else(|| FetchError::Cargo("the throwaway package is not in the resolve".into()))?;
    root.deps
        .iter()
        .map(|d| &metadata[&d.pkg])
        .find(|p| p.name.as_str() == name)
        // Cargo drops a dependency without a library (with a warning) from the resolve.
        .ok_or_else(|| FetchError::NoLibrary(name.to_string()))
}

/// The first `error…` line of cargo's stderr (painter-verify gets crates through cargo too).
pub use painter_verify::fetch::first_error;

/// Copy a local crate, leaving out build outputs and VCS data.
fn copy_dir(src: &Path, dst: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dst)?;
    for entry in fs::read_dir(src)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let to = dst.join(&name);
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &to)?;
        } else {
            fs::copy(entry.path(), &to)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecosystem::list;

    fn entry(line: &str) -> Entry {
        list::parse(line, Path::new("/l/list.txt"))
            .unwrap()
            .remove(0)
    }

    #[test]
    fn manifests() {
        let m = manifest(&entry("itoa"), &[]);
        assert!(
            m.contains("\n[dependencies]\nitoa = { version = \"*\" }\n"),
            "{m}"
        );
        assert!(m.contains("name = \"painter-ecosystem-root\""));
        assert!(m.trim_end().ends_with("[workspace]"));
        let e = entry("serde@1.0.219 features=derive no-default-features");
        let m = manifest(&e, &e.features);
        assert!(
            m.contains(
                "serde = { version = \"=1.0.219\", default-features = false, features = [\"derive\"] }"
            ),
            "{m}"
        );
        let m = manifest(&entry("probe path=p"), &[]);
        assert!(m.contains("probe = { path = \"../pkg\" }"), "{m}");
    }

    #[test]
    fn retry_waits_double_up_to_a_minute() {
        let retry = Retry {
            retries: 10,
            first_delay: Duration::from_secs(2),
        };
        let waits: Vec<u64> = (1..=7).map(|n| retry.delay(n).as_secs()).collect();
        assert_eq!(waits, [2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(retry.delay(40).as_secs(), 60);
    }

    #[test]
    fn network_errors_are_transient_and_request_errors_are_not() {
        // Messages of cargo 1.9x, as they appear in a fetch's log.
        let refused = "    Updating `local` index\nerror: failed to get `itoa` as a dependency of package \
                       `painter-ecosystem-root v0.0.0`\n\nCaused by:\n  failed to query replaced source \
                       registry `crates-io`\n\nCaused by:\n  download of config.json failed\n\nCaused \
                       by:\n  failed to download from `http://127.0.0.1:9/config.json`\n\nCaused by:\n  \
                       [7] Couldn't connect to server (Failed to connect to 127.0.0.1 port 9: \
                       Connection refused)\n";
        assert!(is_transient(refused));
        assert!(is_transient(
            "error: failed to download `serde v1.0.0`\nCaused by:\n  [28] Timeout was reached\n"
        ));
        assert!(is_transient(
            "error: failed to get successful HTTP response from `https://index.crates.io/3/i/itoa`, got 503\n"
        ));
        assert!(is_transient(
            "error: failed to get successful HTTP response from `https://index.crates.io/3/i/itoa`, got 429\n"
        ));
        assert!(!is_transient(
            "error: failed to get successful HTTP response from `https://static.crates.io/x`, got 403\n"
        ));
        assert!(!is_transient(
            "    Updating crates.io index\nerror: no matching package named `nope` found\n"
        ));
        assert!(!is_transient(
            "error: failed to select a version for the requirement `itoa = \"=9.9.9\"`\n"
        ));
        assert!(!is_transient(
            "error: failed to parse manifest at `/x/Cargo.toml`\n"
        ));
    }
}
