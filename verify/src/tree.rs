//! Finding a file of the repository at the commit the way a checkout would hold it: through
//! symlinks (cargo packages what a link points at, git stores the link) and into submodules
//! (cargo packages a submodule's files; git stores only the submodule's commit, so that
//! repository is fetched too, at that commit, from the URL `.gitmodules` gives).

use std::collections::HashMap;

use crate::git::{CachedRepo, GitFailure, TreeEntry};
use crate::manifest::join;

/// Opens the repository of a submodule at a commit: `(url, commit)` → its cached repository
/// with the commit fetched, or why not.
pub type OpenSubmodule<'a> = dyn Fn(&str, &str) -> Result<CachedRepo, String> + 'a;

/// A file found: which repository holds it (0: the crate's, then submodules), its blob, and
/// where it is, as a path of the outer repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub repo: usize,
    pub oid: String,
}

/// The commit's tree and those of the submodules opened so far.
pub struct Trees<'a> {
    repos: Vec<(CachedRepo, HashMap<String, TreeEntry>)>,
    /// Submodules opened: (repo index, path in it) → repo index, or why it could not be.
    submodules: HashMap<(usize, String), Result<usize, String>>,
    open: &'a OpenSubmodule<'a>,
}

/// Why a path has no file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// No such file at the commit.
    NotInTree,
    /// It is inside a submodule that could not be fetched: the reason.
    Submodule(String),
}

impl<'a> Trees<'a> {
    pub fn new(
        repo: CachedRepo,
        tree: HashMap<String, TreeEntry>,
        open: &'a OpenSubmodule<'a>,
    ) -> Self {
        Trees {
            repos: vec![(repo, tree)],
            submodules: HashMap::new(),
            open,
        }
    }

    pub fn repo(&self, index: usize) -> &CachedRepo {
        &self.repos[index].0
    }

    /// The main repository's tree.
    pub fn main_tree(&self) -> &HashMap<String, TreeEntry> {
        &self.repos[0].1
    }

    /// The file at `path` (of the main repository).
    pub fn find(&mut self, path: &str) -> Result<Found, Missing> {
        self.find_in(0, path, 0)
    }

    fn find_in(&mut self, repo: usize, path: &str, hops: u32) -> Result<Found, Missing> {
        // Link chains and nested submodules deeper than this are not followed.
        if hops > 16 {
            return Err(Missing::NotInTree);
        }
        if let Some(entry) = self.repos[repo].1.get(path).cloned() {
            return match entry.mode.as_str() {
                "120000" => {
                    let target = self.blob(repo, &entry.oid).ok_or(Missing::NotInTree)?;
                    let target = String::from_utf8_lossy(&target).into_owned();
                    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
                    let resolved = join(dir, &target).ok_or(Missing::NotInTree)?;
                    self.find_in(repo, &resolved, hops + 1)
                }
                "160000" => Err(Missing::NotInTree),
                _ => Ok(Found {
                    repo,
                    oid: entry.oid,
                }),
            };
        }
        // Inside a submodule, or under a symlinked directory?
        let mut dir = path;
        while let Some((parent, _)) = dir.rsplit_once('/') {
            dir = parent;
            let Some(entry) = self.repos[repo].1.get(dir).cloned() else {
                continue;
            };
            let rest = &path[dir.len() + 1..];
            match entry.mode.as_str() {
                "160000" => {
                    let sub = self.submodule(repo, dir, &entry.oid)?;
                    return self.find_in(sub, rest, hops + 1);
                }
                "120000" => {
                    let target = self.blob(repo, &entry.oid).ok_or(Missing::NotInTree)?;
                    let target = String::from_utf8_lossy(&target).into_owned();
                    let parent_dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
                    let base = join(parent_dir, &target).ok_or(Missing::NotInTree)?;
                    let resolved = join(&base, rest).ok_or(Missing::NotInTree)?;
                    return self.find_in(repo, &resolved, hops + 1);
                }
                _ => return Err(Missing::NotInTree),
            }
        }
        Err(Missing::NotInTree)
    }

    fn blob(&self, repo: usize, oid: &str) -> Option<Vec<u8>> {
        self.repos[repo].0.blobs(&[oid]).ok()?.remove(oid)
    }

