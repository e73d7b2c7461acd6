//! The compiler is the judge: for every case file, the unsafe operations painter reports for
//! the file as written must be exactly the E0133 errors rustc gives once the unsafe contexts are
//! removed — same file, line, column and kind. Removing keeps columns stable: `unsafe {`
//! becomes `       {`, and `unsafe_op_in_unsafe_fn` is denied so that ops directly in
//! `unsafe fn` bodies are reported too. Before edition 2024 (a file's `//@edition:` header),
//! calls of deprecated-safe functions (`std::env::set_var`) are the compiler's
//! `deprecated_safe_2024` lint rather than E0133; that lint is denied and counted too.

#[path = "e0133/features.rs"]
mod features;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use features::{DEFAULT, Features, REAL_CRATES};

/// (file name, line, column, kind) -> count.
type Facts = BTreeMap<(String, u32, u32, String), u32>;

/// rustc's E0133 messages start with a description of the operation.
const KINDS: &[(&str, &str)] = &[
    ("call to unsafe function", "call_unsafe_fn"),
    ("call to deprecated safe function", "call_unsafe_fn"),
    ("use of inline assembly", "inline_asm"),
    (
        "initializing type with an unsafe field",
        "init_unsafe_field",
    ),
    ("use of mutable static", "use_static_mut"),
    ("use of extern static", "use_extern_static"),
    ("use of unsafe field", "use_unsafe_field"),
    ("dereference of raw pointer", "deref_raw_pointer"),
    ("access to union field", "access_union_field"),
    (
        "mutation of layout constrained field",
        "mutate_layout_constrained_field",
    ),
    (
        "borrow of layout constrained field",
        "borrow_layout_constrained_field",
    ),
    ("unsafe binder cast", "unsafe_binder_cast"),
    ("call to function", "call_target_feature_fn"),
    ("call `", "call_drop_explicitly"),
];

fn kind_of(message: &str) -> String {
    KINDS
        .iter()
        .find(|(prefix, _)| message.starts_with(prefix))
        .map(|(_, kind)| kind.to_string())
        .unwrap_or_else(|| panic!("unknown E0133 message: {message}"))
}

/// Remove every unsafe block (and allow of `unsafe_op_in_unsafe_fn`), keeping columns.
fn strip_unsafe_contexts(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(pos) = rest.find("unsafe") {
        let (before, after) = rest.split_at(pos);
        out.push_str(before);
        let word_start = before
            .chars()
            .last()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_');
        let tail = &after["unsafe".len()..];
        if word_start && tail.trim_start().starts_with('{') {
            out.push_str("      ");
        } else {
            out.push_str("unsafe");
        }
        rest = tail;
    }
    out.push_str(rest);
    out.replace(
        "allow(unsafe_op_in_unsafe_fn)",
        "deny(unsafe_op_in_unsafe_fn) ",
    )
    .replace("allow(deprecated_safe_2024)", "deny(deprecated_safe_2024) ")
}

/// The edition of a case file: its `//@edition:` header, else 2024 (as the ui harness).
fn edition(file: &Path) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("//@edition:"))
        .map_or_else(|| "2024".to_string(), |e| e.trim().to_string())
}

