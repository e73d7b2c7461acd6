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
/// every package of the resolve, for every platform: all the build phase will read.
fn metadata(cx: &FetchContext<'_>, ws: &Path, log: &Path) -> Result<Metadata, FetchError> {
    let mut cmd = cargo(cx, ws);
    cmd.args(["metadata", "--format-version", "1"]);
    if cx.offline {
        cmd.arg("--offline");
    }
    run_metadata(cmd, log)
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
}
