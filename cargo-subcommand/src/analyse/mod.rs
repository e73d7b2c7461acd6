//! The default command, `cargo painter [CARGO FLAGS] [--out DIR]`: one function per phase, in
//! the order they run (the cargo-miri shape). Each phase either hands the next one what it
//! needs or stops the run with one clear error.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::Result;
use painter_schema::{Configuration, DriverConfig, names};

mod collect;
mod incremental;
mod leftovers;
mod link;
mod preload;
mod report;
mod summary;

use collect::Collected;
use preload::{FileId, Preloaded, Preloader};
use summary::Summary;

use crate::cargo::{
    artifact,
    check::{self, CheckInputs},
    driver, messages,
    toolchain::{self, Toolchain},
    workspace::{self, Workspace},
};
use crate::cli::{AnalyseArgs, CargoFlags, ConfigSpec, configurations};

pub fn run(args: &AnalyseArgs) -> Result<ExitCode> {
    Ok(match analyse(args, true)? {
        Analysed::Linked(out) => {
            if let Some(dir) = &args.html {
                let graph = crate::commands::load_graph(&out.graph)?;
                crate::commands::report::write_site(&graph, None, dir)?;
            }
            ExitCode::SUCCESS
        }
        Analysed::BuildFailed(code) => code,
    })
}

/// What an analysis left: the linked graph, or the exit code of a build that failed (cargo
/// has shown its errors).
pub enum Analysed {
    Linked(Output),
    BuildFailed(ExitCode),
}

/// Where an analysis wrote its results.
pub struct Output {
    /// The linked graph (read it with `commands::load_graph`, whatever its format).
    pub graph: PathBuf,
    /// The analysed workspace's root directory.
    pub workspace_root: PathBuf,
}

/// Run every phase; print the summary table on stdout when `report_table` (commands that
/// print their own answer, like `audit`, only keep the warnings on stderr).
pub fn analyse(args: &AnalyseArgs, report_table: bool) -> Result<Analysed> {
    let toolchain = phase_toolchain()?;
    let driver = phase_driver()?;
    let ws = workspace::load(&toolchain, &args.cargo)?;
    let out = args.out.clone().unwrap_or_else(|| ws.painter_target_dir());
    let crates_dir = out.join(names::CRATES_DIR);
    let graph_dir = out.join(names::GRAPH_DIR);

    configurations::check_unique(&args.configurations)?;
    // With several configurations, collect names them in each crate: nothing to encode ahead.
    let preloader = Preloader::start(args.configurations.is_empty());
    let mut builds = Vec::new();
    for configuration in configurations(args) {
        let flags = configuration.map_or_else(|| args.cargo.clone(), |c| c.apply(&args.cargo));
        if let Some(c) = configuration {
            eprintln!("     Painter configuration `{}`", c.name);
        }
        let cargo = phase_cargo_check(&toolchain, &driver, &ws, args, &flags, &preloader)?;
        if !cargo.status.success() {
            // Cargo has shown the compile errors; its exit code is ours. Nothing is linked
            // and the previous results stay as they were.
            if let Some(c) = configuration {
                crate::diag::warning(format_args!("configuration `{}` does not build", c.name));
            }
            return Ok(Analysed::BuildFailed(ExitCode::from(
                cargo.status.code().unwrap_or(101).clamp(1, 255) as u8,
            )));
        }
        builds.push((configuration, cargo.artifacts));
    }
    let mut preloaded = preloader.finish();
    let mut collected = phase_collect(&builds, &ws, &crates_dir, &mut preloaded)?;
    let known: Vec<Configuration> = args.configurations.iter().map(|c| c.describe()).collect();
    // `--html` reads the linked graph right after: link it while the units are in memory.
    let now = args.link || args.html.is_some();
    let summary = phase_link(&mut collected, &graph_dir, preloaded, &known, now)?;
    report::report(
        &summary,
        &collected,
        &crates_dir,
        &graph_dir,
        args.wide,
        report_table,
    );
    Ok(Analysed::Linked(Output {
        graph: graph_dir,
        workspace_root: ws.root.clone(),
    }))
}

