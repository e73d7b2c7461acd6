//! Git repositories on disk, `cargo package` run in them, and `.crate` files rewritten the way
//! a publisher could rewrite an upload (crates.io accepts any tarball from `cargo publish`'s
//! API): the fixtures of the verdict tests, with no network.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use painter_verify::{GitLimits, Options, Verifier};

pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "protocol.file.allow=always",
        ])
        .args(["-c", "tag.gpgSign=false", "-c", "commit.gpgSign=false"])
        .args(args)
        .env_remove("GIT_DIR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

pub fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// A new repository at `dir` with `files`, committed; its HEAD.
pub fn repo(dir: &Path, files: &[(&str, &str)]) -> String {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, &["init", "--quiet"]);
    write(dir, files);
    commit(dir, "initial")
}

pub fn commit(dir: &Path, message: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "--quiet", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

pub fn file_url(dir: &Path) -> String {
    format!("file://{}", dir.display())
}

/// A package manifest with the fields `cargo package` wants.
pub fn manifest(name: &str, version: &str, repository: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\n\
         description = \"test fixture\"\nlicense = \"MIT\"\nrepository = \"{repository}\"\n"
    )
}

/// `cargo package` in `dir` (offline, no verification build); the `.crate` it wrote.
pub fn package(dir: &Path, name: &str, version: &str, extra: &[&str]) -> PathBuf {
    let target = dir.join("target");
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(dir)
        .args(["package", "--no-verify", "--offline", "--quiet", "-p", name])
        .arg("--target-dir")
        .arg(&target)
        .args(extra)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo package in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let file = target.join(format!("package/{name}-{version}.crate"));
    assert!(file.is_file(), "{} is missing", file.display());
    file
}

/// The files of a `.crate`, by path under its root directory.
pub fn unpack(file: &Path) -> (String, BTreeMap<String, Vec<u8>>) {
    let a = painter_verify::archive::read(file).unwrap();
    (a.root, a.files)
}

/// Write a `.crate` holding `files` under `root/`.
pub fn repack(file: &Path, root: &str, files: &BTreeMap<String, Vec<u8>>) {
    let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::default(),
    ));
    for (path, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, format!("{root}/{path}"), &data[..])
            .unwrap();
    }
    std::fs::write(file, tar.into_inner().unwrap().finish().unwrap()).unwrap();
}

/// Rewrite one `.crate` with `edit` applied to its files.
pub fn tamper(file: &Path, edit: impl FnOnce(&mut BTreeMap<String, Vec<u8>>)) {
    let (root, mut files) = unpack(file);
    edit(&mut files);
    repack(file, &root, &files);
}

pub fn verifier(cache: &Path, offline: bool) -> Verifier {
    Verifier::new(Options {
        cache_dir: cache.to_path_buf(),
        git: GitLimits {
            connect_timeout: Duration::from_secs(30),
            fetch_timeout: Duration::from_secs(120),
            offline,
        },
    })
}
