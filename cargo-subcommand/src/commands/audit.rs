//! `cargo painter audit`: analyse the project (or read `--graph`), check its packages against
//! the RustSec advisory database and print the verdicts (painter-audit); the exit status says
//! whether a finding is denied.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use painter_audit::fetch::{self, Fetched};
use painter_audit::{AuditOptions, Roots, db, ignore, packages, report::Deny};

use super::load_graph;
use crate::analyse::{self, Analysed};
use crate::cli::{AnalyseArgs, AuditArgs, AuditFormat};

/// Fetch the database as cargo-audit does. Offline with a database already there, the audit
/// goes on against it with a warning; without one there is nothing to audit against.
fn fetch_database(path: &Path, url: &str) -> Result<()> {
    match fetch::fetch(path, url) {
        Ok(Fetched::Cloned) => eprintln!(
            "     Fetched advisory database {url} into {}",
            path.display()
        ),
        Ok(Fetched::Updated) => eprintln!("     Updated advisory database {}", path.display()),
        Ok(Fetched::NotACheckout) => {
            log::debug!("{} is not a git checkout: used as it is", path.display())
        }
        Err(e) if path.join("crates").is_dir() => {
            crate::diag::warning(format_args!("{e}; auditing against the database as it is"))
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

pub fn run(args: &AuditArgs) -> Result<ExitCode> {
    // The database first: a missing one should not cost a whole analysis.
    let db_path = match &args.db {
        Some(path) => path.clone(),
        None => {
            db::default_path().context("no --db given, and neither CARGO_HOME nor HOME is set")?
        }
    };
    if !(args.no_fetch || args.cargo.offline || args.cargo.frozen) {
        fetch_database(&db_path, &args.db_url)?;
    }
    let database = db::open(&db_path)?;

    let (graph_file, workspace_root) = match &args.graph {
        Some(graph) => (graph.clone(), None),
        None => {
            let analyse_args = AnalyseArgs {
                cargo: args.cargo.clone(),
                // The linked graph is read right after: link it while the units are in memory.
                link: true,
                ..AnalyseArgs::default()
            };
            match analyse::analyse(&analyse_args, false)? {
                Analysed::Linked(out) => (out.graph, Some(out.workspace_root)),
                Analysed::BuildFailed(code) => return Ok(code),
            }
        }
    };
    let graph = load_graph(&graph_file)?;
    // A graph given by path still names its workspace (the directory holding the workspace
    // crates): its lock file and ignore file are used when they are on this machine.
    let workspace_root = workspace_root.or_else(|| painter_audit::workspace_root(&graph));

    let mut ignore_list = args.ignore.clone();
    let default_ignore_file = workspace_root
        .as_deref()
        .map(|r| r.join(".cargo/audit.toml"))
        .filter(|f| f.is_file());
    if let Some(file) = args.ignore_file.clone().or(default_ignore_file) {
        ignore_list.extend(ignore::read_file(&file)?);
    }
    let lock = match &workspace_root {
        Some(root) => packages::read_lock(&root.join("Cargo.lock"))?,
        None => None,
    };
    let roots = match (&args.root_public_api, args.roots.is_empty()) {
        (Some(crates), _) => {
            Roots::PublicApi(crates.iter().filter(|c| !c.is_empty()).cloned().collect())
        }
        (None, false) => Roots::Patterns(args.roots.clone()),
        (None, true) => Roots::Workspace,
    };
    let options = AuditOptions {
        roots,
        ignore: ignore_list,
        lock,
        database_label: db_path.display().to_string(),
    };
    let report = painter_audit::audit(&graph, &database, &options)?;

    let text = match args.format {
        AuditFormat::Table => painter_audit::table::render(&report),
        AuditFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        AuditFormat::Sarif => {
            serde_json::to_string_pretty(&painter_audit::sarif::sarif_log(&report))? + "\n"
        }
    };
    super::write_output(args.output.as_deref(), &text)?;

    let deny: Deny = args.deny.into();
    let denied = report.denied(deny);
    if denied.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{} finding{} denied by --deny {}",
            denied.len(),
            if denied.len() == 1 { "" } else { "s" },
            match deny {
                Deny::Reachable => "reachable",
                Deny::Candidates => "candidates",
                Deny::Any => "any",
            }
        );
        Ok(ExitCode::FAILURE)
    }
}
