//! The sides of `cargo painter diff`, each made into a linked graph: a graph or dataset as it
//! is; the workspace analysed as the default command does; the workspace at a git revision
//! (a detached `git worktree`) or with another `Cargo.lock` (a copy of the workspace with the
//! lock swapped, built `--locked`), each analysed by the same pipeline into its own out
//! directory, sharing the workspace's painter target directory so dependencies are reused; a
//! crates.io crate at a version, analysed by the ecosystem runner.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::analyse::{self, Analysed};
use crate::cli::{AnalyseArgs, CargoFlags};

/// One side, as the user named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    Graph(PathBuf),
    Workspace,
    Rev(String),
    Lock(PathBuf),
    Crate { name: String, version: String },
}

impl Side {
    /// `rev:REV`, `crate:NAME@VERSION`, `workspace`, a `*.lock` file, else a graph path.
    pub fn parse(text: &str) -> Result<Side> {
        if let Some(rev) = text.strip_prefix("rev:") {
            return Ok(Side::Rev(rev.to_string()));
        }
        if let Some(spec) = text.strip_prefix("crate:") {
            let (name, version) = spec
                .split_once('@')
                .with_context(|| format!("`{text}`: write crate:NAME@VERSION"))?;
            return Ok(Side::Crate {
                name: name.into(),
                version: version.into(),
            });
        }
        if text == "workspace" {
            return Ok(Side::Workspace);
        }
        let path = PathBuf::from(text);
        if path.is_file() && text.ends_with(".lock") {
            return Ok(Side::Lock(path));
        }
        if !path.exists() {
            bail!(
                "{text}: no such graph, dataset or lock file (sides: a graph, a Cargo.lock, \
                 rev:REV, crate:NAME@VERSION or workspace)"
            );
        }
        Ok(Side::Graph(path))
    }

    pub fn label(&self) -> String {
        match self {
            Side::Graph(p) | Side::Lock(p) => p.display().to_string(),
            Side::Workspace => "the workspace".into(),
            Side::Rev(r) => format!("rev {r}"),
            Side::Crate { name, version } => format!("{name}@{version}"),
        }
    }
}

/// Where the sides' analyses go, and the flags they share.
pub struct SideContext<'a> {
    pub cargo: &'a CargoFlags,
    pub work_dir: Option<&'a Path>,
}

/// The graph of a side: a path to read, or the exit code of a build that failed.
pub enum Made {
    Graph(PathBuf),
    BuildFailed(std::process::ExitCode),
}

/// Make the graph of every non-crate side (crate sides go through [`super::crates`]).
pub fn make(side: &Side, cx: &SideContext<'_>, slot: &str) -> Result<Made> {
    match side {
        Side::Graph(path) => Ok(Made::Graph(path.clone())),
        Side::Workspace => analyse_with(cx.cargo.clone(), None),
        Side::Rev(rev) => {
            let ws = workspace_root(cx.cargo)?;
            let work = work_dir(cx)?.join(format!("{slot}-rev"));
            let tree = work.join("tree");
            let repo = git_toplevel(&ws)?;
            remove_worktree(&repo, &tree);
            eprintln!("     Checking out {rev} into {}", tree.display());
            git(
                &repo,
                &["worktree", "add", "--detach", "--force"],
                &[tree.as_os_str(), rev.as_ref()],
            )
            .with_context(|| format!("cannot check out `{rev}`"))?;
            let flags = moved_flags(cx.cargo, &repo, &tree, &ws)?;
            let made = analyse_with(flags, Some(work.clone()));
            remove_worktree(&repo, &tree);
            made
        }
        Side::Lock(lock) => {
            let ws = workspace_root(cx.cargo)?;
            let work = work_dir(cx)?.join(format!("{slot}-lock"));
            let copy = work.join("workspace");
            let _ = std::fs::remove_dir_all(&copy);
            let target = target_dir(cx.cargo)?;
            copy_workspace(&ws, &copy, &[target.as_path(), work_dir(cx)?.as_path()])?;
            std::fs::copy(lock, copy.join("Cargo.lock"))
                .with_context(|| format!("cannot read {}", lock.display()))?;
            let mut flags = moved_flags(cx.cargo, &ws, &copy, &ws)?;
            flags.locked = true;
            let made = analyse_with(flags, Some(work.clone()));
            let _ = std::fs::remove_dir_all(&copy);
            made
        }
        Side::Crate { .. } => unreachable!("crate sides are analysed by the ecosystem runner"),
    }
}

