//! Makes a change of the driver options, or of the driver itself, re-run every crate, registry
//! ones included, by putting a hash of `PAINTER_ARGS` and of the driver binary into the
//! rustflags cargo fingerprints.
//!
//! Why: the driver adds `PAINTER_ARGS` to each crate's dep-info (`sess.env_depinfo`), but cargo
//! only checks dep-info (files and env vars) for path packages; for registry and git packages
//! it trusts the fingerprint, which includes the rustflags but not the environment. Without
//! this, `cargo painter --emit calls` after a plain `cargo painter` would reuse the dependencies'
//! old results. A `--cfg painter_args="<hash>"` is inert for the code (no crate tests it, and
//! rustc does not lint command-line cfgs) but is part of every unit's fingerprint.
//!
//! The driver binary goes in for the same reason: cargo fingerprints the compiler by its
//! version (`rustc -vV` through the wrapper), not by `RUSTC_WRAPPER`, so a new driver (an
//! upgrade of cargo painter, which may record other facts or print paths otherwise) found
//! every registry crate fresh and the graph mixed results of two drivers. The driver's own
//! reuse key (driver/src/reuse.rs) covers the binary the same way, by size and mtime. Cargo
//! keeps rustflags out of `-C metadata`, so crate ids do not change with the hash; only the
//! units' file names do.
//!
//! Where the flag goes follows cargo's precedence for rustflags (first match wins, no merging):
//! `CARGO_ENCODED_RUSTFLAGS`, then `RUSTFLAGS`, then `target.*.rustflags`, then
//! `build.rustflags`. If the user set one of the env vars we append to it (setting
//! `--config build.rustflags` would be silently ignored); otherwise we pass
//! `--config build.rustflags=[..]`, which cargo appends to the `build.rustflags` of the user's
//! config files instead of replacing them (arrays from different config sources are joined).
//! Known gaps: a user's `target.<triple>.rustflags` config shadows `build.rustflags`, and with
//! `--target` rustflags do not reach build scripts and proc-macros; those units then only
//! notice option changes through dep-info (path packages).

use std::ffi::{OsStr, OsString};
use std::path::Path;

use painter_schema::PAINTER_VERSION;

/// The cfg name carrying the hash.
pub const CFG_NAME: &str = "painter_args";

/// FNV-1a, 64 bit. Hand-rolled because the value must never change between runs, machines or
/// Rust versions (std's `DefaultHasher` promises none of that), and 10 lines beat a dependency.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET_BASIS, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(PRIME)
    })
}

/// 16 hex digits identifying a `PAINTER_ARGS` value.
pub fn args_hash(painter_args: &str) -> String {
    format!("{:016x}", fnv1a64(painter_args.as_bytes()))
}

/// 16 hex digits identifying everything besides a crate's own inputs that its analysis depends
/// on: the `PAINTER_ARGS` value, cargo painter's version, and the driver binary by size and
/// modification time (where it can be read: a missing driver fails the build anyway).
pub fn analysis_hash(painter_args: &str, driver: &Path) -> String {
    let driver = painter_schema::stamp::stamp(driver);
    args_hash(&format!("{painter_args}\n{PAINTER_VERSION}\n{driver:?}"))
}

/// How the cfg reaches cargo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Carrier {
    /// Set `CARGO_ENCODED_RUSTFLAGS` to this (the user's value plus ours, `\x1f`-separated).
    EncodedEnv(OsString),
    /// Set `RUSTFLAGS` to this (the user's value plus ours, space-separated).
    Env(OsString),
    /// Pass `--config` with this `build.rustflags=[..]` value.
    Config(String),
}

/// Decide from the user's `CARGO_ENCODED_RUSTFLAGS` and `RUSTFLAGS` (set even if empty counts:
/// cargo then uses them, ignoring the config).
pub fn carrier(encoded: Option<&OsStr>, plain: Option<&OsStr>, hash: &str) -> Carrier {
    let cfg = format!("{CFG_NAME}=\"{hash}\"");
    if let Some(encoded) = encoded {
        let mut value = encoded.to_os_string();
        if !value.is_empty() {
            value.push("\x1f");
        }
        value.push(format!("--cfg\x1f{cfg}"));
        Carrier::EncodedEnv(value)
    } else if let Some(plain) = plain {
        let mut value = plain.to_os_string();
        value.push(format!(" --cfg {cfg}"));
        Carrier::Env(value)
    } else {
        // TOML: a basic string with the inner quotes escaped.
        Carrier::Config(format!(
            r#"build.rustflags=["--cfg", "{CFG_NAME}=\"{hash}\""]"#
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_stable() {
        // Published FNV-1a test vectors, then a fixed config value: these must never change.
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
        let value =
            r#"{"emit":["unsafe_ops"],"disable":false,"force_panic":null,"no_output":false}"#;
        assert_eq!(args_hash(value), "299e4c047b7dbb96");
    }

    #[test]
    fn the_driver_binary_is_part_of_the_hash() {
        let dir = std::env::temp_dir().join(format!("painter-rustflags-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let driver = dir.join("painter-driver");
        std::fs::write(&driver, b"one").unwrap();
        let args = r#"{"emit":[]}"#;
        let first = analysis_hash(args, &driver);
        assert_eq!(
            analysis_hash(args, &driver),
            first,
            "same driver, same hash"
        );
        assert_ne!(analysis_hash("{}", &driver), first, "other options");
        std::fs::write(&driver, b"a longer driver").unwrap();
        assert_ne!(analysis_hash(args, &driver), first, "a rebuilt driver");
        // Without a readable driver the options and the version still decide.
        let missing = dir.join("missing");
        assert_eq!(analysis_hash(args, &missing), analysis_hash(args, &missing));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn config_when_no_env_rustflags() {
        let c = carrier(None, None, "0123456789abcdef");
        assert_eq!(
            c,
            Carrier::Config(
                r#"build.rustflags=["--cfg", "painter_args=\"0123456789abcdef\""]"#.into()
            )
        );
    }

    #[test]
    fn appends_to_rustflags() {
        let c = carrier(None, Some(OsStr::new("-C target-cpu=native")), "00ff");
        assert_eq!(
            c,
            Carrier::Env(r#"-C target-cpu=native --cfg painter_args="00ff""#.into())
        );
        // Set but empty still shadows the config.
        let c = carrier(None, Some(OsStr::new("")), "00ff");
        assert_eq!(c, Carrier::Env(r#" --cfg painter_args="00ff""#.into()));
    }

    #[test]
    fn encoded_wins_over_plain() {
        let c = carrier(
            Some(OsStr::new("-Cdebuginfo=1")),
            Some(OsStr::new("-O")),
            "00ff",
        );
        assert_eq!(
            c,
            Carrier::EncodedEnv("-Cdebuginfo=1\x1f--cfg\x1fpainter_args=\"00ff\"".into())
        );
        let c = carrier(Some(OsStr::new("")), None, "00ff");
        assert_eq!(
            c,
            Carrier::EncodedEnv("--cfg\x1fpainter_args=\"00ff\"".into())
        );
    }
}
