//! The arguments of `cargo painter diff` and `cargo painter report` (docs/review.md).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use painter_review::DenyRule;

use super::CargoFlags;

#[derive(Debug, Args)]
#[command(
    after_help = "Each side is a linked graph or dataset, a Cargo.lock (the workspace \
    analysed with that lock), `rev:REV` (the workspace at a git revision, analysed in a \
    worktree), `crate:NAME@VERSION` (a crates.io crate, analysed as `ecosystem` does) or \
    `workspace` (the workspace as it is). With OLD only, NEW is the workspace. Exit status: 1 \
    when a --deny rule finds a change (or on an error). See docs/review.md."
)]
pub struct DiffArgs {
    #[command(flatten)]
    pub cargo: CargoFlags,
    /// The old side
    #[arg(value_name = "OLD", required_unless_present_any = ["rev", "krate"])]
    pub old: Option<String>,
    /// The new side [default: the workspace]
    #[arg(value_name = "NEW")]
    pub new: Option<String>,
    /// Compare the workspace at REV with the workspace as it is (REV..REV2: two revisions)
    #[arg(long, value_name = "REV[..REV2]", conflicts_with_all = ["old", "krate"])]
    pub rev: Option<String>,
    /// Compare two versions of a crates.io crate: NAME@V1..V2
    #[arg(long = "crate", value_name = "NAME@V1..V2", conflicts_with = "old")]
    pub krate: Option<String>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
    /// Fail (exit status 1) when the diff has a change of these kinds
    #[arg(long, value_name = "RULES", value_delimiter = ',', value_parser = DenyRule::parse)]
    pub deny: Vec<DenyRule>,
    /// Write the report to FILE instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write the HTML report of the new side with this diff's page into DIR
    #[arg(long, value_name = "DIR")]
    pub html: Option<PathBuf>,
    /// Markdown and SARIF: link workspace files to URL/<path>#L<line> (e.g. a repository's
    /// blob URL at a commit)
    #[arg(long, value_name = "URL")]
    pub link_base: Option<String>,
    /// Where the sides' analyses go [default: <target-dir>/painter/diff]
    #[arg(long, value_name = "DIR")]
    pub work_dir: Option<PathBuf>,
    /// `crate:` sides: build WITHOUT the ecosystem sandbox (see `ecosystem --no-sandbox`)
    #[arg(long)]
    pub no_sandbox: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Table,
    Json,
    /// Short enough for a pull-request comment, with links to the spans
    Markdown,
    /// SARIF 2.1.0 of the added items (GitHub code scanning)
    Sarif,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub cargo: CargoFlags,
    /// Write the HTML report into DIR (created; files of an earlier report are replaced)
    #[arg(long, value_name = "DIR")]
    pub html: PathBuf,
    /// The linked graph or dataset to report on [default: analyse the workspace]
    #[arg(value_name = "GRAPH")]
    pub graph: Option<PathBuf>,
    /// Add a diff page: the changes from OLD to NEW (graphs or datasets; NEW defaults to GRAPH)
    #[arg(long, value_names = ["OLD", "NEW"], num_args = 1..=2)]
    pub diff: Vec<PathBuf>,
}
