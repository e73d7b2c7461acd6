//! Every verdict from a real `cargo package`: git repositories on disk, served by `file://`
//! URL, packaged by cargo, some packages then rewritten as a publisher could rewrite an upload.
//! No network.

mod support;

use std::path::Path;

use painter_verify::{CrateReport, EvidenceKind, Verdict};
use support::*;

fn check(crate_file: &Path, cache: &Path, name: &str, version: &str) -> CrateReport {
    verifier(cache, false)
        .verify_file(crate_file, Some((name, version)))
        .unwrap()
}

/// A one-crate repository whose `repository` field is itself.
fn single(dir: &Path, name: &str) -> String {
    let url = file_url(dir);
    repo(
        dir,
        &[
            ("Cargo.toml", &manifest(name, "0.1.0", &url)),
            ("src/lib.rs", "pub fn answer() -> u32 {\n    42\n}\n"),
            ("README.md", "# fixture\n"),
            (".gitignore", "/target\n"),
        ],
    )
}

#[test]
fn a_clean_crate_is_verified() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("clean");
    let head = single(&dir, "clean");
    let file = package(&dir, "clean", "0.1.0", &[]);
    let r = check(&file, &tmp.path().join("cache"), "clean", "0.1.0");
    assert_eq!(r.verdict, Verdict::Verified, "{r:#?}");
    assert_eq!(r.commit.as_deref(), Some(head.as_str()));
    assert_eq!(r.path_in_vcs.as_deref(), Some(""));
    assert!(r.evidence.is_empty() && r.tag.is_none());
    // Cargo.toml, Cargo.lock and .cargo_vcs_info.json are generated; Cargo.toml.orig,
    // src/lib.rs, README.md and .gitignore are the repository's.
    assert_eq!((r.files.generated, r.files.matched), (3, 4), "{r:#?}");
    assert_eq!(r.files.total, 7);
    assert_eq!(r.checksum.as_deref().map(str::len), Some(64));

    // Offline, the commit fetched by this run is still there: verified from the cache.
    let again = verifier(&tmp.path().join("cache"), true)
        .verify_file(&file, None)
        .unwrap();
    assert_eq!(again.verdict, Verdict::Verified);
    assert!(
        again.notes.iter().any(|n| n.contains("earlier run")),
        "{again:#?}"
    );
    // With an empty cache, offline has nothing to compare with.
    let cold = verifier(&tmp.path().join("cold"), true)
        .verify_file(&file, None)
        .unwrap();
    assert_eq!(cold.verdict, Verdict::RepositoryUnreachable);
}

#[test]
fn a_tagged_crate_is_verified_and_tagged() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tagged");
    single(&dir, "tagged");
    // An annotated tag: ls-remote lists the tag object and the commit it peels to.
    git(&dir, &["tag", "-a", "-m", "release", "v0.1.0"]);
    // A tag of another release elsewhere does not count.
    let file = package(&dir, "tagged", "0.1.0", &[]);
    let r = check(&file, &tmp.path().join("cache"), "tagged", "0.1.0");
    assert_eq!(r.verdict, Verdict::VerifiedTagged, "{r:#?}");
    assert_eq!(r.tag.as_deref(), Some("v0.1.0"));

    // A tag for the version at another commit is a note, not a tag.
    let dir = tmp.path().join("retagged");
    single(&dir, "retagged");
    let file = package(&dir, "retagged", "0.1.0", &[]);
    write(&dir, &[("CHANGELOG.md", "later\n")]);
    commit(&dir, "later");
    git(&dir, &["tag", "retagged-v0.1.0"]);
    let r = check(&file, &tmp.path().join("cache"), "retagged", "0.1.0");
    assert_eq!(r.verdict, Verdict::Verified, "{r:#?}");
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("`retagged-v0.1.0` points at")),
        "{r:#?}"
    );
}

#[test]
fn a_file_changed_after_the_commit_differs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("changed");
    single(&dir, "changed");
    let file = package(&dir, "changed", "0.1.0", &[]);
    tamper(&file, |files| {
        files.insert(
            "src/lib.rs".into(),
            b"pub fn answer() -> u32 {\n    std::process::abort()\n}\n".to_vec(),
        );
    });
    let r = check(&file, &tmp.path().join("cache"), "changed", "0.1.0");
    assert_eq!(r.verdict, Verdict::FilesDiffer, "{r:#?}");
    assert_eq!(r.evidence.len(), 1, "{r:#?}");
    let e = &r.evidence[0];
    assert_eq!(
        (e.file.as_str(), e.kind),
        ("src/lib.rs", EvidenceKind::Differs)
    );
    let diff = e.diff.as_deref().unwrap();
    assert!(
        diff.contains("-    42\n+    std::process::abort()"),
        "{diff}"
    );
    assert_eq!(r.files.differ, 1);
}

