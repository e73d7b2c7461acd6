//! The RustSec advisory database on disk: where it is (`--db`, else cargo-audit's default
//! `$CARGO_HOME/advisory-db`) and reading it with the `rustsec` crate. Keeping it current is
//! [`crate::fetch`].

use std::path::{Path, PathBuf};

use rustsec::Database;

use crate::AuditError;

/// cargo-audit's default location: `$CARGO_HOME/advisory-db` (`CARGO_HOME` defaults to
/// `~/.cargo`). `None` when neither `CARGO_HOME` nor `HOME` is set.
pub fn default_path() -> Option<PathBuf> {
    cargo_home().map(|home| home.join("advisory-db"))
}

/// `$CARGO_HOME`, else `$HOME/.cargo`.
pub fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

/// Read the database at `path`: a checkout of github.com/rustsec/advisory-db or any directory
/// with its layout (`crates/<package>/<id>.md`). A missing directory, a directory without
/// `crates/` and an advisory that does not parse are errors naming the path.
pub fn open(path: &Path) -> Result<Database, AuditError> {
    if !path.is_dir() {
        let hint = if default_path().as_deref() == Some(path) {
            " (cargo-audit's default location; clone https://github.com/rustsec/advisory-db \
             there or give --db PATH)"
                .to_string()
        } else {
            String::new()
        };
        return Err(AuditError::MissingDatabase {
            path: path.to_path_buf(),
            hint,
        });
    }
    if !path.join("crates").is_dir() {
        return Err(AuditError::NotADatabase {
            path: path.to_path_buf(),
        });
    }
    Database::open(path).map_err(|source| AuditError::BrokenDatabase {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADVISORY: &str = "```toml\n[advisory]\nid = \"RUSTSEC-2099-0001\"\npackage = \"x\"\n\
        date = \"2099-01-01\"\n\n[versions]\npatched = [\">= 1.0.0\"]\n```\n\n# Title\n\nText.\n";

    #[test]
    fn missing_empty_and_broken_databases_are_errors_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let e = open(&missing).unwrap_err().to_string();
        assert!(e.contains(&missing.display().to_string()) && e.contains("no such directory"));
        let e = open(dir.path()).unwrap_err().to_string();
        assert!(e.contains("not a RustSec advisory database"), "{e}");

        let crate_dir = dir.path().join("crates/x");
        std::fs::create_dir_all(&crate_dir).unwrap();
        std::fs::write(crate_dir.join("RUSTSEC-2099-0001.md"), ADVISORY).unwrap();
        let db = open(dir.path()).unwrap();
        assert_eq!(db.iter().count(), 1);
        assert_eq!(db.iter().next().unwrap().title(), "Title");

        std::fs::write(
            crate_dir.join("RUSTSEC-2099-0002.md"),
            "```toml\n[advisory\n```\n",
        )
        .unwrap();
        let e = open(dir.path()).unwrap_err().to_string();
        assert!(e.contains(&dir.path().display().to_string()), "{e}");
    }
}
