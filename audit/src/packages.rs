//! Which packages of the build an advisory is about: the graph's crates.io packages at their
//! exact versions (the resolve cargo built), each advisory's version ranges, its OS/arch scope
//! against the build's target, and the version ranges of each affected function. Packages of
//! the lock file that this build did not compile (other targets, disabled features) are kept
//! apart: version-only matching would report them, and the report says why they do not count.

use std::collections::BTreeMap;

use painter_schema::LinkedGraph;
use rustsec::advisory::Advisory;
use rustsec::advisory::affected::FunctionPath;
use rustsec::{Database, Lockfile, Version, VersionReq};

/// A crates.io package of the analysed build and the graph crates that are it (its library,
/// build script, binaries).
#[derive(Debug, Clone)]
pub struct Package {
    pub name: String,
    pub version: Version,
    /// Keys of its crates in the graph; empty for a lock-file package that was not built.
    pub crate_keys: Vec<String>,
    /// The target triple it was built for (its first crate's; empty when not built).
    pub target: String,
}

impl Package {
    pub fn in_build(&self) -> bool {
        !self.crate_keys.is_empty()
    }
}

/// The registry packages of `graph`, by name and version.
pub fn build_packages(graph: &LinkedGraph) -> Vec<Package> {
    let mut packages: BTreeMap<(String, String), Package> = BTreeMap::new();
    for (key, krate) in &graph.crates {
        let info = &krate.krate;
        // Advisories name crates.io packages; a path or git package of the same name is
        // another package.
        if info.source != "registry" {
            continue;
        }
        let Ok(version) = Version::parse(&info.version) else {
            log::warn!(
                "{key}: version `{}` is not semver; not audited",
                info.version
            );
            continue;
        };
        let package = packages
            .entry((info.package.clone(), info.version.clone()))
            .or_insert_with(|| Package {
                name: info.package.clone(),
                version,
                crate_keys: Vec::new(),
                target: info.target.clone(),
            });
        package.crate_keys.push(key.clone());
    }
    packages.into_values().collect()
}

/// The lock file at `path`, or `None` when there is none (a workspace of path packages only).
/// A lock file that does not parse is an error naming it.
pub fn read_lock(path: &std::path::Path) -> Result<Option<Lockfile>, crate::AuditError> {
    if !path.is_file() {
        return Ok(None);
    }
    Lockfile::load(path)
        .map(Some)
        .map_err(|source| crate::AuditError::BadLockFile {
            path: path.to_path_buf(),
            source,
        })
}

/// The registry packages of `lock` that are not among `built` (not compiled in this build).
pub fn unbuilt_lock_packages(lock: &Lockfile, built: &[Package]) -> Vec<Package> {
    let mut out: Vec<Package> = lock
        .packages
        .iter()
        .filter(|p| p.source.as_ref().is_some_and(|s| s.is_registry()))
        .filter(|p| {
            !built
                .iter()
                .any(|b| b.name == p.name.as_str() && b.version == p.version)
        })
        .map(|p| Package {
            name: p.name.as_str().to_string(),
            version: p.version.clone(),
            crate_keys: Vec::new(),
            target: String::new(),
        })
        .collect();
    out.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
    out.dedup_by(|a, b| a.name == b.name && a.version == b.version);
    out
}

/// The advisories of `db` that affect `package` at its version: crate advisories (not the
/// toolchain's), not withdrawn, whose ranges hold the version. Withdrawn ones that would have
/// matched are returned apart.
pub fn advisories_for<'d>(db: &'d Database, package: &Package) -> (Vec<&'d Advisory>, usize) {
    let mut affected = Vec::new();
    let mut withdrawn = 0;
    for advisory in db.iter() {
        let meta = &advisory.metadata;
        if meta.package.as_str() != package.name
            || meta.collection != Some(rustsec::Collection::Crates)
            || !advisory.versions.is_vulnerable(&package.version)
        {
            continue;
        }
        if advisory.withdrawn() {
            withdrawn += 1;
        } else {
            affected.push(advisory);
        }
    }
    affected.sort_by(|a, b| a.id().as_str().cmp(b.id().as_str()));
    (affected, withdrawn)
}