/// The builds of this run: one per `--configuration`, or one unnamed.
fn configurations(args: &AnalyseArgs) -> Vec<Option<&ConfigSpec>> {
    if args.configurations.is_empty() {
        vec![None]
    } else {
        args.configurations.iter().map(Some).collect()
    }
}

/// Phase 1: the pinned nightly with rustc-dev.
fn phase_toolchain() -> Result<Toolchain> {
    toolchain::locate()
}

/// Phase 2: the painter-driver binary.
fn phase_driver() -> Result<PathBuf> {
    driver::locate()
}

/// Phase 3: `cargo check` through the driver, reading cargo's messages as it goes. `flags`
/// are the user's cargo flags with those of the configuration being built.
fn phase_cargo_check(
    toolchain: &Toolchain,
    driver: &Path,
    ws: &Workspace,
    args: &AnalyseArgs,
    flags: &CargoFlags,
    preloader: &Preloader,
) -> Result<messages::CargoRun> {
    let config = driver_config(args);
    let user_env = |key: &str| std::env::var_os(key);
    let cmd = check::check_command(&CheckInputs {
        toolchain,
        driver,
        flags,
        target_dir: &ws.painter_target_dir(),
        override_build_dir: ws.separate_build_dir,
        config: &config,
        user_env: &user_env,
    });
    // Units analysed in this build are parsed while cargo goes on; fresh ones only if needed.
    messages::run(cmd.command(), &mut |a| {
        if !a.fresh
            && let Some(unit) = artifact::for_artifact(a)
        {
            preloader.add(unit.painter_file);
        }
    })
}

/// The options every driver invocation gets through `PAINTER_ARGS`.
pub fn driver_config(args: &AnalyseArgs) -> DriverConfig {
    DriverConfig {
        emit: args.emit.iter().map(|&e| e.into()).collect(),
        force_panic: args.force_panic_in.clone(),
        ..DriverConfig::default()
    }
}

/// Phase 4: the driver's per-crate files, refreshed into `<out>/crates/`.
fn phase_collect(
    builds: &[(Option<&ConfigSpec>, Vec<cargo_metadata::Artifact>)],
    ws: &Workspace,
    crates_dir: &Path,
    preloaded: &mut HashMap<FileId, Preloaded>,
) -> Result<Collected> {
    let builds: Vec<collect::Build<'_>> = builds
        .iter()
        .map(|(c, artifacts)| collect::Build {
            configuration: c.map(|c| c.name.as_str()),
            artifacts,
        })
        .collect();
    let mut take = |file: &Path| {
        let id = preload::file_id(file)?;
        preloaded.remove(&id).map(|p| p.graph)
    };
    collect::collect(&builds, ws, crates_dir, &mut take)
}

/// Phase 5: link them into the dataset `<out>/graph/` ([`link`]).
fn phase_link(
    collected: &mut Collected,
    graph_dir: &Path,
    preloaded: HashMap<FileId, Preloaded>,
    configurations: &[Configuration],
    now: bool,
) -> Result<Summary> {
    link::link(collected, graph_dir, preloaded, configurations, now)
}

#[cfg(test)]
mod tests {
    use painter_schema::Emit;

    use super::*;
    use crate::cli::EmitArg;

    #[test]
    fn driver_options_from_flags() {
        let args = AnalyseArgs {
            emit: vec![EmitArg::UnsafeOps, EmitArg::Calls],
            force_panic_in: Some("demo_core".into()),
            ..AnalyseArgs::default()
        };
        let config = driver_config(&args);
        assert_eq!(config.emit, [Emit::UnsafeOps, Emit::Calls]);
        assert_eq!(config.force_panic.as_deref(), Some("demo_core"));
        assert!(!config.disable && !config.no_output);
        assert_eq!(
            driver_config(&AnalyseArgs::default()),
            DriverConfig::default()
        );
    }
}
