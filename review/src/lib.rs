//! painter-review: the answers a reviewer of unsafe code needs, on top of painter-query.
//!
//! - [`diff`]: what changed between two linked graphs (two revisions of a workspace, two lock
//!   files, two versions of a crate): unsafe operations matched by function, kind, callee and
//!   position rather than by line, declarations, the FFI boundary, crates that came or went,
//!   and what the workspace newly reaches. [`render`] prints it as a table, Markdown (a
//!   pull-request comment) or SARIF; [`deny`] turns it into an exit status for CI.
//! - [`html`]: the static, self-contained HTML report of a graph (overview, a page per crate,
//!   paths, search, and a diff page when given a diff).
//!
//! Reachability and figures are painter-query's; nothing here searches a graph itself.

pub mod deny;
pub mod diff;
pub mod html;
pub mod render;

pub use deny::{Deny, DenyRule};
pub use diff::{Diff, DiffOptions, diff};

/// Why a report could not be written; each variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("{}: cannot write: {source}", path.display())]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("{}: cannot encode: {source}", path.display())]
    Json {
        path: std::path::PathBuf,
        source: serde_json::Error,
    },
}