fn rustc_args(file: &Path, out_dir: &Path) -> Vec<String> {
    [
        "--crate-type=lib",
        "--emit=metadata",
        "--error-format=json",
        "-Aunused",
        "-Dunsafe_op_in_unsafe_fn",
        "-Ddeprecated_safe_2024",
        "--out-dir",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([out_dir.display().to_string(), file.display().to_string()])
    .chain([format!("--edition={}", edition(file))])
    .collect()
}

/// (file, line, column, kind) of an E0133 diagnostic's primary span; `None` for any other.
fn e0133_fact(
    diag: &serde_json::Value,
    file: impl Fn(&str) -> String,
) -> Option<(String, u32, u32, String)> {
    if diag["code"]["code"] != "E0133" && diag["code"]["code"] != "deprecated_safe_2024" {
        return None;
    }
    let span = diag["spans"]
        .as_array()?
        .iter()
        .find(|s| s["is_primary"] == true)?;
    Some((
        file(span["file_name"].as_str()?),
        span["line_start"].as_u64()? as u32,
        span["column_start"].as_u64()? as u32,
        kind_of(diag["message"].as_str()?),
    ))
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// What rustc says about the stripped copy.
fn rustc_e0133(file: &Path, out_dir: &Path) -> Facts {
    let output = Command::new("rustc")
        .args(rustc_args(file, out_dir))
        .env("RUSTUP_TOOLCHAIN", painter_tests::pinned_toolchain())
        .output()
        .unwrap();
    let mut facts = Facts::new();
    for line in String::from_utf8_lossy(&output.stderr).lines() {
        let Ok(diag) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if let Some(key) = e0133_fact(&diag, file_name) {
            *facts.entry(key).or_default() += 1;
        }
    }
    facts
}

/// What painter records for the original file.
fn painter_ops(file: &Path, out_dir: &Path) -> Facts {
    let mut args = rustc_args(file, out_dir);
    args.retain(|a| a != "-Dunsafe_op_in_unsafe_fn" && a != "-Ddeprecated_safe_2024");
    let graph = painter_tests::analyse_file(file, &args, out_dir);
    assert_eq!(
        graph.status,
        painter_schema::Status::Ok,
        "{:?}",
        graph.error
    );
    let mut facts = Facts::new();
    for op in &graph.unsafe_ops {
        let key = (
            file_name(&op.span.file),
            op.span.line,
            op.span.col,
            op.kind.to_string(),
        );
        *facts.entry(key).or_default() += 1;
    }
    facts
}

fn case_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
}

#[test]
fn unsafe_ops_equal_rustcs_e0133_errors() {
    let cases = painter_tests::repo_root().join("ui-tests/unsafe");
    let work = tempfile::tempdir().unwrap();
    let stripped = work.path().join("stripped");
    painter_tests::copy_dir(&cases, &stripped);
    for path in case_files(&stripped)
        .into_iter()
        .chain(case_files(&stripped.join("auxiliary")))
    {
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, strip_unsafe_contexts(&text)).unwrap();
    }
    let mut total = 0;
    let mut mismatches = Vec::new();
    for original in case_files(&cases) {
        let name = original.file_name().unwrap().to_owned();
        let out = work.path().join("out").join(&name);
        std::fs::create_dir_all(&out).unwrap();
        let ours = painter_ops(&original, &out);
        let rustcs = rustc_e0133(&stripped.join(&name), &out);
        total += rustcs.values().sum::<u32>();
        if ours != rustcs {
            mismatches.push(format!(
                "{}:\n  painter: {ours:?}\n  rustc:   {rustcs:?}",
                original.display()
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    assert!(
        total > 50,
        "the corpus should exercise many ops, found {total}"
    );
}

/// A package of a workspace under test: its name, its directory in the workspace (`""` for
/// the root package), and the directories whose unsafe blocks are removed for it.
struct Package<'a> {
    name: &'a str,
    dir: &'a str,
    strip: &'a [&'a str],
}

/// One workspace package at a time: painter's ops for the package as written against rustc's
/// E0133 errors for a copy where only that package's unsafe blocks are removed (so its
/// dependencies still compile). Ops the copy cannot turn into errors are left out on our side:
/// those in compiler-generated blocks and in blocks written by macros of other crates.
fn check_workspace(
    fixture: &Path,
    features: &Features,
    packages: &[Package],
) -> (Vec<String>, u32) {
    let original = tempfile::tempdir().unwrap();
    painter_tests::copy_dir(fixture, original.path());
    let feature_args = features.cargo_args();
    let mut painter_args = vec!["--locked"];
    painter_args.extend(feature_args.iter().map(String::as_str));
    painter_tests::assert_success(&painter_tests::cargo_painter(
        original.path(),
        &painter_args,
    ));
    let graphs = painter_tests::crate_graphs(&original.path().join("target/painter"));
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for &Package {
        name: package,
        dir,
        strip,
    } in packages
    {
        let units: Vec<_> = graphs
            .iter()
            .filter(|g| g.krate.package == package && g.krate.primary)
            .collect();
        mismatches.extend(features.not_applied(package, &units));
        let mut ours = Facts::new();
        for graph in units {
            for op in &graph.unsafe_ops {
                let in_package_block = op
                    .context
                    .block
                    .as_ref()
                    .is_none_or(|b| !b.outside_package());
                if op.context.kind == painter_schema::ContextKind::GeneratedBlock
                    || !in_package_block
                {
                    continue;
                }
                let key = (
                    op.span.file.to_string(),
                    op.span.line,
                    op.span.col,
                    op.kind.to_string(),
                );
                *ours.entry(key).or_default() += 1;
            }
        }
        let stripped = tempfile::tempdir().unwrap();
        painter_tests::copy_dir(fixture, stripped.path());
        for to_strip in strip {
            strip_dir(&stripped.path().join(to_strip));
        }
        let output = Command::new("cargo")
            .args(["check", "--locked", "--message-format=json"])
            .args(&feature_args)
            // A root package may depend on another version of itself (dev-dependencies):
            // `-p` would be ambiguous, and without it cargo checks the root.
            .args(if dir.is_empty() {
                vec![]
            } else {
                vec!["-p", package]
            })
            .current_dir(stripped.path())
            .env("RUSTUP_TOOLCHAIN", painter_tests::pinned_toolchain())
            .env("RUSTFLAGS", "-Dunsafe_op_in_unsafe_fn")
            .env_remove("RUSTC_WRAPPER")
            .env_remove("CARGO_TARGET_DIR")
            .output()
            .unwrap();
        let mut rustcs = Facts::new();
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            if msg["reason"] != "compiler-message" {
                continue;
            }
            // rustc names files relative to the workspace root; ours are package-relative.
            let package_relative = |file: &str| {
                let file = file.strip_prefix(&format!("{dir}/")).unwrap_or(file);
                file.trim_start_matches("./").to_string()
            };
            let Some(key) = e0133_fact(&msg["message"], package_relative) else {
                continue;
            };
            *rustcs.entry(key).or_default() += 1;
        }
        if ours != rustcs && rustcs.is_empty() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let tail: String = stderr.lines().rev().take(15).collect::<Vec<_>>().join("\n");
            mismatches.push(format!(
                "{package}: rustc reported no E0133; cargo said (last lines, reversed):\n{tail}"
            ));
        } else if ours != rustcs {
            mismatches.push(format!(
                "{package}:\n  painter: {ours:?}\n  rustc:   {rustcs:?}"
            ));
        }
        if ours.is_empty() {
            mismatches.push(format!(
                "{package}: no unsafe op at all: the case checks nothing"
            ));
        }
        compared += ours.values().sum::<u32>();
    }
    (mismatches, compared)
}