#[test]
fn an_extra_file_never_committed_is_not_in_the_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("extra");
    single(&dir, "extra");
    let file = package(&dir, "extra", "0.1.0", &[]);
    tamper(&file, |files| {
        files.insert("src/payload.rs".into(), b"pub fn run() {}\n".to_vec());
    });
    let r = check(&file, &tmp.path().join("cache"), "extra", "0.1.0");
    assert_eq!(r.verdict, Verdict::FilesNotInRepository, "{r:#?}");
    assert_eq!(r.evidence.len(), 1);
    assert_eq!(r.evidence[0].file, "src/payload.rs");
    assert_eq!(r.evidence[0].kind, EvidenceKind::NotInRepository);
}

#[test]
fn a_commit_rewritten_away_is_not_found() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("amended");
    let first = single(&dir, "amended");
    let file = package(&dir, "amended", "0.1.0", &[]);
    // History rewritten after the publish, and the old commit collected.
    git(&dir, &["commit", "--quiet", "--amend", "-m", "rewritten"]);
    git(&dir, &["reflog", "expire", "--expire=now", "--all"]);
    git(&dir, &["gc", "--quiet", "--prune=now"]);
    let r = check(&file, &tmp.path().join("cache"), "amended", "0.1.0");
    assert_eq!(r.verdict, Verdict::CommitNotFound, "{r:#?}");
    assert_eq!(r.commit.as_deref(), Some(first.as_str()));
    assert!(r.notes.iter().any(|n| n.contains("is at `.`")), "{r:#?}");
}

#[test]
fn a_repository_field_naming_an_unrelated_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let popular = tmp.path().join("popular");
    let popular_head = single(&popular, "popular");
    // `hidden` claims to be the popular crate's repository.
    let dir = tmp.path().join("hidden");
    repo(
        &dir,
        &[
            (
                "Cargo.toml",
                &manifest("hidden", "0.1.0", &file_url(&popular)),
            ),
            ("src/lib.rs", "pub fn steal() {}\n"),
            (".gitignore", "/target\n"),
        ],
    );
    let file = package(&dir, "hidden", "0.1.0", &[]);
    let r = check(&file, &tmp.path().join("cache"), "hidden", "0.1.0");
    assert_eq!(r.verdict, Verdict::RepositoryDoesNotContainCrate, "{r:#?}");
    assert!(
        r.summary.contains("nor any package `hidden`"),
        "{}",
        r.summary
    );

    // Even naming a commit the repository has: its manifest is another package.
    tamper(&file, |files| {
        let info = format!("{{\"git\": {{\"sha1\": \"{popular_head}\"}}, \"path_in_vcs\": \"\"}}");
        files.insert(".cargo_vcs_info.json".into(), info.into_bytes());
    });
    let r = check(&file, &tmp.path().join("cache"), "hidden", "0.1.0");
    assert_eq!(r.verdict, Verdict::RepositoryDoesNotContainCrate, "{r:#?}");
    assert!(
        r.summary.contains("is the package `popular`, not `hidden`"),
        "{}",
        r.summary
    );
}

#[test]
fn a_crate_packaged_outside_git_has_no_vcs_info() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("plain");
    write(
        &dir,
        &[
            (
                "Cargo.toml",
                &manifest("plain", "0.1.0", "https://example.org/plain"),
            ),
            ("src/lib.rs", "pub fn f() {}\n"),
        ],
    );
    let file = package(&dir, "plain", "0.1.0", &[]);
    assert!(!unpack(&file).1.contains_key(".cargo_vcs_info.json"));
    let r = check(&file, &tmp.path().join("cache"), "plain", "0.1.0");
    assert_eq!(r.verdict, Verdict::NoVcsInfo, "{r:#?}");
    assert!(r.commit.is_none());
}

#[test]
fn a_dirty_publish_says_what_was_not_committed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dirty");
    single(&dir, "dirty");
    write(
        &dir,
        &[
            ("src/lib.rs", "pub fn answer() -> u32 {\n    43\n}\n"),
            ("src/local.rs", "// never committed\n"),
        ],
    );
    let file = package(&dir, "dirty", "0.1.0", &["--allow-dirty"]);
    let r = check(&file, &tmp.path().join("cache"), "dirty", "0.1.0");
    assert_eq!(r.verdict, Verdict::DirtyPublish, "{r:#?}");
    let mut evidence: Vec<(&str, EvidenceKind)> = r
        .evidence
        .iter()
        .map(|e| (e.file.as_str(), e.kind))
        .collect();
    evidence.sort_by_key(|e| e.0);
    assert_eq!(
        evidence,
        [
            ("src/lib.rs", EvidenceKind::Differs),
            ("src/local.rs", EvidenceKind::NotInRepository)
        ]
    );
}

