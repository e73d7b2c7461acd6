//! The answers of `cargo metadata --no-deps` remembered between runs: on a no-op build that
//! one command was most of what `cargo painter` added to `cargo check` (docs/benchmarks.md).
//!
//! An entry is used only when everything cargo read to give those answers is as it was:
//! - the invocation: working directory, `--manifest-path`, `--config`, `--locked`/`--offline`/
//!   `--frozen`, every `CARGO_*` variable (`CARGO_TARGET_DIR`, `CARGO_BUILD_TARGET_DIR`,
//!   `CARGO_BUILD_BUILD_DIR`, `CARGO_HOME`, …), the cargo binary and this binary;
//! - the files, by size and mtime (present or absent): `Cargo.toml` in every directory from
//!   the working directory (and the manifest's) up to `/`, which is how cargo finds the package
//!   and its workspace root (cargo's `find_root_manifest_for_wd` and `find_workspace_root`);
//!   `.cargo/config.toml` and `.cargo/config` in the same directories and in `CARGO_HOME`,
//!   which is where `build.target-dir` and `build.build-dir` come from (cargo's "Hierarchical
//!   structure" of configuration); a `--config` value naming a file; every member's manifest.
//!
//! A member added by a glob (`members = ["crates/*"]`) without any manifest above changing
//! is the one input not stamped: members only serve to name packages, and cargo's package
//! ids name them too ([`super::workspace::parse_package_id`]).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cli::CargoFlags;
use painter_schema::stamp::{self, Stamp};

/// What a cached run needs of `cargo metadata`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    pub root: PathBuf,
    pub target_directory: PathBuf,
    pub build_directory: Option<PathBuf>,
    /// `(package id, name, version)` of every member.
    pub members: Vec<(String, String, String)>,
    /// Their manifests: stamped, so that a renamed package or a new version is noticed.
    pub manifests: Vec<PathBuf>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    stamps: Vec<(PathBuf, Option<Stamp>)>,
    facts: Facts,
}

/// Where the entries live: `$XDG_CACHE_HOME/cargo-painter/workspaces` (or `~/.cache/…`);
/// `None` (no caching) when neither variable is set.
fn cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache")))?;
    Some(base.join("cargo-painter").join("workspaces"))
}

/// The entry's file for this invocation, named by a hash of everything but the files.
fn entry_path(cargo: &Path, flags: &CargoFlags) -> Option<PathBuf> {
    let mut hasher = DefaultHasher::new();
    std::env::current_dir().ok()?.hash(&mut hasher);
    cargo.hash(&mut hasher);
    stamp::exe().hash(&mut hasher);
    flags.manifest_path.hash(&mut hasher);
    flags.config.hash(&mut hasher);
    (flags.locked, flags.offline, flags.frozen).hash(&mut hasher);
    let mut vars: Vec<_> = std::env::vars_os()
        .filter(|(k, _)| k.to_str().is_some_and(|k| k.starts_with("CARGO_")))
        .collect();
    vars.sort();
    vars.hash(&mut hasher);
    Some(cache_dir()?.join(format!("{:016x}.json", hasher.finish())))
}

/// Where cargo keeps its own configuration file.
fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
}

/// Every file whose change could change the facts, for a run in `cwd`.
fn inputs(
    cwd: &Path,
    cargo_home: Option<&Path>,
    flags: &CargoFlags,
    facts: &Facts,
) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    let manifest_dir = flags
        .manifest_path
        .as_ref()
        .and_then(|m| std::path::absolute(m).ok())
        .and_then(|m| m.parent().map(Path::to_path_buf));
    for start in std::iter::once(cwd.to_path_buf()).chain(manifest_dir) {
        dirs.extend(start.ancestors().map(Path::to_path_buf));
    }
    dirs.sort();
    dirs.dedup();
    let mut files = Vec::new();
    for dir in &dirs {
        files.push(dir.join("Cargo.toml"));
        files.push(dir.join(".cargo").join("config.toml"));
        files.push(dir.join(".cargo").join("config"));
    }
    if let Some(home) = cargo_home {
        files.push(home.join("config.toml"));
        files.push(home.join("config"));
    }
    files.extend(
        flags
            .config
            .iter()
            .map(PathBuf::from)
            .filter(|p| p.is_file()),
    );
    files.extend(facts.manifests.iter().cloned());
    files.sort();
    files.dedup();
    files
}

/// The facts of the last run of this invocation, if nothing they came from has changed.
pub fn lookup(cargo: &Path, flags: &CargoFlags) -> Option<Facts> {
    let cwd = std::env::current_dir().ok()?;
    lookup_at(
        &entry_path(cargo, flags)?,
        &cwd,
        cargo_home().as_deref(),
        flags,
    )
}

fn lookup_at(
    entry: &Path,
    cwd: &Path,
    cargo_home: Option<&Path>,
    flags: &CargoFlags,
) -> Option<Facts> {
    let bytes = std::fs::read(entry).ok()?;
    let entry: Entry = serde_json::from_slice(&bytes).ok()?;
    let now: Vec<PathBuf> = inputs(cwd, cargo_home, flags, &entry.facts);
    let same_files = now.len() == entry.stamps.len()
        && entry
            .stamps
            .iter()
            .zip(&now)
            .all(|((path, old), new)| path == new && *old == stamp::stamp(path));
    same_files.then_some(entry.facts)
}

