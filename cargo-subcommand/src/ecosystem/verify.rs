//! `--verify`: after an entry's fetch, the verdict of painter-verify on its package and every
//! crates.io package of its resolve (`ws/Cargo.lock`), from the `.crate` files the fetch put in
//! the run's CARGO_HOME (checked against the lock file's checksums). Outside the sandbox: no
//! crate code runs, only git. A package shared by several entries is verified once per run, and
//! once across runs: its report is kept in `<out>/verify/<name>-<version>.json`. Optional,
//! because it fetches every repository: network time the analysis does not need.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use painter_verify::fetch::{CrateFetcher, lockfile_packages};
use painter_verify::{CrateReport, Verifier};

use super::list::Entry;
use super::result::PackageVerdict;

pub struct EcosystemVerify {
    pub verifier: Verifier,
    pub fetcher: CrateFetcher,
    /// `<out>/verify/`: one report per package.
    pub reports: PathBuf,
    /// Packages under way or done in this run, so two workers never verify one twice.
    done: Mutex<HashMap<String, Arc<Mutex<Option<PackageVerdict>>>>>,
}

impl EcosystemVerify {
    pub fn new(verifier: Verifier, fetcher: CrateFetcher, reports: PathBuf) -> Self {
        EcosystemVerify {
            verifier,
            fetcher,
            reports,
            done: Mutex::new(HashMap::new()),
        }
    }

    /// The verdicts of `entry` (fetched, its workspace in `ws`) and of its resolve.
    pub fn entry(&self, entry: &Entry, version: &str, ws: &Path) -> Vec<PackageVerdict> {
        let packages = match lockfile_packages(&ws.join("Cargo.lock")) {
            Ok((packages, _)) => packages,
            Err(e) => {
                crate::diag::warning(format_args!("{}: not verified: {e}", entry.id()));
                return Vec::new();
            }
        };
        packages
            .iter()
            .map(|p| {
                let is_entry = entry.path.is_none() && p.name == entry.name && p.version == version;
                let mut verdict = self.package(&p.name, &p.version, p.checksum.as_deref());
                verdict.entry = is_entry;
                verdict
            })
            .collect()
    }

    fn package(&self, name: &str, version: &str, checksum: Option<&str>) -> PackageVerdict {
        let id = format!("{name}@{version}");
        let slot = self
            .done
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(id.clone())
            .or_default()
            .clone();
        let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(done) = slot.as_ref() {
            return done.clone();
        }
        let file = self.reports.join(format!("{name}-{version}.json"));
        let earlier: Option<CrateReport> = std::fs::read(&file)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        let verdict = match earlier {
            Some(r) => verdict_of(&id, Ok(r)),
            None => {
                let result = self
                    .fetcher
                    .get(name, version, checksum)
                    .and_then(|crate_file| {
                        self.verifier
                            .verify_file(&crate_file, Some((name, version)))
                    });
                if let Ok(report) = &result
                    && let Ok(json) = serde_json::to_vec_pretty(report)
                    && let Err(e) = painter_schema::atomic::write_bytes_atomic(&file, &json)
                {
                    crate::diag::warning(format_args!("cannot write {}: {e}", file.display()));
                }
                verdict_of(&id, result)
            }
        };
        *slot = Some(verdict.clone());
        verdict
    }
}

fn verdict_of(
    id: &str,
    result: Result<CrateReport, painter_verify::VerifyError>,
) -> PackageVerdict {
    match result {
        Ok(r) => PackageVerdict {
            package: id.to_string(),
            verdict: Some(r.verdict),
            error: None,
            entry: false,
        },
        Err(e) => PackageVerdict {
            package: id.to_string(),
            verdict: None,
            error: Some(e.to_string()),
            entry: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::report::verification_shares;
    use super::super::result::{CrateResult, PackageVerdict, Status, Timings};
    use painter_verify::Verdict;

    fn result(entry: &str, verdicts: &[(&str, Option<Verdict>, bool)]) -> CrateResult {
        CrateResult {
            entry: entry.into(),
            name: entry.into(),
            version: None,
            status: Status::Ok,
            error: None,
            failed_package: None,
            timings: Timings::default(),
            graph_key: None,
            units: Vec::new(),
            failed_units: Vec::new(),
            sandboxed: true,
            isolation: None,
            log: String::new(),
            verification: verdicts
                .iter()
                .map(|(p, v, e)| PackageVerdict {
                    package: (*p).into(),
                    verdict: *v,
                    error: v.is_none().then(|| "gone".to_string()),
                    entry: *e,
                })
                .collect(),
        }
    }

    #[test]
    fn shares_count_each_package_once() {
        let results = [
            result(
                "a",
                &[
                    ("a@1.0.0", Some(Verdict::VerifiedTagged), true),
                    ("libc@0.2.0", Some(Verdict::RepositoryUnreachable), false),
                ],
            ),
            result(
                "b",
                &[
                    ("b@1.0.0", Some(Verdict::RepositoryUnreachable), true),
                    ("libc@0.2.0", Some(Verdict::RepositoryUnreachable), false),
                    ("c@1.0.0", None, false),
                ],
            ),
        ];
        let v = verification_shares(&results).unwrap();
        assert_eq!(v.entries["verified, tagged"].crates, 1);
        assert_eq!(v.entries["repository unreachable"].percent, 50.0);
        // a, b and libc (once); c could not be checked.
        assert_eq!(v.packages["repository unreachable"].crates, 2);
        assert!((v.packages["verified, tagged"].percent - 100.0 / 3.0).abs() < 1e-9);
        assert_eq!(v.not_checked, 1);
        assert_eq!(v.packages.len(), Verdict::ALL.len());
        assert!(verification_shares(&[result("x", &[])]).is_none());
    }
}