#[test]
fn a_crate_in_a_workspace_subdirectory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ws");
    let url = file_url(&dir);
    repo(
        &dir,
        &[
            (
                "Cargo.toml",
                &format!(
                    "[workspace]\nmembers = [\"crates/sub\"]\nresolver = \"2\"\n\n\
                     [workspace.package]\nversion = \"0.3.1\"\nedition = \"2021\"\n\
                     license = \"MIT\"\nrepository = \"{url}\"\n"
                ),
            ),
            ("README.md", "# the workspace's readme\n"),
            ("LICENSE-MIT", "MIT License\n"),
            ("shared/consts.rs", "pub const SHARED: u8 = 7;\n"),
            (
                "crates/sub/Cargo.toml",
                "[package]\nname = \"sub\"\nversion.workspace = true\nedition.workspace = true\n\
                 repository.workspace = true\ndescription = \"member\"\n\
                 readme = \"../../README.md\"\nlicense-file = \"../../LICENSE-MIT\"\n\n\
                 [features]\ndefault = []\nextra = []\n",
            ),
            (
                "crates/sub/src/lib.rs",
                "mod consts;\npub use consts::SHARED;\n",
            ),
            (".gitignore", "/target\n"),
        ],
    );
    // A file of the package that is a symlink into the repository: cargo packages its content.
    std::os::unix::fs::symlink(
        "../../../shared/consts.rs",
        dir.join("crates/sub/src/consts.rs"),
    )
    .unwrap();
    let head = commit(&dir, "symlink");
    let file = package(&dir, "sub", "0.3.1", &[]);
    let files = unpack(&file).1;
    assert!(files.contains_key("README.md") && files.contains_key("LICENSE-MIT"));
    let r = check(&file, &tmp.path().join("cache"), "sub", "0.3.1");
    assert_eq!(r.verdict, Verdict::Verified, "{r:#?}");
    assert_eq!(r.path_in_vcs.as_deref(), Some("crates/sub"));
    assert_eq!(r.commit.as_deref(), Some(head.as_str()));
    // Cargo.toml.orig, src/lib.rs, src/consts.rs (through the link), README.md and
    // LICENSE-MIT (from the workspace root).
    assert_eq!(r.files.matched, 5, "{r:#?}");

    // The normalised manifest edited after packaging: a dependency the author never wrote.
    tamper(&file, |files| {
        let mut text = String::from_utf8(files["Cargo.toml"].clone()).unwrap();
        text.push_str("\n[dependencies.evil]\nversion = \"1\"\n");
        files.insert("Cargo.toml".into(), text.into_bytes());
    });
    let r = check(&file, &tmp.path().join("cache"), "sub", "0.3.1");
    assert_eq!(r.verdict, Verdict::FilesDiffer, "{r:#?}");
    assert_eq!(r.evidence.len(), 1);
    assert_eq!(r.evidence[0].kind, EvidenceKind::Manifest);
    assert!(
        r.evidence[0].detail.contains("`evil`"),
        "{:?}",
        r.evidence[0]
    );
}

#[test]
fn files_of_a_submodule_are_compared_with_its_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let vendored = tmp.path().join("vendored");
    repo(
        &vendored,
        &[("zlib.c", "int deflate(void) { return 0; }\n")],
    );
    let dir = tmp.path().join("sys");
    single(&dir, "sys");
    git(
        &dir,
        &[
            "submodule",
            "add",
            "--quiet",
            &file_url(&vendored),
            "vendor/zlib",
        ],
    );
    commit(&dir, "vendor zlib");
    let file = package(&dir, "sys", "0.1.0", &[]);
    assert!(unpack(&file).1.contains_key("vendor/zlib/zlib.c"));
    let r = check(&file, &tmp.path().join("cache"), "sys", "0.1.0");
    assert_eq!(r.verdict, Verdict::Verified, "{r:#?}");

    tamper(&file, |files| {
        files.insert(
            "vendor/zlib/zlib.c".into(),
            b"int deflate(void) { return 1; }\n".to_vec(),
        );
    });
    let r = check(&file, &tmp.path().join("cache"), "sys", "0.1.0");
    assert_eq!(r.verdict, Verdict::FilesDiffer, "{r:#?}");
    assert_eq!(r.evidence[0].file, "vendor/zlib/zlib.c");
}

#[test]
fn an_unreachable_repository_ends_quickly() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("gone");
    let url = file_url(&tmp.path().join("no-such-repository"));
    repo(
        &dir,
        &[
            ("Cargo.toml", &manifest("gone", "0.1.0", &url)),
            ("src/lib.rs", "\n"),
            (".gitignore", "/target\n"),
        ],
    );
    let file = package(&dir, "gone", "0.1.0", &[]);
    let r = check(&file, &tmp.path().join("cache"), "gone", "0.1.0");
    assert_eq!(r.verdict, Verdict::RepositoryUnreachable, "{r:#?}");
    assert!(r.summary.contains("no-such-repository"), "{}", r.summary);
    // The .crate is not the one asked for: an error naming it, not a verdict.
    let e = verifier(&tmp.path().join("cache"), false)
        .verify_file(&file, Some(("other", "0.1.0")))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("gone-0.1.0.crate") && e.contains("not other@0.1.0"),
        "{e}"
    );
}
