//! painter-audit: which RustSec advisories of a linked graph's packages the workspace's code
//! actually reaches, with the call path that proves it (`cargo painter audit`,
//! docs/audit.md).
//!
//! The steps, one module each: read the advisory database ([`db`]); match the graph's packages
//! (exact versions, target OS/arch) against it ([`packages`]); map each advisory function path
//! to the graph's functions ([`functions`]); search the call graph from the roots ([`verdict`]);
//! assemble the [`report::Report`] ([`audit`]); render it as a table ([`table`]) or SARIF
//! ([`sarif`]); apply the ignore list ([`ignore`]). Reachability itself is painter-query's.
//!
//! ```no_run
//! # fn show(graph: &painter_schema::LinkedGraph) -> Result<(), painter_audit::AuditError> {
//! use painter_audit::{AuditOptions, Roots, audit, db};
//! let database = db::open(std::path::Path::new("advisory-db"))?;
//! let report = audit(graph, &database, &AuditOptions { roots: Roots::Workspace, ..Default::default() })?;
//! print!("{}", painter_audit::table::render(&report));
//! # Ok(()) }
//! ```

pub mod db;
pub mod fetch;
pub mod functions;
pub mod ignore;
pub mod packages;
pub mod report;
pub mod sarif;
pub mod table;
pub mod verdict;

mod run;

use std::path::PathBuf;

pub use ignore::Ignore;
pub use report::{Finding, Report, Verdict};
pub use run::{AuditOptions, Roots, audit, workspace_root};

/// Why an audit could not be made; each variant names what it is about.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("advisory database {}: no such directory{hint}", path.display())]
    MissingDatabase { path: PathBuf, hint: String },
    #[error("advisory database {}: not a RustSec advisory database (no `crates/` directory)", path.display())]
    NotADatabase { path: PathBuf },
    #[error("advisory database {}: {source}", path.display())]
    BrokenDatabase {
        path: PathBuf,
        source: rustsec::Error,
    },
    #[error("advisory database {}: cannot fetch {url}: {reason}", path.display())]
    FetchFailed {
        path: PathBuf,
        url: String,
        reason: String,
    },
    #[error("no function of the graph matches the root `{0}`")]
    NoSuchRoot(String),
    #[error("no workspace crate of the graph is named `{0}` (--root-public-api)")]
    NoSuchCrate(String),
    #[error("the graph has no workspace (primary) crate to start from; give --root PATTERN")]
    NoWorkspace,
    #[error("ignore list {}: {message}", path.display())]
    BadIgnoreList { path: PathBuf, message: String },
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("lock file {}: {source}", path.display())]
    BadLockFile {
        path: PathBuf,
        source: rustsec::cargo_lock::Error,
    },
}
