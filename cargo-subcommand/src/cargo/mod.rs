//! Running cargo with painter-driver, shared by the analyse command and the ecosystem runner:
//! the pinned toolchain, the driver binary, the `cargo check` command line and its messages,
//! where the driver's files land, and what the workspace looks like.

pub mod artifact;
pub mod check;
pub mod driver;
pub mod messages;
pub mod rustflags;
pub mod toolchain;
pub mod workspace;
pub mod workspace_cache;
