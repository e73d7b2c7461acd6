//! Embeds the toolchain cargo painter needs, so the binary can check for it and name it in
//! errors without reading any file at run time: `PAINTER_TOOLCHAIN` is the `channel` of the
//! repository's `rust-toolchain.toml` (the single source of truth, docs/design.md#toolchain) and
//! `PAINTER_HOST` the triple this binary runs on (rustup names toolchain dirs `<channel>-<host>`).

use std::{env, fs, path::Path};

fn main() {
    let manifest_dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let file = Path::new(&manifest_dir).join("../rust-toolchain.toml");
    println!("cargo::rerun-if-changed={}", file.display());
    let text =
        fs::read_to_string(&file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let channel = toolchain_channel(&text)
        .unwrap_or_else(|| panic!("{}: no `channel = \"...\"` in [toolchain]", file.display()));
    println!("cargo::rustc-env=PAINTER_TOOLCHAIN={channel}");
    let host = env::var("TARGET").expect("cargo sets TARGET");
    println!("cargo::rustc-env=PAINTER_HOST={host}");
}

/// The `channel` value of the `[toolchain]` table. A line-based read is enough for the
/// file's fixed shape and keeps a TOML parser out of the build.
fn toolchain_channel(text: &str) -> Option<String> {
    let mut in_toolchain = false;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.starts_with('[') {
            in_toolchain = line == "[toolchain]";
        } else if in_toolchain {
            if let Some((key, value)) = line.split_once('=') {
                if key.trim() == "channel" {
                    return Some(value.trim().trim_matches('"').to_string());
                }
            }
        }
    }
    None
}
