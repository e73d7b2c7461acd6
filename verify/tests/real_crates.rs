//! The `.crate` side on real crates.io packages (crates.io is the only network the tests use):
//! downloaded through cargo into a fresh CARGO_HOME, checked against the checksum crates.io
//! publishes (this repository's Cargo.lock records it), vcs info and repository read, and —
//! offline for git, so GitHub is never asked — `repository unreachable`. Then each package is
//! compared with a local repository rebuilt from its own files (`Cargo.toml.orig` as the
//! manifest) at the commit its vcs info is rewritten to: the normalised manifests real cargo
//! versions wrote (dependencies, features, targets, build scripts) must agree with their
//! originals.

mod support;

use std::path::Path;

use painter_verify::fetch::{CrateFetcher, lockfile_packages};
use painter_verify::{Verdict, archive};
use support::*;

/// Packages of this repository's lock file: a plain library, one with dependencies and
/// features, one with a build script and target-specific code.
const CRATES: [&str; 3] = ["itoa", "serde_json", "libc"];

#[test]
fn real_crates_from_crates_io() {
    let tmp = tempfile::tempdir().unwrap();
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    let (packages, _) = lockfile_packages(&lock).unwrap();
    let fetcher = CrateFetcher::new(
        tmp.path().join("cargo-home"),
        tmp.path().join("work"),
        false,
    );
    for name in CRATES {
        let p = packages
            .iter()
            .find(|p| p.name == name)
            .expect("in Cargo.lock");
        let checksum = p.checksum.as_deref().unwrap();
        let file = fetcher.get(&p.name, &p.version, Some(checksum)).unwrap();
        assert_eq!(
            archive::sha256_hex(&std::fs::read(&file).unwrap()),
            checksum
        );

        let git_offline = verifier(&tmp.path().join("cache"), true);
        let r = git_offline
            .verify_file(&file, Some((&p.name, &p.version)))
            .unwrap();
        assert_eq!(r.verdict, Verdict::RepositoryUnreachable, "{r:#?}");
        let commit = r
            .commit
            .clone()
            .expect("crates.io crates of 2025 have vcs info");
        assert_eq!(commit.len(), 40);
        assert!(
            r.repository
                .as_deref()
                .unwrap()
                .starts_with("https://github.com/"),
            "{r:#?}"
        );
        assert_eq!(
            r.path_in_vcs.as_deref(),
            Some(""),
            "{name} is at its repository's root"
        );

        // The package's own files as a repository: every file but what cargo generates.
        let (root, mut files) = unpack(&file);
        let dir = tmp.path().join(format!("repo-{name}"));
        std::fs::create_dir_all(&dir).unwrap();
        git(&dir, &["init", "--quiet"]);
        for (path, data) in &files {
            let target = match path.as_str() {
                "Cargo.toml" | "Cargo.lock" | ".cargo_vcs_info.json" => continue,
                "Cargo.toml.orig" => dir.join("Cargo.toml"),
                p => dir.join(p),
            };
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, data).unwrap();
        }
        let head = commit_all(&dir);
        let url = file_url(&dir);
        files.insert(
            ".cargo_vcs_info.json".into(),
            format!("{{\"git\": {{\"sha1\": \"{head}\"}}, \"path_in_vcs\": \"\"}}").into_bytes(),
        );
        let manifest = String::from_utf8(files["Cargo.toml"].clone()).unwrap();
        let repository = r.repository.clone().unwrap();
        files.insert(
            "Cargo.toml".into(),
            manifest
                .replace(
                    &format!("repository = \"{repository}\""),
                    &format!("repository = \"{url}\""),
                )
                .into_bytes(),
        );
        let local = tmp.path().join(format!("{root}.crate"));
        repack(&local, &root, &files);
        let r = verifier(&tmp.path().join("cache"), false)
            .verify_file(&local, Some((&p.name, &p.version)))
            .unwrap();
        assert_eq!(r.verdict, Verdict::Verified, "{name}: {r:#?}");
        assert_eq!(r.files.matched + r.files.generated, r.files.total, "{r:#?}");
    }
}

/// Commit everything, ignored files included (a package may hold files its .gitignore names).
fn commit_all(dir: &Path) -> String {
    git(dir, &["add", "-A", "--force"]);
    git(dir, &["commit", "--quiet", "-m", "package contents"]);
    git(dir, &["rev-parse", "HEAD"])
}
