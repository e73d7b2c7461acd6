//! The options `cargo painter` passes to every `painter-driver` invocation, as one JSON value in
//! the `PAINTER_ARGS` environment variable (the charon/miri pattern: one typed struct, no ad-hoc
//! env vars). The driver records the variable in dep-info so cargo re-runs crates when it changes.

use serde::{Deserialize, Serialize};

/// Environment variable that carries the serialised [`DriverConfig`].
pub const PAINTER_ARGS_ENV: &str = "PAINTER_ARGS";

/// Everything the driver needs to know beyond rustc's own arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DriverConfig {
    /// Also report facts as compiler notes (`note: painter: …`) at their spans (used by the ui-tests, and handy
    /// for a quick look in an editor).
    pub emit: Vec<Emit>,
    /// Skip analysis entirely (the driver then behaves exactly like rustc). For benchmarks.
    pub disable: bool,
    /// Hidden debug switch: panic inside the analysis of the crate with this name, to check that
    /// a failing analysis never breaks the build.
    pub force_panic: Option<String>,
    /// Do not write per-crate files (ui-tests only look at diagnostics).
    pub no_output: bool,
}

impl DriverConfig {
    /// Parse the value of `PAINTER_ARGS`; the message names the variable so a user sees where
    /// a bad value came from.
    pub fn from_env_value(value: &str) -> Result<Self, String> {
        serde_json::from_str(value).map_err(|e| format!("invalid {PAINTER_ARGS_ENV}: {e}"))
    }

    pub fn to_env_value(&self) -> String {
        serde_json::to_string(self).expect("DriverConfig serialises")
    }
}

/// Which facts to report as diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Emit {
    UnsafeOps,
    Calls,
    Ffi,
    Declarations,
}
