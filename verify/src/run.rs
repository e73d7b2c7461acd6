//! Verifying one `.crate`, step by step, each step able to end with its verdict: read the
//! archive; read `.cargo_vcs_info.json` (`no vcs info`); find the repository
//! (`repository unreachable`); get the commit into the cache, shallow first
//! (`commit not found`, or `repository does not contain this crate` when the repository has no
//! such package at all); check the manifest at `path_in_vcs`; compare the files; look for a tag.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::archive::{self, CrateArchive};
use crate::compare::{self, Comparison};
use crate::git::{CachedRepo, GitLimits, RemoteRefs};
use crate::tree::Trees;
use crate::verdict::{CrateReport, Verdict};
use crate::{VerifyError, manifest, repo_url, tags, vcs_info};

#[derive(Debug, Clone)]
pub struct Options {
    /// Holds `repos/`, one bare repository per remote, reused across runs.
    pub cache_dir: PathBuf,
    pub git: GitLimits,
}

/// Verifies crates, several at a time if the caller likes: work on one remote's cache is
/// serialised, different remotes proceed in parallel.
pub struct Verifier {
    options: Options,
    locks: Mutex<HashMap<String, Arc<Mutex<()>>>>,
}

impl Verifier {
    pub fn new(options: Options) -> Verifier {
        Verifier {
            options,
            locks: Mutex::new(HashMap::new()),
        }
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Verify the `.crate` at `path`; `expected` is the `(name, version)` it must be when it
    /// comes from a registry. Errors are about the file itself (unreadable, not a package, not
    /// the one expected); everything about the repository is a verdict.
    pub fn verify_file(
        &self,
        path: &Path,
        expected: Option<(&str, &str)>,
    ) -> Result<CrateReport, VerifyError> {
        let start = Instant::now();
        let archive = archive::read(path)?;
        let bad = |reason: String| VerifyError::BadCrate {
            path: path.to_path_buf(),
            reason,
        };
        let manifest_bytes = archive
            .files
            .get("Cargo.toml")
            .ok_or_else(|| bad("no Cargo.toml in the package".into()))?;
        let normalised = manifest::parse(manifest_bytes, "Cargo.toml").map_err(bad)?;
        let package = normalised.get("package").and_then(|p| p.as_table());
        let field = |k: &str| {
            package
                .and_then(|p| p.get(k))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let (Some(name), Some(version)) = (field("name"), field("version")) else {
            return Err(bad("Cargo.toml has no package name and version".into()));
        };
        if let Some((en, ev)) = expected
            && (en != name || ev != version)
        {
            return Err(bad(format!("it holds {name}@{version}, not {en}@{ev}")));
        }
        let mut report = CrateReport::bare(&name, &version, Verdict::NoVcsInfo, "");
        report.crate_file = Some(path.display().to_string());
        report.checksum = Some(archive.sha256.clone());
        report.repository = manifest::repository(&normalised);
        report.files.total = archive.files.len();
        self.judge(&archive, &mut report);
        report.elapsed_ms = start.elapsed().as_millis() as u64;
        Ok(report)
    }

    fn judge(&self, archive: &CrateArchive, report: &mut CrateReport) {
        let set = |report: &mut CrateReport, verdict: Verdict, summary: String| {
            report.verdict = verdict;
            report.summary = summary;
        };
        let info = match archive
            .files
            .get(vcs_info::FILE)
            .map(|b| vcs_info::parse(b))
        {
            None => {
                return set(
                    report,
                    Verdict::NoVcsInfo,
                    "no .cargo_vcs_info.json: packaged outside a git checkout (or by a cargo that wrote none for dirty trees)".into(),
                );
            }
            Some(Err(e)) => return set(report, Verdict::NoVcsInfo, e),
            Some(Ok(info)) => info,
        };
        let Some(git) = info.git else {
            return set(
                report,
                Verdict::NoVcsInfo,
                ".cargo_vcs_info.json names no git commit".into(),
            );
        };
        report.commit = Some(git.sha1.clone());
        report.path_in_vcs = info.path_in_vcs.clone();
        let Some(repository) = report.repository.clone() else {
            return set(
                report,
                Verdict::RepositoryUnreachable,
                "the manifest names no repository".into(),
            );
        };
        let url = match repo_url::git_url(&repository) {
            Ok(url) => url,
            Err(e) => return set(report, Verdict::RepositoryUnreachable, e),
        };
        report.git_url = Some(url.clone());

        let lock = self.lock(&url);
        let _guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let repo = match self.open(&url) {
            Ok(repo) => repo,
            Err(e) => return set(report, Verdict::RepositoryUnreachable, e),
        };
        let refs = match repo.ls_remote() {
            Ok(refs) => Some(refs),
            Err(e) if repo.has_commit(&git.sha1) => {
                report.notes.push(format!(
                    "the repository is unreachable now ({e}): compared with the commit fetched by an earlier run; tags not checked"
                ));
                None
            }
            Err(e) => {
                return set(
                    report,
                    Verdict::RepositoryUnreachable,
                    format!("{url}: {e}"),
                );
            }
        };
        if !repo.has_commit(&git.sha1) {
            if let Err(shallow) = repo.fetch_commit(&git.sha1) {
                log::debug!(
                    "{url}: the commit cannot be fetched by id ({shallow}); fetching every branch and tag"
                );
                if let Err(e) = repo.fetch_all() {
                    return set(
                        report,
                        Verdict::RepositoryUnreachable,
                        format!("{url}: fetch failed: {e}"),
                    );
                }
            }
            if !repo.has_commit(&git.sha1) {
                return self.commit_missing(&repo, refs.as_ref(), report);
            }
        }
        let tree = match repo.tree(&git.sha1) {
            Ok(tree) => tree,
            Err(e) => {
                return set(
                    report,
                    Verdict::RepositoryUnreachable,
                    format!("{url}: {e}"),
                );
            }
        };
        let open = |url: &str, commit: &str| self.open_at(url, commit);
        let mut trees = Trees::new(repo.clone(), tree, &open);

        // Cargo before 1.58 wrote no path_in_vcs: look for the package where it could be.
        let pkg_dir = match &info.path_in_vcs {
            Some(p) => p.trim_matches('/').to_string(),
            None => {
                match packages_named(&trees, &report.name).as_slice() {
                    [only] => {
                        report.notes.push(format!("no path_in_vcs (cargo < 1.58): the package is at `{only}` in the commit"));
                        only.clone()
                    }
                    _ => String::new(),
                }
            }
        };
        let name = report.name.clone();
        let repo_manifest = match compare::repo_manifest(&mut trees, &pkg_dir, &name) {
            Ok(m) => m,
            Err(e) => return set(report, Verdict::RepositoryDoesNotContainCrate, e),
        };
        let cmp = match compare::compare(archive, &mut trees, &pkg_dir, &repo_manifest) {
            Ok(cmp) => cmp,
            Err(e) => return set(report, Verdict::FilesDiffer, e),
        };
        let Comparison {
            counts,
            evidence,
            notes,
        } = cmp;
        report.files = counts;
        report.evidence = evidence;
        report.notes.extend(notes);
        let f = &report.files;
        let (verdict, summary) = if git.dirty {
            let what = if f.differ + f.not_in_repository == 0 {
                "though every file matches the commit".to_string()
            } else {
                format!(
                    "{} file(s) differ, {} not in the repository",
                    f.differ, f.not_in_repository
                )
            };
            (
                Verdict::DirtyPublish,
                format!("packaged with uncommitted changes (--allow-dirty); {what}"),
            )
        } else if f.differ > 0 {
            (
                Verdict::FilesDiffer,
                format!(
                    "{} of {} files differ from the commit{}",
                    f.differ,
                    f.total,
                    and_missing(f.not_in_repository)
                ),
            )
        } else if f.not_in_repository > 0 {
            (
                Verdict::FilesNotInRepository,
                format!(
                    "{} of {} files are not in the commit",
                    f.not_in_repository, f.total
                ),
            )
        } else {
            let (tag, tag_notes) = match &refs {
                Some(refs) => tags::find(refs, &report.name, &report.version, &git.sha1),
                None => (None, Vec::new()),
            };
            report.notes.extend(tag_notes);
            let summary = format!(
                "all {} files match the commit ({} generated by cargo package)",
                f.total, f.generated
            );
            match tag {
                Some(tag) => {
                    let s = format!("{summary}; tag `{tag}` points at it");
                    report.tag = Some(tag);
                    (Verdict::VerifiedTagged, s)
                }
                None => (Verdict::Verified, summary),
            }
        };
        set(report, verdict, summary);
    }

    /// The commit is not in the repository, even with every branch and tag fetched. If the
    /// repository has no package of this name anywhere at its HEAD, the crate is not this
    /// repository's at all.
    fn commit_missing(
        &self,
        repo: &CachedRepo,
        refs: Option<&RemoteRefs>,
        report: &mut CrateReport,
    ) {
        let commit = report.commit.clone().unwrap_or_default();
        let head = refs.and_then(|r| r.head.clone());
        let name = report.name.clone();
        let elsewhere = head.as_deref().and_then(|head| {
            let tree = repo.tree(head).ok()?;
            let open = |_: &str, _: &str| Err("not followed".to_string());
            Some(packages_named(
                &Trees::new(repo.clone(), tree, &open),
                &name,
            ))
        });
        match elsewhere {
            Some(dirs) if dirs.is_empty() => {
                report.verdict = Verdict::RepositoryDoesNotContainCrate;
                report.summary = format!(
                    "the repository has neither the commit {commit} nor any package `{name}` at its HEAD"
                );
            }
            dirs => {
                report.verdict = Verdict::CommitNotFound;
                report.summary =
                    format!("the repository has no commit {commit} (every branch and tag fetched)");
                if let Some(dirs) = dirs {
                    let at: Vec<String> = dirs
                        .iter()
                        .map(|d| format!("`{}`", if d.is_empty() { "." } else { d }))
                        .collect();
                    report.notes.push(format!(
                        "the package `{name}` is at {} in the repository's HEAD",
                        at.join(", ")
                    ));
                }
            }
        }
    }

    fn lock(&self, url: &str) -> Arc<Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
        locks.entry(url.to_string()).or_default().clone()
    }

    fn open(&self, url: &str) -> Result<CachedRepo, String> {
        let dir = self
            .options
            .cache_dir
            .join("repos")
            .join(repo_url::cache_name(url));
        CachedRepo::open(&dir, url, self.options.git.clone()).map_err(|e| e.0)
    }

    /// A submodule's repository with `commit` fetched.
    fn open_at(&self, url: &str, commit: &str) -> Result<CachedRepo, String> {
        let url = repo_url::git_url(url)?;
        let lock = self.lock(&url);
        let _guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let repo = self.open(&url)?;
        if !repo.has_commit(commit) {
            if self.options.git.offline {
                return Err("offline, and not in the cache".into());
            }
            if repo.fetch_commit(commit).is_err() {
                repo.fetch_all().map_err(|e| e.0)?;
            }
            if !repo.has_commit(commit) {
                return Err(format!("no commit {commit}"));
            }
        }
        Ok(repo)
    }
}

fn and_missing(n: usize) -> String {
    if n == 0 {
        String::new()
    } else {
        format!(", {n} not in it")
    }
}

/// Directories of the tree whose `Cargo.toml` is the package `name`.
fn packages_named(trees: &Trees<'_>, name: &str) -> Vec<String> {
    let tree = trees.main_tree();
    let manifests: Vec<(&String, &str)> = tree
        .iter()
        .filter(|(p, e)| {
            (p.as_str() == "Cargo.toml" || p.ends_with("/Cargo.toml"))
                && e.mode != "160000"
                && e.mode != "120000"
        })
        .map(|(p, e)| (p, e.oid.as_str()))
        .collect();
    let oids: Vec<&str> = manifests.iter().map(|(_, o)| *o).collect();
    let Ok(blobs) = trees.repo(0).blobs(&oids) else {
        return Vec::new();
    };
    let mut dirs: Vec<String> = manifests
        .iter()
        .filter(|(_, oid)| {
            blobs
                .get(*oid)
                .and_then(|b| manifest::parse(b, "Cargo.toml").ok())
                .is_some_and(|t| manifest::package_name(&t) == Some(name))
        })
        .map(|(p, _)| {
            p.strip_suffix("Cargo.toml")
                .unwrap_or("")
                .trim_end_matches('/')
                .to_string()
        })
        .collect();
    dirs.sort();
    dirs
}
