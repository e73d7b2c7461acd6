//! Source excerpts for the report: a span's file found on this machine (docs/schema.md,
//! "Paths": relative to the package root, or under `$CARGO_REGISTRY`, `$CARGO_GIT`,
//! `$RUST_SRC`), read once, and the lines around the span kept per file, so that ops close to
//! each other share their lines.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use painter_schema::Span;

/// Lines of context above and below a span; a long span is cut to [`MAX_LINES`].
pub const CONTEXT: u32 = 2;
pub const MAX_LINES: u32 = 14;

/// Where the named roots are on this machine.
#[derive(Debug, Clone, Default)]
pub struct SourceRoots {
    pub cargo_home: Option<PathBuf>,
    /// `<sysroot>/lib/rustlib/src/rust` of the graph's toolchain.
    pub rust_src: Option<PathBuf>,
}

impl SourceRoots {
    /// `CARGO_HOME`, else `~/.cargo`; `$RUST_SRC` left unknown.
    pub fn from_env() -> SourceRoots {
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
        SourceRoots {
            cargo_home,
            rust_src: None,
        }
    }

    /// A directory or file path of the graph as a path of this machine.
    pub fn resolve(&self, path: &str) -> Option<PathBuf> {
        let under = |root: &Option<PathBuf>, sub: &str, rest: &str| {
            root.as_ref().map(|r| r.join(sub).join(rest))
        };
        if let Some(rest) = path.strip_prefix("$CARGO_REGISTRY/") {
            return under(&self.cargo_home, "registry/src", rest);
        }
        if let Some(rest) = path.strip_prefix("$CARGO_GIT/") {
            return under(&self.cargo_home, "git/checkouts", rest);
        }
        if let Some(rest) = path.strip_prefix("$RUST_SRC/") {
            return under(&self.rust_src, "", rest);
        }
        let p = PathBuf::from(path);
        p.is_absolute().then_some(p)
    }
}

/// The lines kept of each file of one crate: `file → line number → text`.
#[derive(Default)]
pub struct Excerpts<'r> {
    roots: Option<&'r SourceRoots>,
    texts: HashMap<PathBuf, Option<Vec<String>>>,
    pub kept: BTreeMap<String, BTreeMap<u32, String>>,
}

impl<'r> Excerpts<'r> {
    pub fn new(roots: &'r SourceRoots) -> Self {
        Excerpts {
            roots: Some(roots),
            ..Excerpts::default()
        }
    }

    /// Keep the lines around `span` of a crate whose package root is `dir`; whether the file
    /// was found.
    pub fn keep(&mut self, dir: Option<&str>, span: &Span) -> bool {
        let Some(roots) = self.roots else {
            return false;
        };
        let file = if span.outside_package() {
            roots.resolve(&span.file)
        } else {
            dir.and_then(|d| roots.resolve(d))
                .map(|d| d.join(&*span.file))
        };
        let Some(file) = file else {
            return false;
        };
        let text = self.texts.entry(file.clone()).or_insert_with(|| {
            std::fs::read_to_string(&file)
                .ok()
                .map(|t| t.lines().map(str::to_string).collect())
        });
        let Some(lines) = text else {
            return false;
        };
        let first = span.line.saturating_sub(CONTEXT).max(1);
        let last = span.end_line.max(span.line) + CONTEXT;
        let last = last.min(first + MAX_LINES - 1).min(lines.len() as u32);
        let kept = self.kept.entry(span.file.to_string()).or_default();
        for n in first..=last {
            kept.entry(n)
                .or_insert_with(|| lines[(n - 1) as usize].clone());
        }
        true
    }
}
