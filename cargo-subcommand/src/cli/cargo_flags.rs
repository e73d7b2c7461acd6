//! Cargo's own flags, which `cargo painter` accepts and passes to `cargo check` unchanged.

use std::path::PathBuf;

use clap::Args;

/// Cargo's own flags, passed to `cargo check` unchanged (see `cargo::check::cargo_args`).
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
