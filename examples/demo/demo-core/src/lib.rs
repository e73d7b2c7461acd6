//! demo-core: a byte ring buffer, checksums in Rust and in C, and a small plugin interface.
//! Each construct is here to show one kind of fact `cargo painter` records; the `FACT:`
//! comment above it says which.

pub mod checksum;
pub mod plugin;
pub mod ring;
