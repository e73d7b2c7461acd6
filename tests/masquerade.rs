//! The driver must be indistinguishable from rustc wherever cargo probes it: version queries,
//! `--print` requests and the stdin probe cargo uses to learn target information.

use std::io::Write;
use std::process::{Command, Stdio};

fn run(
    program: &std::path::Path,
    wrapper_arg: bool,
    args: &[&str],
    stdin: Option<&str>,
) -> (String, String, bool) {
    let mut cmd = Command::new(program);
    if wrapper_arg {
        cmd.arg("rustc");
    }
    cmd.args(args)
        .env("RUSTUP_TOOLCHAIN", painter_tests::pinned_toolchain());
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

fn rustc() -> std::path::PathBuf {
    "rustc".into()
}

fn assert_same(args: &[&str], stdin: Option<&str>) {
    let driver = painter_tests::driver();
    let expected = run(&rustc(), false, args, stdin);
    assert!(expected.2, "rustc {args:?} failed: {}", expected.1);
    // As cargo calls a RUSTC_WRAPPER (`driver rustc ARGS`) and as a person would (`driver ARGS`).
    for wrapper_arg in [true, false] {
        let actual = run(driver, wrapper_arg, args, stdin);
        assert_eq!(
            actual, expected,
            "painter-driver differs from rustc for {args:?}"
        );
    }
}

#[test]
fn version_is_rustcs() {
    assert_same(&["-vV"], None);
    assert_same(&["-V"], None);
}

#[test]
fn print_requests_are_rustcs() {
    assert_same(&["--print", "sysroot"], None);
    assert_same(&["--print=cfg"], None);
    assert_same(&["--print", "target-list"], None);
}

#[test]
fn cargo_stdin_probe_is_rustcs() {
    // What cargo runs to learn file names and cfgs of the target.
    let probe = [
        "-",
        "--crate-name",
        "___",
        "--print=file-names",
        "--crate-type",
        "bin",
        "--crate-type",
        "rlib",
        "--crate-type",
        "dylib",
        "--crate-type",
        "cdylib",
        "--crate-type",
        "staticlib",
        "--crate-type",
        "proc-macro",
        "--print=sysroot",
        "--print=split-debuginfo",
        "--print=crate-name",
        "--print=cfg",
    ];
    assert_same(&probe, Some(""));
}

#[test]
fn a_compile_error_is_rustcs() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.rs");
    std::fs::write(&file, "fn main() { let x: u32 = \"no\"; }\n").unwrap();
    let out_dir = dir.path().to_str().unwrap();
    let args = [
        "--edition",
        "2021",
        "--emit=metadata",
        "--out-dir",
        out_dir,
        file.to_str().unwrap(),
    ];
    let expected = run(&rustc(), false, &args, None);
    let actual = run(painter_tests::driver(), true, &args, None);
    assert!(!expected.2 && !actual.2, "both must fail");
    assert_eq!(actual.1, expected.1, "the error output must be rustc's");
}
