//! Phase 2 (`driver`): find the `painter-driver` binary cargo will run as `RUSTC_WRAPPER`:
//! next to this executable (where `cargo install` and `cargo build` put both), or `$PAINTER_DRIVER`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Environment variable naming the driver binary explicitly.
pub const DRIVER_ENV: &str = "PAINTER_DRIVER";

pub fn locate() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("cannot find the cargo-painter executable")?;
    locate_from(std::env::var_os(DRIVER_ENV).map(PathBuf::from), &exe)
}

/// The driver named by `env_override`, else `painter-driver` in `exe`'s directory. The result is
/// absolute: cargo runs the wrapper from each package's directory.
pub fn locate_from(env_override: Option<PathBuf>, exe: &Path) -> Result<PathBuf> {
    if let Some(path) = env_override {
        let path = std::path::absolute(&path).unwrap_or(path);
        if !path.is_file() {
            bail!(
                "{DRIVER_ENV} is set to {}, which is not a file",
                path.display()
            );
        }
        return Ok(path);
    }
    let name = format!("painter-driver{}", std::env::consts::EXE_SUFFIX);
    let path = exe.parent().unwrap_or(Path::new(".")).join(name);
    if !path.is_file() {
        bail!(
            "cannot find painter-driver (looked for {}); install it next to cargo-painter \
             (`cargo build -p painter-driver` in the cargo painter repository) or set {DRIVER_ENV} \
             to its path",
            path.display()
        );
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempDir;

    #[test]
    fn next_to_the_executable() {
        let dir = TempDir::new("driver");
        let exe = dir.path().join("cargo-painter");
        let err = locate_from(None, &exe).unwrap_err().to_string();
        assert!(
            err.starts_with("cannot find painter-driver (looked for "),
            "{err}"
        );
        assert!(err.contains(DRIVER_ENV));

        let driver = dir
            .path()
            .join(format!("painter-driver{}", std::env::consts::EXE_SUFFIX));
        std::fs::write(&driver, "").unwrap();
        assert_eq!(locate_from(None, &exe).unwrap(), driver);
    }

    #[test]
    fn env_override_wins_and_must_exist() {
        let dir = TempDir::new("driver-env");
        let exe = dir.path().join("cargo-painter");
        let other = dir.path().join("my-driver");
        let err = locate_from(Some(other.clone()), &exe)
            .unwrap_err()
            .to_string();
        assert!(err.contains("PAINTER_DRIVER is set to"), "{err}");
        std::fs::write(&other, "").unwrap();
        assert_eq!(locate_from(Some(other.clone()), &exe).unwrap(), other);
    }
}
