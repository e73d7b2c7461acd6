//! The arguments of `cargo painter ecosystem`.

use std::path::PathBuf;

use clap::Args;

/// Retries of a fetch after a network error, unless `--fetch-retries` says otherwise.
pub const DEFAULT_FETCH_RETRIES: u32 = 3;

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
    /// Output directory: results/, logs/, crates/, graph/ (dataset), report.md, report.json
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
    /// Memory limit per crate's build, in MiB: resident memory of the whole build (cgroup
    /// memory.max) where a cgroup can be made, else address space per process (RLIMIT_AS);
    /// 0 for none
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
    /// Also verify each entry's package and its crates.io dependencies against their
    /// repositories (`cargo painter verify`; fetches every repository, so off by default).
    /// Verdicts go into the results and the report; evidence into <out>/verify/
    #[arg(long)]
    pub verify: bool,
    /// Retries of a fetch that failed with a network error, after 2, 4, 8 … s (at most 60)
    #[arg(long, value_name = "N", default_value_t = DEFAULT_FETCH_RETRIES)]
    pub fetch_retries: u32,
    /// Private CARGO_HOME for the fetched registry [default: <out>/work/cargo-home]
    #[arg(long, value_name = "DIR")]
    pub cargo_home: Option<PathBuf>,
}

pub(super) fn parse_shard(s: &str) -> Result<(u32, u32), String> {
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
