//! The command line of `cargo painter` (clap derive): the default analyse command with the
//! cargo flags it passes on, and the subcommands of DESIGN.md §5.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use painter_schema::Emit;

use crate::configurations::ConfigSpec;

#[derive(Debug, Parser)]
#[command(
    name = "cargo painter",
    bin_name = "cargo painter",
    version,
    about = "Analyse the unsafe code, call graph and FFI edges of a cargo project and all its \
             dependencies",
    long_about = None,
    args_conflicts_with_subcommands = true,
    after_help = "Without a subcommand, runs `cargo check` through painter-driver, collects one \
                  graph file per crate into <out>/crates/, links them into <out>/graph.json and \
                  prints a summary."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub analyse: AnalyseArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Merge per-crate files, directories of them and linked graphs into one graph
    Link(LinkArgs),
    /// Print the summary of a graph
    Stats(StatsArgs),
    /// Print call paths from functions matching a pattern to unsafe code, FFI or other functions
    Path(PathArgs),
    /// Convert a graph for other tools
    Export(ExportArgs),
    /// Analyse a list of crates from crates.io in isolation
    Ecosystem(EcosystemArgs),
}

/// The default command: analyse the build and link the result.
#[derive(Debug, Clone, Default, Args)]
pub struct AnalyseArgs {
    #[command(flatten)]
    pub cargo: CargoFlags,
    /// Directory for crates/ and graph.json [default: <target-dir>/painter]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also report these facts as compiler notes at their spans
    #[arg(long, value_name = "FACTS", value_delimiter = ',')]
    pub emit: Vec<EmitArg>,
    /// Analyse in several configurations and merge them, each fact tagged with where it holds:
    /// NAME=FLAGS (FLAGS: --features/-F, --all-features, --no-default-features, --target), or
    /// one of default, all-features, no-default-features. Repeatable
    #[arg(
        long = "configuration",
        value_name = "NAME=FLAGS",
        value_parser = crate::configurations::parse
    )]
    pub configurations: Vec<ConfigSpec>,
    /// Debug switch: make the analysis of this crate panic
    #[arg(long, value_name = "CRATE", hide = true)]
    pub force_panic_in: Option<String>,
}

/// Cargo's own flags, passed to `cargo check` unchanged (see `cargo_check::cargo_args`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct CargoFlags {
    /// Path to Cargo.toml
    #[arg(long, value_name = "PATH", help_heading = "Manifest Options")]
    pub manifest_path: Option<PathBuf>,
    /// Assert that `Cargo.lock` will remain unchanged
    #[arg(long, help_heading = "Manifest Options")]
    pub locked: bool,
    /// Run without accessing the network
    #[arg(long, help_heading = "Manifest Options")]
    pub offline: bool,
    /// Equivalent to specifying both --locked and --offline
    #[arg(long, help_heading = "Manifest Options")]
    pub frozen: bool,

    /// Package(s) to analyse
    #[arg(
        short = 'p',
        long = "package",
        value_name = "SPEC",
        help_heading = "Package Selection"
    )]
    pub packages: Vec<String>,
    /// Analyse all packages in the workspace
    #[arg(long, alias = "all", help_heading = "Package Selection")]
    pub workspace: bool,
    /// Exclude packages from the analysis
    #[arg(long, value_name = "SPEC", help_heading = "Package Selection")]
    pub exclude: Vec<String>,

    /// Analyse only this package's library
    #[arg(long, help_heading = "Target Selection")]
    pub lib: bool,
    /// Analyse all binaries
    #[arg(long, help_heading = "Target Selection")]
    pub bins: bool,
    /// Analyse all targets (tests, benches and examples too)
    #[arg(long, help_heading = "Target Selection")]
    pub all_targets: bool,

    /// Space or comma separated list of features to activate
    #[arg(
        short = 'F',
        long,
        value_name = "FEATURES",
        help_heading = "Feature Selection"
    )]
    pub features: Vec<String>,
    /// Activate all available features
    #[arg(long, help_heading = "Feature Selection")]
    pub all_features: bool,
    /// Do not activate the `default` feature
    #[arg(long, help_heading = "Feature Selection")]
    pub no_default_features: bool,

    /// Analyse for the target triple
    #[arg(long, value_name = "TRIPLE", help_heading = "Compilation Options")]
    pub target: Vec<String>,
    /// Analyse artifacts in release mode
    #[arg(
        short = 'r',
        long,
        conflicts_with = "profile",
        help_heading = "Compilation Options"
    )]
    pub release: bool,
    /// Analyse artifacts with the specified profile
    #[arg(
        long,
        value_name = "PROFILE-NAME",
        help_heading = "Compilation Options"
    )]
    pub profile: Option<String>,
    /// Number of parallel jobs
    #[arg(
        short = 'j',
        long,
        value_name = "N",
        allow_negative_numbers = true,
        help_heading = "Compilation Options"
    )]
    pub jobs: Option<String>,
    /// The user's target directory (painter builds in <DIR>/painter) [default: cargo's]
    #[arg(long, value_name = "DIR", help_heading = "Compilation Options")]
    pub target_dir: Option<PathBuf>,

    /// Use verbose output (-vv very verbose)
    #[arg(short = 'v', long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Do not print cargo log messages
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Coloring: auto, always, never
    #[arg(long, value_name = "WHEN")]
    pub color: Option<String>,
    /// Override a cargo configuration value
    #[arg(long = "config", value_name = "KEY=VALUE|PATH")]
    pub config: Vec<String>,
}

