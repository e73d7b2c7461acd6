//! Getting a published `.crate` through cargo, so its checksum is verified as for any build:
//! cargo writes a download into `$CARGO_HOME/registry/cache/<registry>/` only after checking its
//! SHA-256 against the registry index. A `.crate` already there is used as it is; a missing one
//! is downloaded by `cargo info NAME@VERSION`, which fetches exactly that one package (a
//! throwaway workspace and `cargo fetch` would download its whole dependency tree). When the
//! caller knows the checksum (a `Cargo.lock`, the ecosystem runner's resolve), the cached file
//! is hashed again and must match it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::VerifyError;
use crate::archive::sha256_hex;

/// A registry package of a lock file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedPackage {
    pub name: String,
    pub version: String,
    /// The SHA-256 `Cargo.lock` records for it.
    pub checksum: Option<String>,
}

/// The crates.io packages of the lock file at `path`, sorted, and how many packages of other
/// registries it has (those are not fetched: `cargo info` and the cache layout are crates.io's
/// here).
pub fn lockfile_packages(path: &Path) -> Result<(Vec<LockedPackage>, usize), VerifyError> {
    let lock = cargo_lock::Lockfile::load(path).map_err(|e| VerifyError::BadLockfile {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let mut out = Vec::new();
    let mut other = 0;
    for p in &lock.packages {
        let Some(source) = &p.source else { continue };
        if source.is_default_registry() {
            out.push(LockedPackage {
                name: p.name.as_str().to_string(),
                version: p.version.to_string(),
                checksum: p.checksum.as_ref().map(|c| c.to_string()),
            });
        } else if source.is_registry() {
            other += 1;
        }
    }
    out.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
    Ok((out, other))
}

/// `$CARGO_HOME`, else `~/.cargo`, as cargo finds it.
pub fn default_cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

/// The first `error…` line of cargo's stderr, without cargo's `error: ` prefix. (The ecosystem
/// runner reads cargo's failures with it too.)
pub fn first_error(stderr: &str) -> Option<String> {
    stderr
        .lines()
        .find(|l| l.starts_with("error"))
        .map(|l| l.strip_prefix("error: ").unwrap_or(l).trim().to_string())
}

/// Where `.crate` files come from.
#[derive(Debug, Clone)]
pub struct CrateFetcher {
    /// The cargo to run (`$CARGO` when cargo runs us, else `cargo` on PATH).
    pub cargo: PathBuf,
    pub cargo_home: PathBuf,
    /// Working directory of `cargo info` (outside any workspace, so no lock file steers it).
    pub work_dir: PathBuf,
    /// Use only what the cache holds.
    pub offline: bool,
}

impl CrateFetcher {
    pub fn new(cargo_home: PathBuf, work_dir: PathBuf, offline: bool) -> CrateFetcher {
        let cargo = std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from);
        CrateFetcher {
            cargo,
            cargo_home,
            work_dir,
            offline,
        }
    }

    /// `name-version.crate` in the registry caches of the cargo home: the one with the
    /// expected checksum when one is given, else the newest.
    pub fn cached(
        &self,
        name: &str,
        version: &str,
        checksum: Option<&str>,
    ) -> Result<Option<PathBuf>, VerifyError> {
        let cache = self.cargo_home.join("registry/cache");
        let Ok(dirs) = std::fs::read_dir(&cache) else {
            return Ok(None);
        };
        let file_name = format!("{name}-{version}.crate");
        let mut found: Vec<PathBuf> = dirs
            .flatten()
            .map(|d| d.path().join(&file_name))
            .filter(|p| p.is_file())
            .collect();
        // Newest first: the registry directory of the cargo that runs now.
        found.sort_by_key(|p| std::cmp::Reverse(p.metadata().and_then(|m| m.modified()).ok()));
        let Some(expected) = checksum else {
            return Ok(found.into_iter().next());
        };
        let mut mismatch = None;
        for path in found {
            let bytes = std::fs::read(&path).map_err(|e| VerifyError::BadCrate {
                path: path.clone(),
                reason: e.to_string(),
            })?;
            let actual = sha256_hex(&bytes);
            if actual.eq_ignore_ascii_case(expected) {
                return Ok(Some(path));
            }
            mismatch = Some((path, actual));
        }
        match mismatch {
            Some((path, actual)) => Err(VerifyError::ChecksumMismatch {
                path,
                expected: expected.to_string(),
                actual,
            }),
            None => Ok(None),
        }
    }

    /// The `.crate` of `name` `version`, downloaded through cargo when not cached.
    pub fn get(
        &self,
        name: &str,
        version: &str,
        checksum: Option<&str>,
    ) -> Result<PathBuf, VerifyError> {
        if let Some(path) = self.cached(name, version, checksum)? {
            return Ok(path);
        }
        self.download(name, version)?;
        self.cached(name, version, checksum)?
            .ok_or_else(|| VerifyError::Fetch {
                krate: format!("{name}@{version}"),
                reason: format!(
                    "cargo reported no error but {} has no {name}-{version}.crate",
                    self.cargo_home.join("registry/cache").display()
                ),
            })
    }

    fn download(&self, name: &str, version: &str) -> Result<(), VerifyError> {
        let failed = |reason: String| VerifyError::Fetch {
            krate: format!("{name}@{version}"),
            reason,
        };
        std::fs::create_dir_all(&self.work_dir)
            .map_err(|e| failed(format!("cannot create {}: {e}", self.work_dir.display())))?;
        let mut cmd = Command::new(&self.cargo);
        cmd.current_dir(&self.work_dir)
            .env("CARGO_HOME", &self.cargo_home)
            .env("CARGO_TERM_COLOR", "never")
            .args(["info", &format!("{name}@{version}")]);
        if self.offline {
            cmd.arg("--offline");
        }
        log::debug!("fetch: {cmd:?}");
        let out = cmd
            .stdin(Stdio::null())
            .output()
            .map_err(|e| failed(format!("cannot run {}: {e}", self.cargo.display())))?;
        if out.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        Err(failed(first_error(&stderr).unwrap_or_else(|| {
            format!("cargo info failed ({})", out.status)
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_files_are_checked_against_the_lock_checksum() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("registry/cache/index.crates.io-0000");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a-1.0.0.crate"), b"bytes").unwrap();
        let f = CrateFetcher::new(home.path().to_path_buf(), home.path().join("w"), true);
        let good = sha256_hex(b"bytes");
        assert!(f.cached("a", "1.0.0", Some(&good)).unwrap().is_some());
        assert!(f.cached("a", "1.0.0", None).unwrap().is_some());
        assert!(f.cached("b", "1.0.0", None).unwrap().is_none());
        let e = f
            .cached("a", "1.0.0", Some(&"0".repeat(64)))
            .unwrap_err()
            .to_string();
        assert!(e.contains("a-1.0.0.crate") && e.contains("checksum"), "{e}");
    }

    #[test]
    fn first_error_line() {
        let stderr = "    Updating crates.io index\nwarning: x\nerror: no matching package named `nope` found\nlocation searched: crates.io index\n";
        assert_eq!(
            first_error(stderr).as_deref(),
            Some("no matching package named `nope` found")
        );
        assert_eq!(
            first_error("error[E0425]: cannot find value `x`\n").as_deref(),
            Some("error[E0425]: cannot find value `x`")
        );
        assert_eq!(first_error("warning: only\n"), None);
    }

    #[test]
    fn lock_file_registry_packages() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join("Cargo.lock");
        std::fs::write(
            &lock,
            r#"version = 4

[[package]]
name = "app"
version = "0.1.0"
dependencies = ["libc"]

[[package]]
name = "libc"
version = "0.2.191"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "65cd87c9a6d60536580b316ad985726104730a5151c99845f2490428ef91240a"

[[package]]
name = "other"
version = "1.0.0"
source = "sparse+https://example.org/index/"
checksum = "65cd87c9a6d60536580b316ad985726104730a5151c99845f2490428ef91240a"
"#,
        )
        .unwrap();
        let (pkgs, other) = lockfile_packages(&lock).unwrap();
        assert_eq!(other, 1);
        assert_eq!(pkgs.len(), 1);
        assert_eq!(
            (pkgs[0].name.as_str(), pkgs[0].version.as_str()),
            ("libc", "0.2.191")
        );
        assert_eq!(pkgs[0].checksum.as_deref().map(str::len), Some(64));
        std::fs::write(&lock, "not toml [").unwrap();
        assert!(
            lockfile_packages(&lock)
                .unwrap_err()
                .to_string()
                .contains("Cargo.lock")
        );
    }
}
