//! What cargo painter needs to know about the user's workspace before the build: the user's
//! target directory (from `cargo metadata`, honouring `--manifest-path`, `--target-dir` and
//! config, or from the last run's answer when nothing it depends on changed), and how to name
//! a package from the `package_id` of a cargo message.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
};

use anyhow::{Result, anyhow};
use cargo_metadata::{MetadataCommand, PackageId};

use super::toolchain::Toolchain;
use super::workspace_cache::{self, Facts};
use crate::cli::CargoFlags;

#[derive(Debug, Default)]
pub struct Workspace {
    /// The workspace root (where `Cargo.lock` is).
    pub root: PathBuf,
    /// The user's target directory; painter builds in `<target_dir>/painter`.
    pub target_dir: PathBuf,
    /// The user configured a `build.build-dir` of its own, which `--target-dir` does not move.
    pub separate_build_dir: bool,
    /// Workspace members by id: `(package name, version)`.
    members: HashMap<PackageId, (String, String)>,
}

/// The workspace of the user's invocation: from the cache when nothing cargo would read for
/// it changed ([`super::workspace_cache`]), else from `cargo metadata --no-deps`.
pub fn load(toolchain: &Toolchain, flags: &CargoFlags) -> Result<Workspace> {
    let cargo = toolchain.cargo();
    let facts = match workspace_cache::lookup(&cargo, flags) {
        Some(facts) => {
            log::debug!("workspace facts unchanged: no `cargo metadata`");
            facts
        }
        None => {
            let facts = metadata(&cargo, flags)?;
            workspace_cache::store(&cargo, flags, &facts);
            facts
        }
    };
    let target_dir = match &flags.target_dir {
        Some(dir) => std::path::absolute(dir)?,
        None => facts.target_directory.clone(),
    };
    let separate_build_dir = facts
        .build_directory
        .as_ref()
        .is_some_and(|b| *b != facts.target_directory);
    let members = facts
        .members
        .into_iter()
        .map(|(id, name, version)| (PackageId { repr: id }, (name, version)))
        .collect();
    Ok(Workspace {
        root: facts.root,
        target_dir,
        separate_build_dir,
        members,
    })
}

/// Run `cargo metadata --no-deps` with the pinned cargo.
///
/// `--no-deps`: the full resolve would only serve to name dependencies, which their package
/// id spells out already (see [`parse_package_id`]), and it costs a noticeable part of a no-op
/// `cargo check` (docs/design.md#budgets allows 5% on top of one).
fn metadata(cargo: &Path, flags: &CargoFlags) -> Result<Facts> {
    let mut cmd = MetadataCommand::new();
    cmd.cargo_path(cargo)
        .no_deps()
        .env("RUSTUP_TOOLCHAIN", crate::cargo::toolchain::PINNED);
    if let Some(manifest) = &flags.manifest_path {
        cmd.manifest_path(manifest);
    }
    let mut other = Vec::new();
    for (set, flag) in [
        (flags.locked, "--locked"),
        (flags.offline, "--offline"),
        (flags.frozen, "--frozen"),
    ] {
        if set {
            other.push(flag.to_string());
        }
    }
    for config in &flags.config {
        other.extend(["--config".to_string(), config.clone()]);
    }
    cmd.other_options(other);
    log::debug!("{:?}", cmd.cargo_command());
    let metadata = cmd.exec().map_err(|e| match e {
        // Cargo's own message (`error: could not find Cargo.toml …`) is the clearest one.
        cargo_metadata::Error::CargoMetadata { stderr } => {
            anyhow!("{}", stderr.trim().trim_start_matches("error: "))
        }
        other => anyhow!("cannot read the workspace: {other}"),
    })?;
    let manifests = metadata
        .packages
        .iter()
        .map(|p| p.manifest_path.clone().into_std_path_buf())
        .chain([metadata
            .workspace_root
            .join("Cargo.toml")
            .into_std_path_buf()])
        .collect();
    Ok(Facts {
        root: metadata.workspace_root.into_std_path_buf(),
        target_directory: metadata.target_directory.into_std_path_buf(),
        build_directory: metadata.build_directory.map(|b| b.into_std_path_buf()),
        members: metadata
            .packages
            .into_iter()
            .map(|p| (p.id.repr, p.name.to_string(), p.version.to_string()))
            .collect(),
        manifests,
    })
}

