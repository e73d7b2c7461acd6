//! The arguments of the subcommands that work on graph files: `link`, `stats`, `path`,
//! `export`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
pub struct LinkArgs {
    /// Per-crate graph files, directories holding them, linked graphs or datasets (directories)
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Where to write the linked graph: a dataset directory, or one JSON document when the
    /// name ends in `.json`
    #[arg(short = 'o', long = "output", value_name = "GRAPH")]
    pub output: PathBuf,
    /// Link the readable inputs and list the others instead of stopping at the first bad one
    #[arg(long)]
    pub keep_going: bool,
    #[command(flatten)]
    pub prune: PruneArgs,
}

/// Pruning options shared by `link` and `export` (painter_query::prune).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Pruning")]
pub struct PruneArgs {
    /// Fold the internals of std/core/alloc (when analysed) into their public entry points
    #[arg(long)]
    pub collapse_std: bool,
    /// Keep only what these functions reach (path, path pattern or id; repeatable)
    #[arg(long = "root", value_name = "PATTERN")]
    pub roots: Vec<String>,
    /// Keep only what the public functions of this crate reach (name, package or key; repeatable)
    #[arg(long = "root-public-api", value_name = "CRATE")]
    pub root_public_api: Vec<String>,
    /// Keep only what the `main` functions of binaries and workspace crates reach
    #[arg(long)]
    pub root_main: bool,
    /// With roots: keep only functions at most N calls from a root
    #[arg(long, value_name = "N")]
    pub root_depth: Option<u32>,
    /// Drop candidate edges (possible targets of dyn, fn-pointer and generic calls)
    #[arg(long)]
    pub drop_candidates: bool,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// A linked graph, a dataset directory (or a per-crate file)
    #[arg(value_name = "GRAPH")]
    pub graph: PathBuf,
    #[arg(long, value_enum, default_value_t = StatsFormat::Table)]
    pub format: StatsFormat,
    /// Every column of the table, whatever the terminal's width
    #[arg(long)]
    pub wide: bool,
    /// Which crates the figures count: all of the graph, or only its primary crates
    /// (workspace members; an ecosystem list's entries)
    #[arg(long, value_enum, default_value_t = StatsCrates::All)]
    pub crates: StatsCrates,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsCrates {
    All,
    Primary,
}

#[derive(Debug, Args)]
pub struct PathArgs {
    /// A linked graph, a dataset directory (or a per-crate file)
    #[arg(value_name = "GRAPH")]
    pub graph: PathBuf,
    /// Start functions: an exact path, else every path containing PATTERN, or an id
    #[arg(long, value_name = "PATTERN")]
    pub from: String,
    /// `unsafe` (a body with unsafe ops), `ffi` (a foreign function) or a path pattern
    #[arg(long, value_name = "unsafe|ffi|PATTERN")]
    pub to: String,
    /// Also follow candidate edges (possible targets of dyn, fn-pointer and generic calls)
    #[arg(long)]
    pub candidates: bool,
    /// Print at most N paths
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub max_paths: usize,
    /// Only paths of at most N calls
    #[arg(long, value_name = "N", default_value_t = 12)]
    pub max_depth: u32,
    #[arg(long, value_enum, default_value_t = PathFormat::Text)]
    pub format: PathFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PathFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// A linked graph, a dataset directory (or a per-crate file)
    #[arg(value_name = "GRAPH")]
    pub graph: PathBuf,
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Output file (a directory for neo4j and parquet)
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: PathBuf,
    /// dot: draw only these functions and what they reach (see --to, --max-depth)
    #[arg(long, value_name = "PATTERN")]
    pub from: Option<String>,
    /// dot: draw only the call paths from --from to `unsafe`, `ffi` or matching functions
    #[arg(long, value_name = "unsafe|ffi|PATTERN", requires = "from")]
    pub to: Option<String>,
    /// dot: at most N paths [default: 10]
    #[arg(long, value_name = "N")]
    pub max_paths: Option<usize>,
    /// dot: paths of at most N calls [default: 12], or N calls around --from without --to [default: 2]
    #[arg(long, value_name = "N")]
    pub max_depth: Option<u32>,
    /// graphml, dot, neo4j, sqlite: include candidate edges (marked as such)
    #[arg(long)]
    pub candidates: bool,
    /// sarif: make locations relative to DIR [default: the directory holding every workspace crate]
    #[arg(long, value_name = "DIR")]
    pub source_root: Option<PathBuf>,
    #[command(flatten)]
    pub prune: PruneArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Graphml,
    Dot,
    Neo4j,
    Sqlite,
    Sarif,
    /// The columnar dataset: a directory of Parquet tables and a manifest (docs/schema.md)
    Parquet,
}
