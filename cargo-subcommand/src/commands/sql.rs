//! `cargo painter sql …`: hands its arguments to `painter-sql`, the SQL engine's binary
//! (painter-engine). It is a program of its own, found beside this one or on PATH, so that
//! installing cargo painter does not build DataFusion (docs/engine-choice.md, "Build cost").

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use anyhow::{Result, bail};

use crate::cli::SqlArgs;

const BINARY: &str = "painter-sql";

/// `PAINTER_SQL`, else `painter-sql` beside this executable (where `cargo install` puts
/// both), else on PATH.
fn locate() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PAINTER_SQL") {
        return Some(PathBuf::from(path));
    }
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(BINARY)))
        .filter(|p| p.is_file());
    beside.or_else(|| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(BINARY))
                .find(|p| p.is_file())
        })
    })
}

pub fn run(args: &SqlArgs) -> Result<ExitCode> {
    let Some(binary) = locate() else {
        bail!(
            "`cargo painter sql` runs {BINARY}, which is not installed: from the repository, \
             `cargo install --locked --path engine` (it builds DataFusion: about 15 minutes on \
             2 cores), or set PAINTER_SQL to its path"
        );
    };
    let status = Command::new(&binary)
        .args(&args.args)
        .status()
        .map_err(|e| anyhow::anyhow!("cannot run {}: {e}", binary.display()))?;
    Ok(ExitCode::from(
        status.code().unwrap_or(1).clamp(0, 255) as u8
    ))
}
