//! cargo-painter: the `cargo painter` command. Cargo runs it as `cargo-painter painter ARGS`;
//! it also works as `cargo-painter ARGS`. It orchestrates cargo, painter-driver and the linker
//! and never links rustc's own libraries, so `--help` and toolchain errors work anywhere.
//!
//! Errors end the run with one `error:` line; problems with single crates are `warning:`s.
//! Set `PAINTER_LOG=debug` for a trace of what is run.

mod analyse;
mod artifact;
mod cargo_check;
mod cli;
mod collect;
mod commands;
mod configurations;
mod driver;
mod ecosystem;
mod ffi_report;
mod leftovers;
mod messages;
mod path_cmd;
mod preload;
mod report;
mod rustflags;
mod summary;
mod toolchain;
mod workspace;

#[cfg(test)]
mod test_util;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    env_logger::Builder::from_env(
        env_logger::Env::new()
            .filter("PAINTER_LOG")
            .write_style("PAINTER_LOG_STYLE"),
    )
    .init();
    let cli = Cli::parse_from(cli::normalize_args(std::env::args_os().collect()));
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, skipping a cause whose text the message already
/// contains (many library errors print their source themselves).
fn one_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
    }
    line
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        None => analyse::run(&cli.analyse),
        Some(Command::Link(args)) => commands::link_command(args),
        Some(Command::Stats(args)) => commands::stats_command(args),
        Some(Command::Path(args)) => path_cmd::path_command(args),
        Some(Command::Export(args)) => commands::export_command(args),
        Some(Command::Ecosystem(args)) => ecosystem::run(args),
    }
}

/// A problem that does not stop the run, shown the way cargo shows its warnings.
pub fn warning(message: std::fmt::Arguments<'_>) {
    eprintln!("warning: {message}");
}

#[cfg(test)]
mod tests {
    #[test]
    fn error_chain_without_repetition() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let e = anyhow::Error::new(io)
            .context("cannot read x: no such file")
            .context("linking");
        assert_eq!(super::one_line(&e), "linking: cannot read x: no such file");
    }
}
