//! The linker's error type: every failure names the file (or input) it is about.

use std::path::PathBuf;

pub use painter_schema::LoadError;

/// Why [`crate::link`] or [`crate::write_graph`] failed.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// An input could not be read or parsed (wrong `schema_version`, corrupt, truncated, not ours).
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The inputs named no graph file at all (e.g. an empty directory): almost always a wrong
    /// path, so it is an error rather than an empty graph.
    #[error("no graph files (*.json) found in {}", display_paths(.inputs))]
    NoInputs { inputs: Vec<PathBuf> },
    /// Every input was bad (with `keep_going`): an empty graph would look like a project
    /// without crates, so it is an error naming the files.
    #[error("no usable input: every graph file was skipped ({})", display_paths(.skipped))]
    NothingUsable { skipped: Vec<PathBuf> },
    /// Writing the linked graph failed.
    #[error("{path}: cannot write graph: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn display_paths(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    names.join(", ")
}
