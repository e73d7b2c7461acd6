//! `.cargo_vcs_info.json`, written by `cargo package` when it packages from a git checkout:
//! `{"git": {"sha1": "…", "dirty": true?}, "path_in_vcs": "…"}` (cargo's
//! `src/cargo/ops/cargo_package/vcs.rs`). `dirty` appears only when `--allow-dirty` packaged
//! uncommitted changes; `path_in_vcs` (cargo ≥ 1.58) is the package's directory in the
//! repository, `""` at its root.

use serde::Deserialize;

pub const FILE: &str = ".cargo_vcs_info.json";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct VcsInfo {
    pub git: Option<GitInfo>,
    /// Absent in files written by cargo before 1.58.
    #[serde(default)]
    pub path_in_vcs: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GitInfo {
    pub sha1: String,
    #[serde(default)]
    pub dirty: bool,
}

/// Parse the file; what makes it unusable, in words.
pub fn parse(bytes: &[u8]) -> Result<VcsInfo, String> {
    let info: VcsInfo =
        serde_json::from_slice(bytes).map_err(|e| format!("{FILE} does not parse: {e}"))?;
    if let Some(git) = &info.git {
        // SHA-1 repositories, and SHA-256 ones.
        let ok =
            matches!(git.sha1.len(), 40 | 64) && git.sha1.bytes().all(|b| b.is_ascii_hexdigit());
        if !ok {
            return Err(format!("{FILE}: `{}` is not a git commit id", git.sha1));
        }
    }
    if let Some(path) = &info.path_in_vcs
        && !is_relative_inside(path)
    {
        return Err(format!(
            "{FILE}: path_in_vcs `{path}` leaves the repository"
        ));
    }
    Ok(info)
}

/// A relative `/`-separated path with no `..`: a place inside the repository.
fn is_relative_inside(path: &str) -> bool {
    !path.starts_with('/') && !path.contains('\\') && path.split('/').all(|c| c != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_written_files() {
        let info = parse(
            br#"{"git": {"sha1": "4baf96c6e7addbf82f9e35f800e872046c31e008"}, "path_in_vcs": "crates/sub"}"#,
        )
        .unwrap();
        let git = info.git.unwrap();
        assert!(!git.dirty);
        assert_eq!(info.path_in_vcs.as_deref(), Some("crates/sub"));
        let old = parse(
            br#"{"git": {"sha1": "4baf96c6e7addbf82f9e35f800e872046c31e008", "dirty": true}}"#,
        )
        .unwrap();
        assert!(old.git.unwrap().dirty && old.path_in_vcs.is_none());
        assert!(parse(br#"{"git": {"sha1": "HEAD"}}"#).is_err());
        assert!(parse(br#"{"git": {"sha1": "4baf96c6e7addbf82f9e35f800e872046c31e008"}, "path_in_vcs": "../x"}"#).is_err());
        assert!(parse(b"{").is_err());
    }
}