fn strip_dir(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            strip_dir(&path);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, strip_unsafe_contexts(&text)).unwrap();
        }
    }
}

#[test]
fn crates_equal_rustcs_e0133_errors() {
    let root = painter_tests::repo_root();
    let mut mismatches = Vec::new();
    mismatches.extend(
        check_workspace(
            &root.join("examples/demo"),
            &DEFAULT,
            &[
                Package {
                    name: "demo-core",
                    dir: "demo-core",
                    strip: &["demo-core"],
                },
                Package {
                    name: "demo-app",
                    dir: "demo-app",
                    strip: &["demo-app"],
                },
            ],
        )
        .0,
    );
    mismatches.extend(
        check_workspace(
            &root.join("tests/fixtures/two-members"),
            &DEFAULT,
            &[Package {
                name: "alpha",
                dir: "alpha",
                strip: &["alpha"],
            }],
        )
        .0,
    );
    // The derive's generated code comes from the proc-macro crate's source: stripping it there
    // makes the expansion in `packets` unsafe-free.
    mismatches.extend(
        check_workspace(
            &root.join("tests/fixtures/proc-macro"),
            &DEFAULT,
            &[Package {
                name: "packets",
                dir: "packets",
                strip: &["packets", "first-byte-derive"],
            }],
        )
        .0,
    );
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// Real crates.io crates with a lot of unsafe code (zmij has `asm!`), each copied out of the
/// registry and analysed as the root package with the features `REAL_CRATES` names (passed
/// to painter and to rustc alike), compared with rustc.
#[test]
fn real_crates_equal_rustcs_e0133_errors() {
    let fixture = painter_tests::repo_root().join("tests/fixtures/unsafe-heavy");
    let metadata = Command::new("cargo")
        .args(["metadata", "--format-version=1", "--locked"])
        .current_dir(&fixture)
        .env("RUSTUP_TOOLCHAIN", painter_tests::pinned_toolchain())
        .output()
        .unwrap();
    assert!(
        metadata.status.success(),
        "{}",
        String::from_utf8_lossy(&metadata.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&metadata.stdout).unwrap();
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for (name, features) in REAL_CRATES {
        let package = metadata["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == *name)
            .unwrap_or_else(|| panic!("{name} is not in the fixture's dependencies"));
        let manifest = Path::new(package["manifest_path"].as_str().unwrap());
        let root = tempfile::tempdir().unwrap();
        painter_tests::copy_dir(manifest.parent().unwrap(), root.path());
        let lock = Command::new("cargo")
            .arg("generate-lockfile")
            .current_dir(root.path())
            .env("RUSTUP_TOOLCHAIN", painter_tests::pinned_toolchain())
            .output()
            .unwrap();
        assert!(
            lock.status.success(),
            "{}",
            String::from_utf8_lossy(&lock.stderr)
        );
        let package = Package {
            name,
            dir: "",
            strip: &["src"],
        };
        let (found, ops) = check_workspace(root.path(), features, &[package]);
        mismatches.extend(found);
        compared += ops;
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    eprintln!("{compared} unsafe operations compared with rustc's E0133 errors");
    assert!(compared > 1000, "only {compared} ops compared");
}

#[test]
fn stripping_keeps_columns() {
    let source = "fn f(p: *const u8) -> u8 { unsafe { *p } }\nunsafe fn g() {}\n";
    let stripped = strip_unsafe_contexts(source);
    assert_eq!(
        stripped,
        "fn f(p: *const u8) -> u8 {        { *p } }\nunsafe fn g() {}\n"
    );
}
