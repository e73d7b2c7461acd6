//! The command line of `cargo painter` (clap derive): the default analyse command with the
//! cargo flags it passes on, and the subcommands (docs/cli.md). Parsing only: each command's
//! module does the work.

mod audit;
mod cargo_flags;
pub mod configurations;
mod ecosystem;
mod graph_commands;
mod review;
mod verify;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use painter_schema::Emit;

pub use audit::{AuditArgs, AuditFormat};
pub use cargo_flags::CargoFlags;
pub use configurations::ConfigSpec;
pub use ecosystem::{DEFAULT_FETCH_RETRIES, EcosystemArgs};
pub use graph_commands::*;
pub use review::{DiffArgs, DiffFormat, ReportArgs};
pub use verify::{VerifyArgs, VerifyFormat, denied_verdicts};

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
                  graph file per crate into <out>/crates/, links them into the dataset <out>/graph/ and \
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
    /// Check the project's packages against the RustSec advisories and say whether its code
    /// reaches each vulnerable function
    Audit(Box<AuditArgs>),
    /// Check that published crates are built from the repository they name: compare each
    /// .crate with the commit of its .cargo_vcs_info.json
    Verify(VerifyArgs),
    /// Query a dataset out of core with the embedded SQL engine: figures, reachability,
    /// paths, plain SQL (runs painter-sql; `cargo painter sql --help`)
    #[command(disable_help_flag = true, disable_version_flag = true)]
    Sql(SqlArgs),
    /// What changed in unsafe code, declarations, FFI and reachability between two graphs,
    /// revisions, lock files or crate versions
    Diff(Box<DiffArgs>),
    /// Write the static HTML report of a graph (or of the workspace)
    Report(Box<ReportArgs>),
}

/// `cargo painter sql ARGS…`: everything goes to painter-sql as it is.
#[derive(Debug, Args)]
pub struct SqlArgs {
    /// DATASET COMMAND [OPTIONS] (see `cargo painter sql --help`)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0..)]
    pub args: Vec<std::ffi::OsString>,
}