impl Workspace {
    /// Where painter's own build goes: never the user's target dir itself (docs/design.md#wiring).
    pub fn painter_target_dir(&self) -> PathBuf {
        self.target_dir.join("painter")
    }

    /// `(package name, version)` of a message's package.
    pub fn package_name_version(&self, id: &PackageId) -> Option<(String, String)> {
        self.members
            .get(id)
            .cloned()
            .or_else(|| parse_package_id(&id.repr))
    }

    #[cfg(test)]
    pub fn for_tests(target_dir: &Path) -> Workspace {
        Workspace {
            target_dir: target_dir.to_path_buf(),
            ..Workspace::default()
        }
    }
}

/// Name and version from a package id, in cargo's documented Package ID Specification form
/// (`registry+https://…#regex@1.13.2`, `path+file:///w/core#demo-core@0.1.0`, or
/// `path+file:///w/regex#1.13.2` when the name is the URL's last path segment), or the
/// pre-1.77 form `regex 1.13.2 (registry+https://…)`.
pub fn parse_package_id(repr: &str) -> Option<(String, String)> {
    if let Some((name, rest)) = repr.split_once(' ') {
        let version = rest.split_whitespace().next()?;
        return Some((name.to_string(), version.to_string()));
    }
    let (url, fragment) = repr.rsplit_once('#')?;
    if let Some((name, version)) = fragment.split_once('@') {
        return Some((name.to_string(), version.to_string()));
    }
    let path = url.split(['?', '#']).next()?.trim_end_matches('/');
    let name = Path::new(path).file_name()?.to_str()?;
    Some((name.to_string(), fragment.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Option<(String, String)> {
        parse_package_id(s)
    }

    fn pair(name: &str, version: &str) -> Option<(String, String)> {
        Some((name.to_string(), version.to_string()))
    }

    #[test]
    fn package_id_specs() {
        assert_eq!(
            parse("registry+https://github.com/rust-lang/crates.io-index#regex@1.13.2"),
            pair("regex", "1.13.2")
        );
        assert_eq!(
            parse("sparse+https://my.reg/index/#my-crate@0.2.0-beta.1"),
            pair("my-crate", "0.2.0-beta.1")
        );
        assert_eq!(
            parse("path+file:///tmp/cp-exp/pm#0.1.0"),
            pair("pm", "0.1.0")
        );
        assert_eq!(
            parse("path+file:///w/core#demo-core@0.1.0"),
            pair("demo-core", "0.1.0")
        );
        assert_eq!(
            parse("git+https://github.com/a/serde?branch=main#1.0.0"),
            pair("serde", "1.0.0")
        );
        assert_eq!(
            parse("git+https://github.com/a/b?rev=abc#serde_json@1.0.1"),
            pair("serde_json", "1.0.1")
        );
        assert_eq!(
            parse("regex 1.13.2 (registry+https://github.com/rust-lang/crates.io-index)"),
            pair("regex", "1.13.2")
        );
        assert_eq!(parse("nonsense"), None);
    }

    #[test]
    fn members_take_precedence() {
        let mut ws = Workspace::for_tests(Path::new("/t"));
        let id = PackageId {
            repr: "path+file:///w/x#0.1.0".into(),
        };
        assert_eq!(ws.package_name_version(&id), pair("x", "0.1.0"));
        ws.members
            .insert(id.clone(), ("real-name".into(), "0.1.0".into()));
        assert_eq!(ws.package_name_version(&id), pair("real-name", "0.1.0"));
        assert_eq!(ws.painter_target_dir(), Path::new("/t/painter"));
    }
}
