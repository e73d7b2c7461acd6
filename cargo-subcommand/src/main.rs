//! cargo-painter: the `cargo painter` command. Cargo runs it as `cargo-painter painter ARGS`;
//! it also works as `cargo-painter ARGS`. It orchestrates cargo, painter-driver and the linker
//! and never links rustc's own libraries, so `--help` and toolchain errors work anywhere.
//!
//! The pipeline shows in the modules: `cli` parses, `cargo` runs cargo with the driver,
//! `analyse` is the default command (one function per phase), `linking` is the one link step
//! every command uses, `commands` are the subcommands on graph files, `ecosystem` analyses
//! crate lists. The answers themselves come from painter-query.
//!
//! Errors end the run with one `error:` line; problems with single crates are `warning:`s.
//! Set `PAINTER_LOG=debug` for a trace of what is run.

mod analyse;
mod cargo;
mod cli;
mod commands;
mod diag;
mod ecosystem;
mod linking;

#[cfg(test)]
mod test_util;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

/// jemalloc, as rustc and the driver use: the link and the dataset write allocate and free
/// hundreds of megabytes in large buffers, which glibc's allocator hands back to the kernel and
/// faults in again. On `popular-100.txt` a cold link, write and figures took 13 % less user
/// CPU time (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    env_logger::Builder::from_env(
        env_logger::Env::new()
            .filter("PAINTER_LOG")
            .write_style("PAINTER_LOG_STYLE"),
    )
    // Phases of a no-op or touched run take milliseconds (docs/benchmarks.md reads them here).
    .format_timestamp_millis()
    .init();
    let cli = Cli::parse_from(cli::normalize_args(std::env::args_os().collect()));
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", diag::one_line(&e));
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        None => analyse::run(&cli.analyse),
        Some(Command::Link(args)) => commands::link::run(args),
        Some(Command::Stats(args)) => commands::stats::run(args),
        Some(Command::Path(args)) => commands::path::run(args),
        Some(Command::Export(args)) => commands::export::run(args),
        Some(Command::Ecosystem(args)) => ecosystem::run(args),
        Some(Command::Audit(args)) => commands::audit::run(args),
        Some(Command::Sql(args)) => commands::sql::run(args),
        Some(Command::Verify(args)) => commands::verify::run(args),
        Some(Command::Diff(args)) => commands::diff::run(args),
        Some(Command::Report(args)) => commands::report::run(args),
    }
}
