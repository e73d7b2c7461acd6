//! Keeping the advisory database current as cargo-audit does: a shallow git checkout of
//! rustsec/advisory-db, cloned when missing and brought to the remote's head before an audit.
//! Through the `git` command, not a git library: rustsec's own fetch is its `git` feature
//! (gix and an HTTP stack, which would more than double this crate's build).

use std::path::Path;
use std::process::Command;

use crate::AuditError;

/// Where cargo-audit fetches the database from.
pub const DEFAULT_URL: &str = "https://github.com/rustsec/advisory-db.git";

/// What a fetch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetched {
    /// There was no database at the path: it is a fresh clone.
    Cloned,
    /// The checkout now has the remote's head.
    Updated,
    /// The path holds a database that is not a git checkout (a copy, a fixture): used as it is.
    NotACheckout,
}

/// Clone `url` into `path` when nothing is there, or bring the git checkout at `path` to the
/// head of `url`. A directory that is not a git checkout is left alone.
pub fn fetch(path: &Path, url: &str) -> Result<Fetched, AuditError> {
    if !path.exists() {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| AuditError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let mut clone = git();
        clone
            .args(["clone", "--quiet", "--depth", "1", url])
            .arg(path);
        run(clone, path, url)?;
        return Ok(Fetched::Cloned);
    }
    if !path.join(".git").exists() {
        return Ok(Fetched::NotACheckout);
    }
    let mut fetch = git();
    fetch
        .arg("-C")
        .arg(path)
        .args(["fetch", "--quiet", "--depth", "1", url, "HEAD"]);
    run(fetch, path, url)?;
    // The database is read-only data: whatever the checkout had becomes the fetched head.
    let mut reset = git();
    reset
        .arg("-C")
        .arg(path)
        .args(["reset", "--quiet", "--hard", "FETCH_HEAD"]);
    run(reset, path, url)?;
    Ok(Fetched::Updated)
}

fn git() -> Command {
    let mut git = Command::new("git");
    // Never stop for credentials: an unreachable remote is an error, not a prompt.
    git.env("GIT_TERMINAL_PROMPT", "0");
    git
}

fn run(mut cmd: Command, path: &Path, url: &str) -> Result<(), AuditError> {
    let failed = |reason: String| AuditError::FetchFailed {
        path: path.to_path_buf(),
        url: url.to_owned(),
        reason,
    };
    let out = cmd
        .output()
        .map_err(|e| failed(format!("cannot run git: {e}")))?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
    Err(failed(last.unwrap_or("git failed").trim().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A local git repository standing in for github.com/rustsec/advisory-db.
    fn remote(dir: &Path, advisories: &[&str]) {
        let git = |args: &[&str]| {
            let ok = Command::new("git")
                .arg("-C")
                .arg(dir)
                .args(["-c", "user.name=t", "-c", "user.email=t@t"])
                .args(args)
                .status()
                .unwrap()
                .success();
            assert!(ok, "git {args:?}");
        };
        if !dir.join(".git").exists() {
            std::fs::create_dir_all(dir).unwrap();
            git(&["init", "--quiet"]);
        }
        let crates = dir.join("crates/x");
        let _ = std::fs::remove_dir_all(&crates);
        std::fs::create_dir_all(&crates).unwrap();
        for id in advisories {
            std::fs::write(crates.join(format!("{id}.md")), "advisory").unwrap();
        }
        git(&["add", "-A"]);
        git(&["commit", "--quiet", "-m", "advisories"]);
    }

    fn ids(db: &Path) -> Vec<String> {
        let mut ids: Vec<String> = std::fs::read_dir(db.join("crates/x"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn clones_then_follows_the_remote_and_leaves_copies_alone() {
        let dir = tempfile::tempdir().unwrap();
        let origin = dir.path().join("origin");
        remote(&origin, &["A"]);
        let url = format!("file://{}", origin.display());
        let db = dir.path().join("home/advisory-db");
        assert_eq!(fetch(&db, &url).unwrap(), Fetched::Cloned);
        assert_eq!(ids(&db), ["A.md"]);
        remote(&origin, &["A", "B"]);
        assert_eq!(fetch(&db, &url).unwrap(), Fetched::Updated);
        assert_eq!(ids(&db), ["A.md", "B.md"]);
        // A withdrawn file goes too: the checkout is the remote's head, nothing else.
        remote(&origin, &["B"]);
        fetch(&db, &url).unwrap();
        assert_eq!(ids(&db), ["B.md"]);

        let copy = dir.path().join("copy");
        std::fs::create_dir_all(copy.join("crates")).unwrap();
        assert_eq!(fetch(&copy, &url).unwrap(), Fetched::NotACheckout);
    }

    #[test]
    fn an_unreachable_remote_is_an_error_naming_path_and_url() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        let url = format!("file://{}/no-such-repo", dir.path().display());
        let e = fetch(&db, &url).unwrap_err().to_string();
        assert!(
            e.contains(&db.display().to_string()) && e.contains(&url),
            "{e}"
        );
        assert!(!db.join("crates").exists());
    }
}
