//! Links from a span to its source: docs.rs's source view for crates.io packages, and
//! `--link-base` (e.g. a repository's blob URL at a commit) for the workspace's files.

use std::path::{Path, PathBuf};

use painter_schema::Span;

use crate::diff::crates::version;

/// Where links point.
#[derive(Debug, Clone, Default)]
pub struct LinkOptions {
    /// Prefix for files under `root`: `https://github.com/o/r/blob/<sha>`.
    pub base: Option<String>,
    /// The directory `base` stands for (default: the deepest one holding every workspace crate).
    pub root: Option<PathBuf>,
}

/// A URL for `span` of the crate `key` whose package root is `dir`, when one can be made.
pub fn url(options: &LinkOptions, key: &str, dir: Option<&str>, span: &Span) -> Option<String> {
    let dir = dir?;
    if span.outside_package() {
        return None;
    }
    if dir.starts_with("$CARGO_REGISTRY/") {
        let package = key.split('@').next()?;
        return Some(format!(
            "https://docs.rs/crate/{package}/{}/source/{}#{}",
            version(key),
            span.file,
            span.line
        ));
    }
    let base = options.base.as_deref()?.trim_end_matches('/');
    let root = options.root.as_deref()?;
    let relative = Path::new(dir).join(&*span.file);
    let relative = relative.strip_prefix(root).ok()?;
    Some(format!(
        "{base}/{}#L{}",
        painter_export::sarif::uri_path(relative),
        span.line
    ))
}
