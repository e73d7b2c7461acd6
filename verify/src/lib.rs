//! painter-verify: is a published crate built from the repository it names? The method of
//! rust-lang/crates.io#6397: take the commit of `.cargo_vcs_info.json`, fetch the repository at
//! that commit, compare the files, allowing for what `cargo package` writes itself
//! (`cargo painter verify`, docs/verify.md).
//!
//! The steps, one module each: get the `.crate` through cargo with its checksum verified
//! ([`fetch`]); read it ([`archive`]) and its [`vcs_info`]; turn `package.repository` into a git
//! URL ([`repo_url`]); fetch the commit into a cache with the git CLI ([`git`]); find each file at
//! the commit through symlinks and submodules ([`tree`]); compare, with the manifest
//! normalisation checked ([`compare`], [`manifest`]); look for a release tag ([`tags`]). [`run`]
//! strings them into one [`CrateReport`] per crate with its [`Verdict`]; [`report`] gathers them
//! and renders a table, JSON or SARIF ([`sarif`]).
//!
//! ```no_run
//! # fn show() -> Result<(), painter_verify::VerifyError> {
//! use painter_verify::{Options, Verifier};
//! let verifier = Verifier::new(Options { cache_dir: "cache".into(), git: Default::default() });
//! let report = verifier.verify_file(std::path::Path::new("itoa-1.0.15.crate"), Some(("itoa", "1.0.15")))?;
//! println!("{}: {}", report.id(), report.verdict);
//! # Ok(()) }
//! ```

pub mod archive;
pub mod compare;
pub mod fetch;
pub mod git;
pub mod manifest;
pub mod repo_url;
pub mod report;
pub mod sarif;
pub mod tags;
pub mod tree;
pub mod vcs_info;
pub mod verdict;

mod run;

use std::path::PathBuf;

pub use git::GitLimits;
pub use report::Report;
pub use run::{Options, Verifier};
pub use verdict::{CrateReport, Evidence, EvidenceKind, Verdict};

/// Why a crate could not be verified at all (as opposed to a verdict); each names its subject.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("{}: not a readable package: {reason}", path.display())]
    BadCrate { path: PathBuf, reason: String },
    #[error("{}: checksum {actual} is not the {expected} the lock file records", path.display())]
    ChecksumMismatch {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    #[error("{krate}: cannot get the .crate through cargo: {reason}")]
    Fetch { krate: String, reason: String },
    #[error("{}: {reason}", path.display())]
    BadLockfile { path: PathBuf, reason: String },
}
