//! The arguments of `cargo painter verify` (docs/verify.md).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use painter_verify::Verdict;

#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 when no crate's verdict is denied, 1 when one is, or when a \
                        crate could not be checked at all (or on an error). Verdicts: verified, \
                        verified-tagged, files-differ, files-not-in-repository, commit-not-found, \
                        dirty-publish, no-vcs-info, repository-unreachable, \
                        repository-does-not-contain-crate. See docs/verify.md."
)]
pub struct VerifyArgs {
    /// Crates of crates.io to verify
    #[arg(value_name = "NAME@VERSION", value_parser = parse_crate)]
    pub crates: Vec<(String, String)>,
    /// Verify every crates.io package of this Cargo.lock (checksums checked against it)
    #[arg(long, value_name = "PATH")]
    pub lockfile: Option<PathBuf>,
    /// Verify a .crate file (repeatable): a package not on crates.io, or one downloaded already
    #[arg(long = "crate-file", value_name = "PATH")]
    pub crate_files: Vec<PathBuf>,
    /// Which verdicts fail the run (comma-separated; `none`, or `unverified` for every verdict
    /// but verified and verified-tagged)
    #[arg(
        long,
        value_name = "VERDICTS",
        value_delimiter = ',',
        default_value = "files-differ,repository-does-not-contain-crate"
    )]
    pub deny: Vec<DenyArg>,
    #[arg(long, value_enum, default_value_t = VerifyFormat::Table)]
    pub format: VerifyFormat,
    /// Write the report to FILE instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Where fetched repositories are kept between runs [default:
    /// $XDG_CACHE_HOME/cargo-painter/verify, else ~/.cache/cargo-painter/verify]
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// No network: .crate files from the cargo home only, repositories from the cache only
    #[arg(long)]
    pub offline: bool,
    /// Seconds the first contact with a repository (git ls-remote) may take before it counts as
    /// unreachable
    #[arg(long, value_name = "SECS", default_value_t = 20)]
    pub connect_timeout: u64,
    /// Seconds one git fetch may take
    #[arg(long, value_name = "SECS", default_value_t = 600)]
    pub fetch_timeout: u64,
    /// Crates verified in parallel
    #[arg(short = 'j', long, value_name = "N", default_value_t = 4)]
    pub jobs: usize,
}

fn parse_crate(text: &str) -> Result<(String, String), String> {
    match text.split_once('@') {
        Some((name, version)) if !name.is_empty() && !version.is_empty() => {
            Ok((name.to_string(), version.to_string()))
        }
        _ => Err(format!("`{text}` is not NAME@VERSION")),
    }
}

/// A `--deny` value: a verdict's slug, or a set of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DenyArg {
    Verdict(Verdict),
    None,
    Unverified,
}

impl ValueEnum for DenyArg {
    fn value_variants<'a>() -> &'a [Self] {
        static ALL: std::sync::OnceLock<Vec<DenyArg>> = std::sync::OnceLock::new();
        ALL.get_or_init(|| {
            let mut all: Vec<DenyArg> = Verdict::ALL.into_iter().map(DenyArg::Verdict).collect();
            all.push(DenyArg::None);
            all.push(DenyArg::Unverified);
            all
        })
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(match self {
            DenyArg::Verdict(v) => v.slug(),
            DenyArg::None => "none",
            DenyArg::Unverified => "unverified",
        }))
    }
}

/// The verdicts `--deny` names.
pub fn denied_verdicts(args: &[DenyArg]) -> Vec<Verdict> {
    let mut out = Vec::new();
    for a in args {
        match a {
            DenyArg::Verdict(v) => out.push(*v),
            DenyArg::None => {}
            DenyArg::Unverified => {
                out.extend(Verdict::ALL.into_iter().filter(|v| !v.is_verified()))
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyFormat {
    Table,
    Json,
    /// SARIF 2.1.0 of the crates not verified (GitHub code scanning)
    Sarif,
}