fn analyse_with(cargo: CargoFlags, out: Option<PathBuf>) -> Result<Made> {
    let args = AnalyseArgs {
        cargo,
        out,
        // The linked graph is read right after: link it while the units are in memory.
        link: true,
        ..AnalyseArgs::default()
    };
    Ok(match analyse::analyse(&args, false)? {
        Analysed::Linked(out) => Made::Graph(out.graph),
        Analysed::BuildFailed(code) => Made::BuildFailed(code),
    })
}

/// The workspace's flags for a copy of it at `to` (a worktree or a copy of `from`): the
/// manifest moved along, and the workspace's own target directory, so that every dependency
/// already analysed there is reused.
fn moved_flags(flags: &CargoFlags, from: &Path, to: &Path, ws: &Path) -> Result<CargoFlags> {
    let manifest = match &flags.manifest_path {
        Some(m) => std::path::absolute(m)?,
        None => ws.join("Cargo.toml"),
    };
    let relative = manifest
        .strip_prefix(from)
        .with_context(|| format!("{} is not inside {}", manifest.display(), from.display()))?;
    let mut moved = flags.clone();
    moved.manifest_path = Some(to.join(relative));
    moved.target_dir = Some(target_dir(flags)?);
    Ok(moved)
}

/// The workspace root and target directory, from cargo metadata.
fn metadata(flags: &CargoFlags) -> Result<crate::cargo::workspace::Workspace> {
    let toolchain = crate::cargo::toolchain::locate()?;
    crate::cargo::workspace::load(&toolchain, flags)
}

fn workspace_root(flags: &CargoFlags) -> Result<PathBuf> {
    Ok(metadata(flags)?.root)
}

fn target_dir(flags: &CargoFlags) -> Result<PathBuf> {
    Ok(metadata(flags)?.target_dir)
}

/// `--work-dir`, or `<target-dir>/painter/diff`.
pub fn work_dir(cx: &SideContext<'_>) -> Result<PathBuf> {
    match cx.work_dir {
        Some(dir) => Ok(std::path::absolute(dir)?),
        None => Ok(metadata(cx.cargo)?.painter_target_dir().join("diff")),
    }
}

fn git_toplevel(dir: &Path) -> Result<PathBuf> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .context("cannot run git")?;
    if !out.status.success() {
        bail!(
            "{}: not in a git repository (needed for rev: sides)",
            dir.display()
        );
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

fn git(repo: &Path, args: &[&str], paths: &[&std::ffi::OsStr]) -> Result<()> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .args(paths)
        .output()
        .context("cannot run git")?;
    if !out.status.success() {
        bail!("{}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

/// Remove a worktree of an earlier (or this) run; nothing when there is none.
fn remove_worktree(repo: &Path, tree: &Path) {
    if tree.exists() {
        let _ = git(
            repo,
            &["worktree", "remove", "--force"],
            &[tree.as_os_str()],
        );
        let _ = std::fs::remove_dir_all(tree);
    }
    let _ = git(repo, &["worktree", "prune"], &[]);
}

/// Copy the workspace's files, leaving out `.git`, `target` and the directories in `skip`.
fn copy_workspace(from: &Path, to: &Path, skip: &[&Path]) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in
        std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?
    {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        if name == ".git" || name == "target" || skip.iter().any(|s| path == *s) {
            continue;
        }
        let dest = to.join(&name);
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_workspace(&path, &dest, skip)?;
        } else if kind.is_file() {
            std::fs::copy(&path, &dest)
                .with_context(|| format!("cannot copy {}", path.display()))?;
        } else if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&path)?, &dest)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sides_parse() {
        assert_eq!(Side::parse("rev:main").unwrap(), Side::Rev("main".into()));
        assert_eq!(
            Side::parse("crate:smallvec@1.6.0").unwrap(),
            Side::Crate {
                name: "smallvec".into(),
                version: "1.6.0".into()
            }
        );
        assert_eq!(Side::parse("workspace").unwrap(), Side::Workspace);
        assert!(Side::parse("crate:smallvec").is_err());
        let err = Side::parse("/no/such/graph").unwrap_err().to_string();
        assert!(err.starts_with("/no/such/graph: no such graph"), "{err}");
        let dir = crate::test_util::TempDir::new("sides");
        let lock = dir.path().join("Cargo.lock");
        std::fs::write(&lock, "").unwrap();
        assert_eq!(
            Side::parse(lock.to_str().unwrap()).unwrap(),
            Side::Lock(lock)
        );
        assert_eq!(
            Side::parse(dir.path().to_str().unwrap()).unwrap(),
            Side::Graph(dir.path().to_path_buf())
        );
    }
}
