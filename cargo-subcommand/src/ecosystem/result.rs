//! The per-crate result (`<out>/results/<slug>.json`): what happened to one list entry, written
//! atomically once the entry is finished, so a killed run leaves either a whole result or none
//! and a rerun skips exactly the finished entries.

use std::{
    fs, io,
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};

/// How an entry ended. The strings are part of `report.json` and the README's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Built, and the driver analysed its library.
    Ok,
    /// Cargo could not resolve or download it (no such crate or version, registry error).
    FetchFailed,
    /// `cargo check` failed (compile error, build script failure, missing system library,
    /// no library target).
    BuildFailed,
    /// It compiled, but the driver's analysis of its library failed or left no graph.
    AnalysisFailed,
    /// Killed at the time limit.
    Timeout,
    /// Stopped by a resource limit: memory, processes, or the disk it may fill.
    ResourcesExceeded,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Ok,
        Status::FetchFailed,
        Status::BuildFailed,
        Status::AnalysisFailed,
        Status::Timeout,
        Status::ResourcesExceeded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::FetchFailed => "fetch_failed",
            Status::BuildFailed => "build_failed",
            Status::AnalysisFailed => "analysis_failed",
            Status::Timeout => "timeout",
            Status::ResourcesExceeded => "resources_exceeded",
        }
    }
}

/// Wall times of the phases, in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timings {
    pub fetch_ms: u64,
    pub build_ms: u64,
    /// Sum of `analysis_ms` of the units the driver analysed in this build (not the cached ones).
    pub analysis_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrateResult {
    /// The list entry ([`super::list::Entry::id`]).
    pub entry: String,
    pub name: String,
    /// The version built (resolved through the registry when the list gave none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub status: Status,
    /// The first error (compiler, cargo or driver), one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The package whose build failed, when cargo named it (a dependency, or the crate itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_package: Option<String>,
    pub timings: Timings,
    /// Key of the crate in the linked graph (`name@version`), when analysed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graph_key: Option<String>,
    /// Every unit of the build (the crate, its dependencies, build scripts, proc-macros):
    /// file names in `<out>/crates/`.
    #[serde(default)]
    pub units: Vec<String>,
    /// Units whose analysis failed: `(file name, error)`.
    #[serde(default)]
    pub failed_units: Vec<(String, String)>,
    /// Whether the build ran in the sandbox (kept beside `isolation` for readers of older
    /// results).
    pub sandboxed: bool,
    /// How the build was isolated and limited; absent from results of older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isolation: Option<Isolation>,
    /// The log of the fetch and build (cargo's stderr), relative to the output directory.
    pub log: String,
    /// With `--verify`: the verdict on the entry's package and each crates.io package of its
    /// resolve (docs/verify.md); the evidence is in `<out>/verify/<name>-<version>.json`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verification: Vec<PackageVerdict>,
}

/// The verdict on one package of an entry's resolve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageVerdict {
    /// `name@version`.
    pub package: String,
    /// `None`: the package could not be checked at all (`error` says why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<painter_verify::Verdict>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The list entry's own package (else a dependency).
    pub entry: bool,
}

/// The isolation of a build: `{"kind": "bwrap", "uid": 65534, "limits": {…}}`, or
/// `{"kind": "none", "limits": {…}}` with `--no-sandbox`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Isolation {
    pub kind: IsolationKind,
    /// The user the build ran as inside the sandbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<u32>,
    pub limits: IsolationLimits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IsolationKind {
    Bwrap,
    None,
}

/// The limits a build ran under (0: none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IsolationLimits {
    pub timeout_s: u64,
    /// RLIMIT_AS of each process: the memory limit where no memory cgroup could be made (0
    /// when the cgroup holds it).
    pub address_space_mib: u64,
    /// `memory.max` of the build's cgroup, when there was one with the memory controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_cgroup_mib: Option<u64>,
    /// How the memory limit was enforced. Results of older versions (RLIMIT_AS always, the
    /// cgroup besides when there was one) have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_by: Option<MemoryBy>,
    /// Processes and threads.
    pub procs: u64,
    pub procs_by: ProcsBy,
    /// What the build may add to its target directory and `/tmp`.
    pub disk_mib: u64,
}

/// How the memory limit is enforced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemoryBy {
    /// `memory.max` of the build's own cgroup (v2; `memory.limit_in_bytes` on v1): the
    /// resident memory of all its processes together, no swap.
    Cgroup,
    /// RLIMIT_AS of each process: address space, which rustc reserves well beyond its use.
    Rlimit,
    None,
}

/// How the process limit is enforced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcsBy {
    /// `pids.max` of the build's own cgroup: exactly the build's processes.
    Cgroup,
    /// RLIMIT_NPROC: every process of the build's uid (see docs/ecosystem.md).
    Rlimit,
    None,
}

pub fn path(results_dir: &Path, slug: &str) -> PathBuf {
    results_dir.join(format!("{slug}.json"))
}

/// The finished result of an entry, if a previous run wrote one. An unreadable file counts as
/// none (the entry is redone and the file replaced).
pub fn read(file: &Path) -> Option<CrateResult> {
    let bytes = fs::read(file).ok()?;
    match serde_json::from_slice(&bytes) {
        Ok(result) => Some(result),
        Err(e) => {
            log::debug!("ignoring {}: {e}", file.display());
            None
        }
    }
}

/// Write `result` whole or not at all (temp file + rename).
pub fn write(file: &Path, result: &CrateResult) -> io::Result<()> {
    let json = serde_json::to_vec_pretty(result).map_err(io::Error::other)?;
    painter_schema::atomic::write_bytes_atomic(file, &json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempDir;

    #[test]
    fn round_trip_and_bad_files() {
        let dir = TempDir::new("results");
        let file = path(dir.path(), "itoa@1.0.15");
        assert!(read(&file).is_none());
        let result = CrateResult {
            entry: "itoa@1.0.15".into(),
            name: "itoa".into(),
            version: Some("1.0.15".into()),
            status: Status::BuildFailed,
            error: Some("error[E0425]: cannot find value `x`".into()),
            failed_package: Some("itoa".into()),
            timings: Timings::default(),
            graph_key: None,
            units: vec![],
            failed_units: vec![],
            sandboxed: true,
            isolation: Some(Isolation {
                kind: IsolationKind::Bwrap,
                uid: Some(65534),
                limits: IsolationLimits {
                    timeout_s: 900,
                    address_space_mib: 8192,
                    memory_cgroup_mib: None,
                    memory_by: Some(MemoryBy::Rlimit),
                    procs: 2048,
                    procs_by: ProcsBy::Rlimit,
                    disk_mib: 10240,
                },
            }),
            log: "logs/itoa@1.0.15.log".into(),
            verification: Vec::new(),
        };
        write(&file, &result).unwrap();
        assert_eq!(read(&file), Some(result));
        let text = fs::read_to_string(&file).unwrap();
        assert!(text.contains("\"status\": \"build_failed\""), "{text}");
        assert!(text.contains("\"kind\": \"bwrap\""), "{text}");
        assert!(text.contains("\"procs_by\": \"rlimit\""), "{text}");
        // A result of an older version, without `isolation`, still reads.
        let mut old: serde_json::Value = serde_json::from_str(&text).unwrap();
        old.as_object_mut().unwrap().remove("isolation");
        fs::write(&file, old.to_string()).unwrap();
        let read_old = read(&file).expect("an older result reads");
        assert!(read_old.sandboxed && read_old.isolation.is_none());
        fs::write(&file, "{truncated").unwrap();
        assert!(read(&file).is_none());
        // No temporary files are left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
