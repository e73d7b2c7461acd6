//! The arguments of `cargo painter audit` (docs/audit.md).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use painter_audit::Ignore;

use super::CargoFlags;

#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 when no finding is denied, 1 when one is (or on an \
                        error). Informational advisories and ignored ones never fail the run."
)]
pub struct AuditArgs {
    #[command(flatten)]
    pub cargo: CargoFlags,
    /// Audit this linked graph or dataset instead of analysing the project
    #[arg(long, value_name = "GRAPH")]
    pub graph: Option<PathBuf>,
    /// The RustSec advisory database (a checkout of rustsec/advisory-db) [default:
    /// $CARGO_HOME/advisory-db, cargo-audit's]
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Where to fetch the database from (cloned when missing, else brought to its head)
    #[arg(long, value_name = "URL", default_value = painter_audit::fetch::DEFAULT_URL)]
    pub db_url: String,
    /// Use the database as it is, without fetching (also with --offline/--frozen)
    #[arg(long)]
    pub no_fetch: bool,
    /// Start the searches from these functions (path, path pattern or id; repeatable) instead
    /// of every function of the workspace
    #[arg(
        long = "root",
        value_name = "PATTERN",
        conflicts_with = "root_public_api"
    )]
    pub roots: Vec<String>,
    /// Start from the public functions (and binaries' `main`) of the workspace's crates, or of
    /// CRATE only (repeatable)
    #[arg(
        long = "root-public-api",
        value_name = "CRATE",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = ""
    )]
    pub root_public_api: Option<Vec<String>>,
    /// Which verdicts fail the run
    #[arg(long, value_enum, default_value_t = DenyArg::Reachable)]
    pub deny: DenyArg,
    /// Ignore an advisory, with the reason (repeatable)
    #[arg(long = "ignore", value_name = "ID[=REASON]", value_parser = parse_ignore)]
    pub ignore: Vec<Ignore>,
    /// A cargo-audit config file whose `[advisories] ignore` list to apply [default:
    /// <workspace root>/.cargo/audit.toml when it exists]
    #[arg(long, value_name = "FILE")]
    pub ignore_file: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = AuditFormat::Table)]
    pub format: AuditFormat,
    /// Write the report to FILE instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

fn parse_ignore(text: &str) -> Result<Ignore, String> {
    painter_audit::ignore::parse_arg(text)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DenyArg {
    /// Fail on `reachable` findings and advisories without function data
    Reachable,
    /// Also on findings reachable only through dyn, fn-pointer or generic calls
    Candidates,
    /// On every affected package, whatever the verdict (like version-only matching)
    Any,
}

impl From<DenyArg> for painter_audit::report::Deny {
    fn from(d: DenyArg) -> Self {
        match d {
            DenyArg::Reachable => Self::Reachable,
            DenyArg::Candidates => Self::Candidates,
            DenyArg::Any => Self::Any,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    Table,
    Json,
    /// SARIF 2.1.0 (GitHub code scanning)
    Sarif,
}