/// `--emit` values (kebab-case on the command line, snake_case in `PAINTER_ARGS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EmitArg {
    UnsafeOps,
    Calls,
    Ffi,
    Declarations,
}

impl From<EmitArg> for Emit {
    fn from(e: EmitArg) -> Emit {
        match e {
            EmitArg::UnsafeOps => Emit::UnsafeOps,
            EmitArg::Calls => Emit::Calls,
            EmitArg::Ffi => Emit::Ffi,
            EmitArg::Declarations => Emit::Declarations,
        }
    }
}

#[derive(Debug, Args)]
pub struct LinkArgs {
    /// Per-crate graph files, directories holding them, or linked graphs
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Where to write the linked graph
    #[arg(short = 'o', long = "output", value_name = "GRAPH")]
    pub output: PathBuf,
    /// Link the readable inputs and list the others instead of stopping at the first bad one
    #[arg(long)]
    pub keep_going: bool,
    #[command(flatten)]
    pub prune: PruneArgs,
}

/// Pruning options shared by `link` and `export` (painter_linker::prune).
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
    /// A linked graph (or a per-crate file)
    #[arg(value_name = "GRAPH")]
    pub graph: PathBuf,
    #[arg(long, value_enum, default_value_t = StatsFormat::Table)]
    pub format: StatsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct PathArgs {
    /// A linked graph (or a per-crate file)
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
    /// A linked graph (or a per-crate file)
    #[arg(value_name = "GRAPH")]
    pub graph: PathBuf,
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Output file (a directory for neo4j)
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
}

#[derive(Debug, Clone, Args)]
#[command(
    after_help = "The list has one crate per line: `name` (the latest version), \
                        `name@1.2.3`, then optional `features=a,b`, `no-default-features`, \
                        `all-features`, or `path=DIR` for a local crate; `#` starts a comment. \
                        See docs/ecosystem.md."
)]
pub struct EcosystemArgs {
    /// File listing the crates to analyse
    #[arg(long, value_name = "FILE")]
    pub crates: PathBuf,
    /// Output directory: results/, logs/, crates/, graph.json, report.md, report.json
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Crates analysed in parallel [default: 1]
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Analyse only shard K of N (1-based); `cargo painter link` merges the shards' crates/
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(u32, u32)>,
    /// Analyse again the crates whose earlier result is not `ok`
    #[arg(long)]
    pub retry_failed: bool,
    /// Run the crates' build scripts and proc-macros WITHOUT the sandbox (no network
    /// isolation, full access to your files): only for trusted lists or machines without
    /// bubblewrap
    #[arg(long)]
    pub no_sandbox: bool,
    /// Wall-time limit per crate, in seconds
    #[arg(long, value_name = "SECS", default_value_t = 900)]
    pub timeout: u64,
    /// Address-space limit per build process (RLIMIT_AS), in MiB; 0 for none
    #[arg(long, value_name = "MIB", default_value_t = 8192)]
    pub memory_limit: u64,
    /// Processes and threads per crate's build (cgroup pids.max, else RLIMIT_NPROC); 0 for none
    #[arg(long, value_name = "N", default_value_t = 2048)]
    pub max_procs: u64,
    /// Disk one crate's build may add to its target directory and /tmp, in MiB; 0 for none
    #[arg(long, value_name = "MIB", default_value_t = 10240)]
    pub max_target_size: u64,
    /// Resolve and fetch only from what the cargo home already holds
    #[arg(long)]
    pub offline: bool,
    /// Only resolve and download the crates (e.g. on a machine with network, before an
    /// --offline run); nothing is built and no results are written
    #[arg(long)]
    pub fetch_only: bool,
    /// Private CARGO_HOME for the fetched registry [default: <out>/work/cargo-home]
    #[arg(long, value_name = "DIR")]
    pub cargo_home: Option<PathBuf>,
}

fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let err = || format!("`{s}` is not K/N with 1 <= K <= N");
    let (k, n) = s.split_once('/').ok_or_else(err)?;
    let (k, n) = (
        k.parse::<u32>().map_err(|_| err())?,
        n.parse::<u32>().map_err(|_| err())?,
    );
    if k == 0 || k > n {
        return Err(err());
    }
    Ok((k, n))
}

/// Drop the `painter` that cargo inserts when it runs us as `cargo-painter painter ARGS`, so
/// `cargo painter ARGS` and `cargo-painter ARGS` parse the same.
pub fn normalize_args(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    if args.get(1).is_some_and(|a| a == "painter") {
        args.remove(1);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Cli {
        let args = normalize_args(args.iter().map(Into::into).collect());
        Cli::try_parse_from(args).unwrap()
    }

    #[test]
    fn cargo_inserted_subcommand_name_is_dropped() {
        let cli = parse(&["cargo-painter", "painter", "-p", "foo"]);
        assert!(cli.command.is_none());
        assert_eq!(cli.analyse.cargo.packages, ["foo"]);
        let cli = parse(&["cargo-painter", "-p", "foo"]);
        assert_eq!(cli.analyse.cargo.packages, ["foo"]);
    }

    #[test]
    fn subcommands_parse() {
        let cli = parse(&["cargo-painter", "painter", "link", "a", "b", "-o", "g.json"]);
        let Some(Command::Link(link)) = cli.command else {
            panic!()
        };
        assert_eq!(link.inputs.len(), 2);
        assert!(!link.keep_going);
        let cli = parse(&[
            "cargo-painter",
            "ecosystem",
            "--crates",
            "c",
            "--out",
            "o",
            "--shard",
            "2/8",
        ]);
        let Some(Command::Ecosystem(eco)) = cli.command else {
            panic!()
        };
        assert_eq!(eco.shard, Some((2, 8)));
        assert!(parse_shard("0/3").is_err() && parse_shard("4/3").is_err());
    }

    #[test]
    fn path_export_and_pruning_flags() {
        let cli = parse(&[
            "cargo-painter",
            "path",
            "g.json",
            "--from",
            "a::main",
            "--to",
            "ffi",
            "--candidates",
            "--max-paths",
            "3",
        ]);
        let Some(Command::Path(path)) = cli.command else {
            panic!()
        };
        assert!(path.candidates);
        assert_eq!((path.max_paths, path.max_depth), (3, 12));
        assert_eq!(path.format, PathFormat::Text);
        let cli = parse(&[
            "cargo-painter",
            "link",
            "crates",
            "-o",
            "g.json",
            "--root",
            "a::f",
            "--root",
            "b::g",
            "--root-depth",
            "4",
            "--collapse-std",
            "--drop-candidates",
        ]);
        let Some(Command::Link(link)) = cli.command else {
            panic!()
        };
        assert_eq!(link.prune.roots, ["a::f", "b::g"]);
        assert_eq!(link.prune.root_depth, Some(4));
        assert!(link.prune.collapse_std && link.prune.drop_candidates);
        let cli = parse(&[
            "cargo-painter",
            "export",
            "g.json",
            "--format",
            "dot",
            "-o",
            "x.dot",
            "--from",
            "m",
            "--to",
            "unsafe",
        ]);
        let Some(Command::Export(export)) = cli.command else {
            panic!()
        };
        assert_eq!(export.format, ExportFormat::Dot);
        assert_eq!(export.to.as_deref(), Some("unsafe"));
        // --to needs --from.
        let args = [
            "cargo-painter",
            "export",
            "g",
            "--format",
            "dot",
            "-o",
            "x",
            "--to",
            "ffi",
        ];
        assert!(Cli::try_parse_from(args).is_err());
    }

    #[test]
    fn emit_and_hidden_flags() {
        let cli = parse(&[
            "cargo-painter",
            "--emit",
            "unsafe-ops,calls",
            "--force-panic-in",
            "x",
        ]);
        assert_eq!(cli.analyse.emit, [EmitArg::UnsafeOps, EmitArg::Calls]);
        assert_eq!(cli.analyse.force_panic_in.as_deref(), Some("x"));
    }

    #[test]
    fn cargo_flags_and_subcommand_conflict() {
        let args = ["cargo-painter", "-p", "foo", "stats", "g.json"];
        assert!(Cli::try_parse_from(args).is_err());
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
