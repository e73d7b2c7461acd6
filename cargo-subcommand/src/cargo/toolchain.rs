//! Phase 1 (`toolchain`): find the pinned nightly with its rustc-dev component, or fail with
//! one error that gives the command installing it. Never triggers an install itself.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::Result;

/// The nightly the driver is built against: `channel` of the repository's rust-toolchain.toml.
pub const PINNED: &str = env!("PAINTER_TOOLCHAIN");
/// The triple this binary was built for; rustup names toolchain directories `<channel>-<host>`.
const HOST: &str = env!("PAINTER_HOST");

/// The pinned toolchain, found and checked.
#[derive(Debug, Clone)]
pub struct Toolchain {
    pub sysroot: PathBuf,
}

impl Toolchain {
    /// The toolchain's own cargo; rustup's `cargo` proxy (with `RUSTUP_TOOLCHAIN`) as fallback.
    pub fn cargo(&self) -> PathBuf {
        self.tool("cargo")
    }

    pub fn rustc(&self) -> PathBuf {
        self.tool("rustc")
    }

    /// The `RUSTUP_TOOLCHAIN` for our cargo: the toolchain's directory name
    /// (`<channel>-<host>`), which rustup accepts like the channel. Not the bare channel: when
    /// `RUSTUP_HOME` is set (always under rustup's `cargo` proxy) cargo fingerprints the
    /// compiler by the mtime of `$RUSTUP_HOME/toolchains/$RUSTUP_TOOLCHAIN/bin/rustc`
    /// (`rustc_fingerprint` in cargo's src/cargo/util/rustc.rs); with the bare channel that
    /// file does not exist, cargo drops its `.rustc_info.json` cache and every run probes the
    /// compiler twice through the driver (measured: a no-op run 112 ms instead of 53 ms).
    pub fn rustup_name(&self) -> std::ffi::OsString {
        match self.sysroot.file_name() {
            Some(name) if name.to_string_lossy().starts_with(PINNED) => name.to_os_string(),
            _ => PINNED.into(),
        }
    }

    /// The rustup home the toolchain is installed in (`<home>/toolchains/<name>`), if it is.
    pub fn rustup_home(&self) -> Option<PathBuf> {
        let toolchains = self.sysroot.parent()?;
        (toolchains.file_name()? == "toolchains").then(|| toolchains.parent().map(PathBuf::from))?
    }

    fn tool(&self, name: &str) -> PathBuf {
        let path = self
            .sysroot
            .join("bin")
            .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
        if path.is_file() {
            path
        } else {
            PathBuf::from(name)
        }
    }
}

/// The command that installs what is missing (docs/design.md#toolchain).
pub fn install_command() -> String {
    format!("rustup toolchain install {PINNED} --component rustc-dev,llvm-tools,rust-src")
}

fn missing(what: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "cargo painter needs the {PINNED} toolchain with the rustc-dev component, but {what}; \
         install it with `{}`",
        install_command()
    )
}

/// Find the pinned toolchain's sysroot and check that rustc-dev is installed.
pub fn locate() -> Result<Toolchain> {
    // Fast path, no process: rustup's directory for the toolchain. A no-op `cargo painter`
    // must stay within 5% of a no-op `cargo check` (docs/design.md#budgets), and a rustup proxy
    // start costs tens of milliseconds.
    let sysroot = match rustup_toolchain_dir().filter(|dir| dir.join("lib").is_dir()) {
        Some(dir) => dir,
        None => query_sysroot()?,
    };
    check_rustc_dev(&sysroot)?;
    log::debug!("toolchain {PINNED} at {}", sysroot.display());
    Ok(Toolchain { sysroot })
}

/// `$RUSTUP_HOME/toolchains/<pinned>-<host>` (rustup's default home is `~/.rustup`).
fn rustup_toolchain_dir() -> Option<PathBuf> {
    let home = match std::env::var_os("RUSTUP_HOME") {
        Some(home) => PathBuf::from(home),
        None => std::env::home_dir()?.join(".rustup"),
    };
    Some(home.join("toolchains").join(format!("{PINNED}-{HOST}")))
}

