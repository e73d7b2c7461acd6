//! The verdict on one crate and the evidence behind it: what `cargo painter verify` prints as a
//! table, JSON or SARIF, and what the ecosystem runner records per package.

use serde::{Deserialize, Serialize};

/// Whether a published crate is built from the repository it names. The strings are the
/// issue's words and part of the JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Verdict {
    /// Every file of the package matches the repository at the commit.
    #[serde(rename = "verified")]
    Verified,
    /// Verified, and a tag for the version points at the commit.
    #[serde(rename = "verified, tagged")]
    VerifiedTagged,
    /// Some files of the package differ from the repository's.
    #[serde(rename = "files differ")]
    FilesDiffer,
    /// The package has files the repository's commit does not have (and none differ).
    #[serde(rename = "files not in repository")]
    FilesNotInRepository,
    /// The repository does not have the commit of `.cargo_vcs_info.json`.
    #[serde(rename = "commit not found")]
    CommitNotFound,
    /// Published with uncommitted changes (`cargo package --allow-dirty`).
    #[serde(rename = "dirty publish")]
    DirtyPublish,
    /// No `.cargo_vcs_info.json` (or one without a git commit): nothing to compare with.
    #[serde(rename = "no vcs info")]
    NoVcsInfo,
    /// The repository could not be fetched (no route, no such repository, private, not git,
    /// no `repository` field).
    #[serde(rename = "repository unreachable")]
    RepositoryUnreachable,
    /// No manifest of this package at `path_in_vcs`: a crate hiding behind someone else's
    /// repository.
    #[serde(rename = "repository does not contain this crate")]
    RepositoryDoesNotContainCrate,
}

impl Verdict {
    pub const ALL: [Verdict; 9] = [
        Verdict::Verified,
        Verdict::VerifiedTagged,
        Verdict::FilesDiffer,
        Verdict::FilesNotInRepository,
        Verdict::CommitNotFound,
        Verdict::DirtyPublish,
        Verdict::NoVcsInfo,
        Verdict::RepositoryUnreachable,
        Verdict::RepositoryDoesNotContainCrate,
    ];

    /// The verdict as the issue and the JSON write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Verified => "verified",
            Verdict::VerifiedTagged => "verified, tagged",
            Verdict::FilesDiffer => "files differ",
            Verdict::FilesNotInRepository => "files not in repository",
            Verdict::CommitNotFound => "commit not found",
            Verdict::DirtyPublish => "dirty publish",
            Verdict::NoVcsInfo => "no vcs info",
            Verdict::RepositoryUnreachable => "repository unreachable",
            Verdict::RepositoryDoesNotContainCrate => "repository does not contain this crate",
        }
    }

    /// One word for command lines (`--deny`) and SARIF rule ids.
    pub fn slug(self) -> &'static str {
        match self {
            Verdict::Verified => "verified",
            Verdict::VerifiedTagged => "verified-tagged",
            Verdict::FilesDiffer => "files-differ",
            Verdict::FilesNotInRepository => "files-not-in-repository",
            Verdict::CommitNotFound => "commit-not-found",
            Verdict::DirtyPublish => "dirty-publish",
            Verdict::NoVcsInfo => "no-vcs-info",
            Verdict::RepositoryUnreachable => "repository-unreachable",
            Verdict::RepositoryDoesNotContainCrate => "repository-does-not-contain-crate",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.slug() == slug)
    }

    /// `verified` or `verified, tagged`.
    pub fn is_verified(self) -> bool {
        matches!(self, Verdict::Verified | Verdict::VerifiedTagged)
    }

    /// What the verdict means, for SARIF rules and reports.
    pub fn description(self) -> &'static str {
        match self {
            Verdict::Verified => "every file of the package matches the repository at the commit",
            Verdict::VerifiedTagged => {
                "every file matches, and a tag for the version points at the commit"
            }
            Verdict::FilesDiffer => {
                "files of the published package differ from the repository at the commit it names"
            }
            Verdict::FilesNotInRepository => {
                "the published package has files that the repository's commit does not have"
            }
            Verdict::CommitNotFound => {
                "the repository does not have the commit named by .cargo_vcs_info.json"
            }
            Verdict::DirtyPublish => {
                "the package was published with uncommitted changes (cargo package --allow-dirty)"
            }
            Verdict::NoVcsInfo => {
                "the package has no .cargo_vcs_info.json naming a git commit: nothing to compare with"
            }
            Verdict::RepositoryUnreachable => {
                "the repository named by package.repository could not be fetched"
            }
            Verdict::RepositoryDoesNotContainCrate => {
                "the repository has no manifest of this package at path_in_vcs: the crate may be \
                 hiding behind someone else's repository"
            }
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a piece of evidence says about one file of the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// The file's bytes differ from the repository's.
    Differs,
    /// The repository's commit has no file it could come from.
    NotInRepository,
    /// The normalised `Cargo.toml` says something `Cargo.toml.orig` (with the workspace's
    /// inherited values) does not.
    Manifest,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The file in the package (relative to its root).
    pub file: String,
    pub kind: EvidenceKind,
    /// The file in the repository it was compared with, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// One line.
    pub detail: String,
    /// A short unified diff (repository → package), for text files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// How the package's files fared.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileCounts {
    /// Files in the `.crate`.
    pub total: usize,
    /// Equal to their source in the repository (`Cargo.toml.orig` to the manifest, files from
    /// outside the package to theirs).
    pub matched: usize,
    /// Written by `cargo package` (`Cargo.toml`, `Cargo.lock`, `.cargo_vcs_info.json`).
    pub generated: usize,
    pub differ: usize,
    pub not_in_repository: usize,
}

/// The verdict on one crate, with everything it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrateReport {
    pub name: String,
    pub version: String,
    pub verdict: Verdict,
    /// Why, in one line.
    pub summary: String,
    /// The `.crate` that was checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crate_file: Option<String>,
    /// SHA-256 of the `.crate` (the registry's checksum).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// `package.repository` as published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// The git URL fetched (the repository field, normalised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git_url: Option<String>,
    /// `git.sha1` of `.cargo_vcs_info.json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// `path_in_vcs` of `.cargo_vcs_info.json` (`""`: the repository's root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_in_vcs: Option<String>,
    /// The tag for the version that points at the commit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    #[serde(default)]
    pub files: FileCounts,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// Facts that do not change the verdict (line endings, generated files, cache use).
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default)]
    pub elapsed_ms: u64,
}

impl CrateReport {
    /// A report that has only a verdict and why (the comparison never started).
    pub fn bare(name: &str, version: &str, verdict: Verdict, summary: impl Into<String>) -> Self {
        CrateReport {
            name: name.to_string(),
            version: version.to_string(),
            verdict,
            summary: summary.into(),
            crate_file: None,
            checksum: None,
            repository: None,
            git_url: None,
            commit: None,
            path_in_vcs: None,
            tag: None,
            files: FileCounts::default(),
            evidence: Vec::new(),
            notes: Vec::new(),
            elapsed_ms: 0,
        }
    }

    pub fn id(&self) -> String {
        format!("{}@{}", self.name, self.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_slugs_round_trip() {
        for v in Verdict::ALL {
            assert_eq!(Verdict::from_slug(v.slug()), Some(v));
            let json = serde_json::to_string(&v).unwrap();
            assert_eq!(json, format!("\"{}\"", v.as_str()));
            assert_eq!(serde_json::from_str::<Verdict>(&json).unwrap(), v);
        }
        assert!(Verdict::VerifiedTagged.is_verified() && !Verdict::DirtyPublish.is_verified());
        assert_eq!(Verdict::from_slug("nope"), None);
    }
}