    /// The repository of the submodule at `path` of `repo`, pinned at `commit`.
    fn submodule(&mut self, repo: usize, path: &str, commit: &str) -> Result<usize, Missing> {
        let key = (repo, path.to_string());
        if let Some(done) = self.submodules.get(&key) {
            return done.clone().map_err(Missing::Submodule);
        }
        let opened = self.open_submodule(repo, path, commit);
        let result = opened.map(|(cached, tree)| {
            self.repos.push((cached, tree));
            self.repos.len() - 1
        });
        self.submodules.insert(key, result.clone());
        result.map_err(Missing::Submodule)
    }

    fn open_submodule(
        &self,
        repo: usize,
        path: &str,
        commit: &str,
    ) -> Result<(CachedRepo, HashMap<String, TreeEntry>), String> {
        let (outer, tree) = &self.repos[repo];
        let modules = tree
            .get(".gitmodules")
            .and_then(|e| self.blob(repo, &e.oid))
            .ok_or_else(|| format!("submodule `{path}`: the commit has no .gitmodules"))?;
        let url = submodule_url(&String::from_utf8_lossy(&modules), path)
            .ok_or_else(|| format!("submodule `{path}`: not in .gitmodules"))?;
        let url = resolve_relative(&outer.url, &url);
        let cached =
            (self.open)(&url, commit).map_err(|e| format!("submodule `{path}` ({url}): {e}"))?;
        let tree = cached
            .tree(commit)
            .map_err(|GitFailure(e)| format!("submodule `{path}` ({url}): {e}"))?;
        Ok((cached, tree))
    }
}

/// The `url` of the submodule whose `path` is `path`, from `.gitmodules` (git-config syntax).
pub fn submodule_url(gitmodules: &str, path: &str) -> Option<String> {
    let mut section_path = None;
    let mut section_url = None;
    let mut found = None;
    let mut flush = |p: &mut Option<String>, u: &mut Option<String>| {
        if p.as_deref() == Some(path) && found.is_none() {
            found = u.clone();
        }
        *p = None;
        *u = None;
    };
    for line in gitmodules.lines().map(str::trim) {
        if line.starts_with('[') {
            flush(&mut section_path, &mut section_url);
        } else if let Some((k, v)) = line.split_once('=') {
            let v = v.trim().trim_matches('"').to_string();
            match k.trim() {
                "path" => section_path = Some(v),
                "url" => section_url = Some(v),
                _ => {}
            }
        }
    }
    flush(&mut section_path, &mut section_url);
    found
}

/// A submodule URL relative to the superproject's (`../other.git`), made absolute as git does.
pub fn resolve_relative(base: &str, url: &str) -> String {
    if !(url.starts_with("./") || url.starts_with("../")) {
        return url.to_string();
    }
    let mut base = base.trim_end_matches('/').to_string();
    let mut rest = url;
    loop {
        if let Some(r) = rest.strip_prefix("./") {
            rest = r;
        } else if let Some(r) = rest.strip_prefix("../") {
            rest = r;
            if let Some((b, _)) = base.rsplit_once('/') {
                base = b.to_string();
            }
        } else {
            break;
        }
    }
    format!("{base}/{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitmodules() {
        let text = "[submodule \"vendor/zlib\"]\n\tpath = vendor/zlib\n\turl = https://github.com/madler/zlib\n[submodule \"x\"]\n\tpath = x\n\turl = ../x.git\n";
        assert_eq!(
            submodule_url(text, "vendor/zlib").as_deref(),
            Some("https://github.com/madler/zlib")
        );
        assert_eq!(submodule_url(text, "x").as_deref(), Some("../x.git"));
        assert_eq!(submodule_url(text, "y"), None);
        assert_eq!(
            resolve_relative("https://github.com/a/b.git", "../x.git"),
            "https://github.com/a/x.git"
        );
        assert_eq!(
            resolve_relative("file:///r/main", "./sub"),
            "file:///r/main/sub"
        );
        assert_eq!(
            resolve_relative("https://h/a/b", "https://o/c"),
            "https://o/c"
        );
    }
}
