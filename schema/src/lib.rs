//! painter-schema: the contract between cargo painter's stages — the per-crate graph file the
//! driver writes, the options the CLI hands the driver, and the version check every reader does.
//!
//! Builds on stable and has no rustc dependency, so researchers can read our files with it.
//! Field names and kind strings are a contract (docs/design.md); `docs/schema.md` documents
//! them. Every writer of the project writes through [`atomic`], and every file name it shares
//! is in [`names`].

pub mod atomic;
mod config;
mod graph;
mod kinds;
mod linked;
mod load;
pub mod names;
pub mod stamp;
mod sym;

pub use config::{DriverConfig, Emit, PAINTER_ARGS_ENV};
pub use graph::*;
pub use kinds::*;
pub use linked::*;
pub use load::{GraphFile, LoadError, from_json_bytes, read_graph_file};
pub use sym::Sym;

/// Version of the per-crate and linked graph formats. Bump on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Version of the tool that wrote a file (all crates of the workspace share it).
pub const PAINTER_VERSION: &str = env!("CARGO_PKG_VERSION");