/// The default command: analyse the build and link the result.
#[derive(Debug, Clone, Default, Args)]
pub struct AnalyseArgs {
    #[command(flatten)]
    pub cargo: CargoFlags,
    /// Directory for crates/ and the graph/ dataset [default: <target-dir>/painter]
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
        value_parser = configurations::parse
    )]
    pub configurations: Vec<ConfigSpec>,
    /// Every column of the summary table, whatever the terminal's width
    #[arg(long)]
    pub wide: bool,
    /// Also write the HTML report of the linked graph into DIR
    #[arg(long, value_name = "DIR")]
    pub html: Option<PathBuf>,
    /// Link across crates now, so that the dataset is complete for SQL engines and dataframes
    /// [default: the first `cargo painter` command that reads it links it]
    #[arg(long)]
    pub link: bool,
    /// Debug switch: make the analysis of this crate panic
    #[arg(long, value_name = "CRATE", hide = true)]
    pub force_panic_in: Option<String>,
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
    fn sql_passes_every_argument_on() {
        let cli = parse(&["cargo-painter", "painter", "sql", "--help"]);
        let Some(Command::Sql(sql)) = cli.command else {
            panic!()
        };
        assert_eq!(sql.args, ["--help"]);
        let cli = parse(&[
            "cargo-painter",
            "sql",
            "g",
            "--memory-limit",
            "3G",
            "figures",
        ]);
        let Some(Command::Sql(sql)) = cli.command else {
            panic!()
        };
        assert_eq!(sql.args, ["g", "--memory-limit", "3G", "figures"]);
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
        assert!(ecosystem::parse_shard("0/3").is_err() && ecosystem::parse_shard("4/3").is_err());
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
    fn audit_flags() {
        let cli = parse(&[
            "cargo-painter",
            "painter",
            "audit",
            "--locked",
            "-p",
            "a",
            "--db",
            "db",
            "--root",
            "a::f",
            "--deny",
            "candidates",
            "--ignore",
            "RUSTSEC-2021-0003=checked",
            "--format",
            "sarif",
        ]);
        let Some(Command::Audit(audit)) = cli.command else {
            panic!()
        };
        assert!(audit.cargo.locked && audit.cargo.packages == ["a"]);
        assert_eq!(audit.roots, ["a::f"]);
        assert_eq!(audit.deny, audit::DenyArg::Candidates);
        assert_eq!(audit.ignore[0].reason, "checked");
        assert_eq!(audit.format, AuditFormat::Sarif);
        assert!(audit.root_public_api.is_none() && audit.graph.is_none());
        // `--root-public-api` alone: every workspace crate; `=CRATE`: that one.
        let cli = parse(&["cargo-painter", "audit", "--root-public-api"]);
        let Some(Command::Audit(audit)) = cli.command else {
            panic!()
        };
        assert_eq!(audit.root_public_api.as_deref(), Some(&[String::new()][..]));
        assert_eq!(audit.deny, audit::DenyArg::Reachable);
        let cli = parse(&["cargo-painter", "audit", "--root-public-api=m-a"]);
        let Some(Command::Audit(audit)) = cli.command else {
            panic!()
        };
        assert_eq!(
            audit.root_public_api.as_deref(),
            Some(&["m-a".to_string()][..])
        );
        // Roots are patterns or the public API, not both; ids are checked.
        let both = ["cargo-painter", "audit", "--root", "x", "--root-public-api"];
        assert!(Cli::try_parse_from(both).is_err());
        let bad = ["cargo-painter", "audit", "--ignore", "smallvec"];
        assert!(Cli::try_parse_from(bad).is_err());
    }

    #[test]
    fn verify_flags() {
        let cli = parse(&[
            "cargo-painter",
            "painter",
            "verify",
            "itoa@1.0.15",
            "serde@1.0.219",
            "--deny",
            "commit-not-found,dirty-publish",
            "--format",
            "sarif",
        ]);
        let Some(Command::Verify(v)) = cli.command else {
            panic!()
        };
        assert_eq!(v.crates[0], ("itoa".to_string(), "1.0.15".to_string()));
        assert_eq!(v.format, VerifyFormat::Sarif);
        use painter_verify::Verdict;
        assert_eq!(
            denied_verdicts(&v.deny),
            [Verdict::CommitNotFound, Verdict::DirtyPublish]
        );
        let cli = parse(&["cargo-painter", "verify", "--lockfile", "Cargo.lock"]);
        let Some(Command::Verify(v)) = cli.command else {
            panic!()
        };
        assert_eq!(
            denied_verdicts(&v.deny),
            [Verdict::FilesDiffer, Verdict::RepositoryDoesNotContainCrate]
        );
        let cli = parse(&["cargo-painter", "verify", "--deny", "unverified", "a@1"]);
        let Some(Command::Verify(v)) = cli.command else {
            panic!()
        };
        assert_eq!(denied_verdicts(&v.deny).len(), 7);
        assert!(Cli::try_parse_from(["cargo-painter", "verify", "itoa"]).is_err());
        assert!(Cli::try_parse_from(["cargo-painter", "verify", "--deny", "bad", "a@1"]).is_err());
    }

    #[test]
    fn diff_and_report_flags() {
        let cli = parse(&[
            "cargo-painter",
            "diff",
            "old",
            "new",
            "--format",
            "markdown",
            "--deny",
            "new-unsafe,new-ffi",
            "--link-base",
            "https://x/blob/abc",
        ]);
        let Some(Command::Diff(diff)) = cli.command else {
            panic!()
        };
        assert_eq!(
            (diff.old.as_deref(), diff.new.as_deref()),
            (Some("old"), Some("new"))
        );
        assert_eq!(diff.format, DiffFormat::Markdown);
        assert_eq!(
            diff.deny,
            [
                painter_review::DenyRule::NewUnsafe,
                painter_review::DenyRule::NewFfi
            ]
        );
        let cli = parse(&[
            "cargo-painter",
            "diff",
            "--rev",
            "main",
            "--deny",
            "new-unsafe-impl",
        ]);
        let Some(Command::Diff(diff)) = cli.command else {
            panic!()
        };
        assert_eq!(diff.rev.as_deref(), Some("main"));
        assert!(
            Cli::try_parse_from(["cargo-painter", "diff"]).is_err(),
            "needs sides"
        );
        assert!(Cli::try_parse_from(["cargo-painter", "diff", "a", "--deny", "new-x"]).is_err());
        let cli = parse(&[
            "cargo-painter",
            "report",
            "--html",
            "out",
            "g",
            "--diff",
            "a",
            "b",
        ]);
        let Some(Command::Report(report)) = cli.command else {
            panic!()
        };
        assert_eq!(report.diff.len(), 2);
        let cli = parse(&["cargo-painter", "--html", "site", "-p", "x"]);
        assert_eq!(
            cli.analyse.html.as_deref(),
            Some(std::path::Path::new("site"))
        );
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
