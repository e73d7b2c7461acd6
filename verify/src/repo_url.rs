//! From `package.repository` to a URL git can fetch, and to the cache directory of that
//! repository. Repository fields are web addresses written by people: `git+https://…`,
//! a trailing `/` or `.git`, a link into a subdirectory (`…/tree/main/crates/x` on GitHub,
//! `…/-/tree/…` on GitLab, `…/src/branch/…` on Gitea/Codeberg). Only the transports the git
//! runner allows are accepted: the field is written by whoever published the crate.

use crate::archive::sha256_hex;

/// The git URL for a repository field, or why there is none.
pub fn git_url(repository: &str) -> Result<String, String> {
    let mut url = repository.trim().to_string();
    if let Some(rest) = url.strip_prefix("git+") {
        url = rest.to_string();
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(format!("`{repository}` is not a URL"));
    };
    let scheme = scheme.to_ascii_lowercase();
    if !matches!(scheme.as_str(), "https" | "http" | "git" | "file") {
        return Err(format!(
            "`{repository}`: the {scheme} transport is not fetched (only https, http, git, file)"
        ));
    }
    // Query and fragment of a web address are not part of the repository.
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let mut rest = rest.trim_end_matches('/').to_string();
    if scheme != "file" {
        let (host, path) = rest.split_once('/').unwrap_or((rest.as_str(), ""));
        let host = host.to_ascii_lowercase();
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        // Links into a repository's browser: keep what names the repository.
        let cut = segments
            .iter()
            .position(|s| matches!(*s, "tree" | "blob" | "-" | "src" | "commit" | "releases"))
            .filter(|&i| i >= 2 && is_forge(&host));
        let segments = match cut {
            Some(i) => &segments[..i],
            None => &segments[..],
        };
        if segments.is_empty() {
            return Err(format!("`{repository}` names a host, not a repository"));
        }
        rest = format!("{host}/{}", segments.join("/"));
    }
    if rest.is_empty() {
        return Err(format!("`{repository}` names no repository"));
    }
    Ok(format!("{scheme}://{rest}"))
}

/// Hosts whose web addresses put the browser's path after `owner/repo`.
fn is_forge(host: &str) -> bool {
    matches!(
        host,
        "github.com"
            | "www.github.com"
            | "gitlab.com"
            | "codeberg.org"
            | "bitbucket.org"
            | "gitea.com"
            | "sr.ht"
            | "git.sr.ht"
    ) || host.starts_with("gitlab.")
}

/// The cache directory name of a git URL: readable, and unique by a hash of the URL.
pub fn cache_name(url: &str) -> String {
    let readable: String = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    format!("{readable}-{}.git", &sha256_hex(url.as_bytes())[..12])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_fields_people_write() {
        let ok = |f: &str| git_url(f).unwrap();
        assert_eq!(
            ok("https://github.com/dtolnay/itoa"),
            "https://github.com/dtolnay/itoa"
        );
        assert_eq!(
            ok("https://github.com/dtolnay/itoa/"),
            "https://github.com/dtolnay/itoa"
        );
        assert_eq!(
            ok("https://github.com/rust-lang/cargo.git"),
            "https://github.com/rust-lang/cargo.git"
        );
        assert_eq!(ok("git+https://github.com/a/b"), "https://github.com/a/b");
        assert_eq!(
            ok("https://github.com/tokio-rs/tokio/tree/master/tokio"),
            "https://github.com/tokio-rs/tokio"
        );
        assert_eq!(
            ok("https://GitHub.com/a/b/blob/main/README.md#x"),
            "https://github.com/a/b"
        );
        assert_eq!(
            ok("https://gitlab.com/group/sub/proj/-/tree/main/x"),
            "https://gitlab.com/group/sub/proj"
        );
        assert_eq!(ok("file:///tmp/repo/"), "file:///tmp/repo");
        // A self-hosted path keeps every segment.
        assert_eq!(
            ok("https://git.example.org/tree/x"),
            "https://git.example.org/tree/x"
        );
        for bad in [
            "ext::sh -c evil",
            "ssh://git@github.com/a/b",
            "github.com/a/b",
            "https://github.com",
            "-uhttps://x/y",
        ] {
            assert!(git_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cache_names() {
        let a = cache_name("https://github.com/a/b");
        assert!(
            a.starts_with("github.com_a_b-") && a.ends_with(".git"),
            "{a}"
        );
        assert_ne!(a, cache_name("https://github.com/a_b"));
    }
}