/// Why `advisory` does not apply to a build for `target` (its `affected.os`/`arch` leave the
/// target out), or `None` when it applies. An unknown triple is assumed to be affected.
pub fn platform_mismatch(advisory: &Advisory, target: &str) -> Option<String> {
    let affected = advisory.affected.as_ref()?;
    let platform = platforms::Platform::find(target)?;
    let os = platform.target_os.as_str();
    let arch = platform.target_arch.as_str();
    if !affected.os.is_empty() && !affected.os.iter().any(|o| o == os) {
        return Some(format!(
            "the advisory is for os {} only; this build targets {target} (os {os})",
            affected.os.join(", ")
        ));
    }
    if !affected.arch.is_empty() && !affected.arch.iter().any(|a| a == arch) {
        return Some(format!(
            "the advisory is for arch {} only; this build targets {target} (arch {arch})",
            affected.arch.join(", ")
        ));
    }
    None
}

/// The affected functions of `advisory`, each with whether its own version ranges hold
/// `version` (an empty list of ranges means every version).
pub fn functions_of<'d>(
    advisory: &'d Advisory,
    version: &Version,
) -> Vec<(&'d FunctionPath, bool, &'d [VersionReq])> {
    let Some(affected) = &advisory.affected else {
        return Vec::new();
    };
    affected
        .functions
        .iter()
        .map(|(path, reqs)| {
            let applies = reqs.is_empty() || reqs.iter().any(|r| r.matches(version));
            (path, applies, reqs.as_slice())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The real advisories the end-to-end tests use (tests/fixtures/audit-db).
    fn fixture_db() -> Database {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/audit-db");
        crate::db::open(&dir).unwrap()
    }

    fn package(name: &str, version: &str, target: &str) -> Package {
        Package {
            name: name.into(),
            version: Version::parse(version).unwrap(),
            crate_keys: vec![format!("{name}@{version}")],
            target: target.into(),
        }
    }

    fn ids(advisories: &[&Advisory]) -> Vec<String> {
        advisories.iter().map(|a| a.id().to_string()).collect()
    }

    #[test]
    fn versions_platforms_and_function_ranges() {
        let db = fixture_db();
        // time 0.2.10 is affected by RUSTSEC-2020-0071, but its `time::at` entry (`^0.1`)
        // leaves 0.2 out while `time::UtcOffset::local_offset_at` (`< 0.2.23`) holds it.
        let time = package("time", "0.2.10", "x86_64-unknown-linux-gnu");
        let (found, withdrawn) = advisories_for(&db, &time);
        assert_eq!(
            (ids(&found), withdrawn),
            (vec!["RUSTSEC-2020-0071".to_string()], 0)
        );
        let functions = functions_of(found[0], &time.version);
        let applies = |name: &str| {
            functions
                .iter()
                .find(|(path, ..)| path.to_string() == name)
                .unwrap()
                .1
        };
        assert!(!applies("time::at"));
        assert!(applies("time::UtcOffset::local_offset_at"));
        // The versions 0.2.0 to 0.2.6 are listed as unaffected.
        assert!(
            advisories_for(&db, &package("time", "0.2.6", ""))
                .0
                .is_empty()
        );
        // smallvec 1.6.1 is patched.
        let (found, _) = advisories_for(&db, &package("smallvec", "1.6.1", ""));
        assert!(found.is_empty(), "{:?}", ids(&found));

        // atty 0.2.14: the unsound read is windows-only.
        let (found, _) = advisories_for(&db, &package("atty", "0.2.14", ""));
        let windows_only = found
            .iter()
            .find(|a| a.id().as_str() == "RUSTSEC-2021-0145")
            .unwrap();
        let why = platform_mismatch(windows_only, "x86_64-unknown-linux-gnu").unwrap();
        assert!(
            why.contains("os windows") && why.contains("(os linux)"),
            "{why}"
        );
        assert_eq!(
            platform_mismatch(windows_only, "x86_64-pc-windows-msvc"),
            None
        );
        // An advisory without os/arch applies everywhere; an unknown triple is not dismissed.
        let unmaintained = found
            .iter()
            .find(|a| a.id().as_str() == "RUSTSEC-2024-0375")
            .unwrap();
        assert_eq!(
            platform_mismatch(unmaintained, "aarch64-apple-darwin"),
            None
        );
        assert_eq!(platform_mismatch(windows_only, "no-such-triple"), None);
    }
}
