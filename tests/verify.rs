//! `cargo painter verify` end to end on a `.crate` packaged by cargo from a git repository served
//! by `file://`: the table, JSON and SARIF outputs and the `--deny` exit codes. (Every verdict is
//! tested in painter-verify's own tests.)

use std::process::Command;

use painter_tests::cargo_painter;
use serde_json::Value;

fn git(dir: &std::path::Path, args: &[&str]) {
    let ok = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgSign=false",
        ])
        .args(args)
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn verify_a_crate_file_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let url = format!("file://{}", dir.display());
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"fixture\"\nversion = \"0.2.0\"\nedition = \"2021\"\n\
             description = \"d\"\nlicense = \"MIT\"\nrepository = \"{url}\"\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), "pub fn f() {}\n").unwrap();
    std::fs::write(dir.join(".gitignore"), "/target\n").unwrap();
    git(&dir, &["init", "--quiet"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "--quiet", "-m", "init"]);
    git(&dir, &["tag", "v0.2.0"]);
    let ok = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&dir)
        .args(["package", "--no-verify", "--offline", "--quiet"])
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let file = dir.join("target/package/fixture-0.2.0.crate");
    let cache = tmp.path().join("cache");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "verify",
            "--crate-file",
            file.to_str().unwrap(),
            "--cache-dir",
            cache.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        cargo_painter(tmp.path(), &args)
    };

    let out = run(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("fixture@0.2.0  verified, tagged"), "{table}");

    let out = run(&["--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["crates"][0]["verdict"], "verified, tagged");
    assert_eq!(json["crates"][0]["tag"], "v0.2.0");
    assert_eq!(json["verdicts"]["verified, tagged"], 1);

    // Denying the verdict fails the run; SARIF lists only crates that are not verified.
    let out = run(&["--deny", "verified-tagged", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 0);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("1 crate denied by --deny verified-tagged")
    );

    // Bad input: one error line naming it.
    let out = cargo_painter(tmp.path(), &["verify", "--crate-file", "missing.crate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.crate: not a readable package"));
}