/// Remember `facts` for this invocation. Best effort: a cache that cannot be written only
/// costs the next run one `cargo metadata`.
pub fn store(cargo: &Path, flags: &CargoFlags, facts: &Facts) {
    let (Some(path), Ok(cwd)) = (entry_path(cargo, flags), std::env::current_dir()) else {
        return;
    };
    store_at(&path, &cwd, cargo_home().as_deref(), flags, facts);
}

fn store_at(path: &Path, cwd: &Path, cargo_home: Option<&Path>, flags: &CargoFlags, facts: &Facts) {
    let stamps = inputs(cwd, cargo_home, flags, facts)
        .into_iter()
        .map(|p| {
            let s = stamp::stamp(&p);
            (p, s)
        })
        .collect();
    let entry = Entry {
        stamps,
        facts: facts.clone(),
    };
    let bytes = serde_json::to_vec(&entry).expect("the entry serialises");
    if let Err(e) = painter_schema::atomic::write_bytes_atomic(path, &bytes) {
        log::debug!(
            "cannot cache the workspace facts in {}: {e}",
            path.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workspace `w/` with a member `w/m/`, run from the member's directory.
    struct Setup {
        _dir: tempfile::TempDir,
        root: PathBuf,
        member: PathBuf,
        home: PathBuf,
        entry: PathBuf,
        facts: Facts,
    }

    fn setup() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("w");
        let member = root.join("m");
        let home = dir.path().join("cargo-home");
        std::fs::create_dir_all(&member).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(root.join("Cargo.toml"), "[workspace]\nmembers = [\"m\"]\n").unwrap();
        std::fs::write(member.join("Cargo.toml"), "[package]\nname = \"m\"\n").unwrap();
        let facts = Facts {
            root: root.clone(),
            target_directory: root.join("target"),
            build_directory: None,
            members: vec![("path+file:///w/m#0.1.0".into(), "m".into(), "0.1.0".into())],
            manifests: vec![member.join("Cargo.toml"), root.join("Cargo.toml")],
        };
        let entry = dir.path().join("cache").join("entry.json");
        Setup {
            root,
            member,
            home,
            entry,
            facts,
            _dir: dir,
        }
    }

    impl Setup {
        fn store(&self) {
            let flags = CargoFlags::default();
            store_at(
                &self.entry,
                &self.member,
                Some(&self.home),
                &flags,
                &self.facts,
            );
        }

        fn lookup(&self) -> Option<Facts> {
            let flags = CargoFlags::default();
            lookup_at(&self.entry, &self.member, Some(&self.home), &flags)
        }
    }

    #[test]
    fn unchanged_inputs_give_the_stored_facts() {
        let s = setup();
        assert_eq!(s.lookup(), None, "nothing stored yet");
        s.store();
        assert_eq!(s.lookup(), Some(s.facts.clone()));
    }

    #[test]
    fn an_edited_manifest_is_noticed() {
        let s = setup();
        s.store();
        std::fs::write(
            s.member.join("Cargo.toml"),
            "[package]\nname = \"renamed\"\n",
        )
        .unwrap();
        assert_eq!(s.lookup(), None);
    }

    /// A config file appearing where cargo looks (any directory up from the working
    /// directory, or CARGO_HOME) may move the target directory.
    #[test]
    fn a_new_config_file_is_noticed() {
        for dir in ["w", "w/m", ".", "cargo-home"] {
            let s = setup();
            s.store();
            let base = s.root.parent().unwrap().join(dir);
            let config = if dir == "cargo-home" {
                base.join("config.toml")
            } else {
                base.join(".cargo").join("config.toml")
            };
            std::fs::create_dir_all(config.parent().unwrap()).unwrap();
            std::fs::write(&config, "[build]\ntarget-dir = \"elsewhere\"\n").unwrap();
            assert_eq!(s.lookup(), None, "{}", config.display());
        }
    }

    /// The manifest that cargo would find first: a `Cargo.toml` created between the working
    /// directory and the workspace root takes over.
    #[test]
    fn a_new_manifest_above_the_working_directory_is_noticed() {
        let s = setup();
        let sub = s.member.join("src");
        std::fs::create_dir_all(&sub).unwrap();
        let flags = CargoFlags::default();
        store_at(&s.entry, &sub, Some(&s.home), &flags, &s.facts);
        assert!(lookup_at(&s.entry, &sub, Some(&s.home), &flags).is_some());
        std::fs::write(sub.join("Cargo.toml"), "[package]\nname = \"inner\"\n").unwrap();
        assert_eq!(lookup_at(&s.entry, &sub, Some(&s.home), &flags), None);
    }

    #[test]
    fn a_damaged_entry_is_ignored() {
        let s = setup();
        s.store();
        std::fs::write(&s.entry, b"{not json").unwrap();
        assert_eq!(s.lookup(), None);
    }
}