/// Ask rustup's `rustc` proxy for the pinned toolchain's sysroot; covers custom `RUSTUP_HOME`
/// layouts and linked toolchains. `RUSTUP_AUTO_INSTALL=0`: a missing toolchain is an error,
/// never a download.
fn query_sysroot() -> Result<PathBuf> {
    let output = Command::new("rustc")
        .args(["--print", "sysroot"])
        .env("RUSTUP_TOOLCHAIN", PINNED)
        .env("RUSTUP_AUTO_INSTALL", "0")
        .output();
    let output = match output {
        Ok(output) => output,
        Err(e) => return Err(missing(&format!("`rustc` could not be run ({e})"))),
    };
    if !output.status.success() {
        log::debug!(
            "rustc --print sysroot: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        return Err(missing("it is not installed"));
    }
    let sysroot = String::from_utf8_lossy(&output.stdout).trim().to_string();
    Ok(PathBuf::from(sysroot))
}

/// rustc-dev ships the compiler crates' metadata: `lib/rustlib/<host>/lib/librustc_driver-*.rmeta`
/// (every toolchain has `librustc_driver-*.so` in `lib/`; only rustc-dev adds the `.rmeta`).
pub fn check_rustc_dev(sysroot: &Path) -> Result<()> {
    let rustlib = sysroot.join("lib").join("rustlib");
    let Ok(triples) = std::fs::read_dir(&rustlib) else {
        return Err(missing(&format!(
            "{} is not a toolchain",
            sysroot.display()
        )));
    };
    for triple in triples.flatten() {
        let Ok(libs) = std::fs::read_dir(triple.path().join("lib")) else {
            continue;
        };
        let has_driver_metadata = libs.flatten().any(|lib| {
            let name = lib.file_name();
            let name = name.to_string_lossy();
            name.starts_with("librustc_driver-") && name.ends_with(".rmeta")
        });
        if has_driver_metadata {
            return Ok(());
        }
    }
    Err(missing("its rustc-dev component is not installed"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempDir;

    /// Cargo finds `$RUSTUP_HOME/toolchains/$RUSTUP_TOOLCHAIN/bin/rustc` only by the
    /// directory's full name; a sysroot elsewhere falls back to the channel.
    #[test]
    fn rustup_toolchain_is_the_directory_name() {
        let under_rustup = Toolchain {
            sysroot: PathBuf::from(format!("/home/u/.rustup/toolchains/{PINNED}-{HOST}")),
        };
        assert_eq!(
            under_rustup.rustup_name(),
            format!("{PINNED}-{HOST}").as_str()
        );
        let elsewhere = Toolchain {
            sysroot: PathBuf::from("/opt/rust"),
        };
        assert_eq!(elsewhere.rustup_name(), PINNED);
    }

    #[test]
    fn pinned_toolchain_comes_from_rust_toolchain_toml() {
        let file = include_str!("../../../rust-toolchain.toml");
        assert!(
            file.contains(&format!("channel = \"{PINNED}\"")),
            "{PINNED}"
        );
        assert!(PINNED.starts_with("nightly-"));
    }

    #[test]
    fn sysroot_without_rustc_dev_gives_the_install_command() {
        let dir = TempDir::new("sysroot");
        let lib = dir.path().join("lib/rustlib/x86_64-unknown-linux-gnu/lib");
        std::fs::create_dir_all(&lib).unwrap();
        std::fs::write(dir.path().join("lib/librustc_driver-0123.so"), "").unwrap();
        std::fs::write(lib.join("libstd-0123.rlib"), "").unwrap();
        let err = check_rustc_dev(dir.path()).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "cargo painter needs the {PINNED} toolchain with the rustc-dev component, but its \
                 rustc-dev component is not installed; install it with `rustup toolchain install \
                 {PINNED} --component rustc-dev,llvm-tools,rust-src`"
            )
        );
        assert!(!err.contains('\n'));

        std::fs::write(lib.join("librustc_driver-0123.rmeta"), "").unwrap();
        check_rustc_dev(dir.path()).unwrap();
    }

    #[test]
    fn not_a_sysroot() {
        let dir = TempDir::new("empty");
        let err = check_rustc_dev(dir.path()).unwrap_err().to_string();
        assert!(err.contains("is not a toolchain"), "{err}");
        assert!(err.ends_with(&format!("`{}`", install_command())), "{err}");
    }
}
