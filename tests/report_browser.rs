//! The review workflow on the demo, end to end: `cargo painter --html` writes the report,
//! the demo gets one new unsafe block and one new FFI call, `cargo painter diff --rev HEAD`
//! reports exactly those (and `--deny` fails), `diff OLD NEW` on two graph paths agrees, and
//! every page type of the report (with its diff page) loads in headless Chromium from a
//! `file://` URL — also with the network cut — without a console error, showing the expected
//! crates, ops and paths. Screenshots are kept in `target/painter-test-artifacts/report/`.

#[path = "report_browser/chromium.rs"]
mod chromium;

use std::path::Path;
use std::process::Command;

use painter_tests::{assert_success, cargo_painter, repo_root};

/// What the test adds to demo-core: a safe wrapper around one unsafe block (a deref) and one
/// around a call of a libc function the demo did not use.
const ADDED: &str = r#"
/// Reads the first byte through a raw pointer.
pub fn first_byte(data: &[u8]) -> u8 {
    let p = data.as_ptr();
    unsafe { *p }
}

/// The parent's process id.
pub fn parent_id() -> i32 {
    unsafe { libc::getppid() }
}
"#;

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git");
    assert!(status.success(), "git {args:?}");
}

fn artefacts() -> std::path::PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
        .join("painter-test-artifacts/report");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn diff_and_report_of_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("demo");
    painter_tests::copy_dir(&repo_root().join("examples/demo"), &ws);
    git(&ws, &["init", "-q"]);
    git(&ws, &["add", "-A"]);
    git(&ws, &["commit", "-qm", "demo"]);
    let site = dir.path().join("site");

    // The report of the demo as it is, written by the main command's option.
    let out = cargo_painter(&ws, &["--locked", "--html", site.to_str().unwrap()]);
    assert_success(&out);
    let old_graph = dir.path().join("old-graph");
    std::fs::rename(ws.join("target/painter/graph"), &old_graph).unwrap();

    let lib = ws.join("demo-core/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, format!("{text}{ADDED}")).unwrap();

    // --rev HEAD: the committed demo (analysed in a worktree) against the edited one.
    let out = cargo_painter(
        &ws,
        &["diff", "--locked", "--rev", "HEAD", "--format", "json"],
    );
    assert_success(&out);
    let diff: painter_review::Diff = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        diff.crates.len(),
        1,
        "only demo-core changed: {:#?}",
        diff.crates
    );
    let core = &diff.crates[0];
    assert_eq!(core.new_key.as_deref(), Some("demo-core@0.1.0"));
    let added: Vec<(&str, &str, Option<&str>)> = core
        .ops
        .added
        .iter()
        .map(|o| (o.function.as_str(), o.kind.as_str(), o.callee.as_deref()))
        .collect();
    assert_eq!(
        added,
        [
            ("demo_core::first_byte", "deref_raw_pointer", None),
            (
                "demo_core::parent_id",
                "call_unsafe_fn",
                Some("libc::unix::getppid")
            ),
        ]
    );
    assert!(core.ops.removed.is_empty() && core.ops.moved.is_empty());
    assert!(core.declarations.is_empty(), "{:?}", core.declarations);
    let symbols: Vec<&str> = core
        .ffi
        .imports
        .added
        .iter()
        .map(|i| i.symbol.as_str())
        .collect();
    assert_eq!(symbols, ["getppid"]);
    assert!(core.ffi.libraries.is_empty() && core.ffi.imports.removed.is_empty());
    let public: Vec<&str> = diff
        .reach
        .public_reaching_unsafe
        .iter()
        .map(|r| r.function.as_str())
        .collect();
    assert_eq!(public, ["demo_core::first_byte", "demo_core::parent_id"]);
    let ffi: Vec<&str> = diff
        .reach
        .public_reaching_ffi
        .iter()
        .map(|r| r.function.as_str())
        .collect();
    assert_eq!(ffi, ["demo_core::parent_id"]);

    // --deny fails on them, with the counts on stderr.
    let out = cargo_painter(
        &ws,
        &[
            "diff",
            "--locked",
            "--rev",
            "HEAD",
            "--deny",
            "new-unsafe,new-ffi,new-unsafe-impl",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("denied by --deny: 2 new-unsafe, 1 new-ffi"),
        "{stderr}"
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("+ deref_raw_pointer in demo_core::first_byte"),
        "{table}"
    );

    // Two graph paths give the same diff; markdown names the items.
    let new_graph = ws.join("target/painter/graph");
    let out = cargo_painter(
        &ws,
        &[
            "diff",
            old_graph.to_str().unwrap(),
            new_graph.to_str().unwrap(),
            "--format",
            "markdown",
            "--html",
            site.to_str().unwrap(),
        ],
    );
    assert_success(&out);
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("call_unsafe_fn `libc::unix::getppid` in `demo_core::parent_id`"),
        "{md}"
    );
    assert!(md.contains("foreign fn `getppid`"), "{md}");

    browse(&site);
}

/// Every page type in the browser.
fn browse(site: &Path) {
    let Some(browser) = chromium::find() else {
        return;
    };
    // Nothing of the site's pages, styles and scripts points at the network (the data's
    // source excerpts may quote URLs: the pages show them as text, never load them).
    let data = site.join("data");
    for file in painter_tests::files_ending_with(site, "")
        .into_iter()
        .filter(|f| !f.starts_with(&data))
    {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let text = text.replace("http://www.w3.org/2000/svg", "");
        assert!(
            !text.contains("http://") && !text.contains("https://"),
            "{} names a URL",
            file.display()
        );
    }
    let url = |page: &str| format!("file://{}/{page}", site.display());
    let offline = chromium::can_cut_network();
    let pages: [(&str, &str, &[&str]); 6] = [
        (
            "overview",
            "index.html",
            &[
                "data-crate=\"demo-core@0.1.0\"",
                "<rect",
                "id=\"figures\"",
                "uses_unsafe",
                "call_unsafe_fn",
            ],
        ),
        (
            "crate",
            "crate.html#demo-core%400.1.0",
            &[
                "demo_core::first_byte",
                "data-kind=\"deref_raw_pointer\"",
                "libc::unix::getppid",
                "democsum",
                "unsafe { *p }",
                "unsafe_impl",
            ],
        ),
        (
            "crate-app",
            "crate.html#demo-app%400.1.0%23bin%3Ademo_app",
            &["demo_app::main", "data-kind=\"call_unsafe_fn\""],
        ),
        (
            "paths",
            "paths.html",
            &[
                "data-function=\"demo_app::main\"",
                "demo_core::checksum::sys::demo_checksum",
                "data-function=\"demo_core::parent_id\"",
            ],
        ),
        (
            "diff",
            "diff.html",
            &[
                "id=\"diff-summary\"",
                "demo_core::parent_id",
                "getppid",
                "data-function=\"demo_core::first_byte\"",
            ],
        ),
        (
            "search",
            "search.html#checksum",
            &["demo_core::checksum::checksum_c", "demo-core@0.1.0"],
        ),
    ];
    let shots = artefacts();
    for (name, page, expected) in pages {
        let loaded = chromium::load(&browser, &url(page), offline);
        assert!(
            loaded.console.is_empty(),
            "{page}: console: {:?}",
            loaded.console
        );
        assert!(
            loaded.dom.contains("data-ready=\"1\""),
            "{page} did not finish:\n{}",
            loaded.dom
        );
        assert!(
            !loaded.dom.contains("data-errors"),
            "{page}: {}",
            loaded.dom
        );
        for needle in expected {
            assert!(loaded.dom.contains(needle), "{page} lacks {needle}");
        }
        chromium::screenshot(
            &browser,
            &url(page),
            &shots.join(format!("demo-{name}.png")),
        );
    }
    // A crate that is not there is said so, not an error.
    let loaded = chromium::load(&browser, &url("crate.html#nope"), false);
    assert!(loaded.console.is_empty() && loaded.dom.contains("No such crate"));
}

/// The report of a real dependency tree (regex, flate2, libc, smallvec, serde_json: about 25
/// units, memchr's 700-odd ops on one page) is split per crate and every page type loads in
/// the browser without a console error, showing the crates and ops of the graph.
#[test]
fn report_of_a_real_tree_in_the_browser() {
    let dir = painter_tests::scratch_fixture("real-crates");
    let site = dir.path().join("site");
    let out = cargo_painter(dir.path(), &["--locked", "--html", site.to_str().unwrap()]);
    assert_success(&out);
    let graph = painter_tests::linked_graph(&dir.path().join("target/painter/graph"));
    let crate_files = painter_tests::files_ending_with(&site.join("data/crates"), ".js");
    assert_eq!(
        crate_files.len(),
        graph.crates.len(),
        "one data file per crate"
    );

    let Some(browser) = chromium::find() else {
        return;
    };
    // The crate with the most unsafe ops, and one of its ops' kinds.
    let (key, krate) = graph
        .crates
        .iter()
        .max_by_key(|(_, k)| k.unsafe_ops.len())
        .unwrap();
    let kind = krate.unsafe_ops[0].kind.to_string();
    let url = |page: &str| format!("file://{}/{page}", site.display());
    let encoded = key
        .replace('@', "%40")
        .replace('#', "%23")
        .replace(':', "%3A");
    let pages = [
        (
            "index.html".to_owned(),
            vec![format!("data-crate=\"{key}\""), "<rect".into()],
        ),
        (
            format!("crate.html#{encoded}"),
            vec![format!("data-kind=\"{kind}\""), key.clone()],
        ),
        ("paths.html".to_owned(), vec!["data-function=".to_owned()]),
        ("search.html#Regex".to_owned(), vec!["regex::".to_owned()]),
    ];
    let shots = artefacts();
    for (i, (page, expected)) in pages.iter().enumerate() {
        let loaded = chromium::load(&browser, &url(page), false);
        assert!(
            loaded.console.is_empty(),
            "{page}: console: {:?}",
            loaded.console
        );
        assert!(
            loaded.dom.contains("data-ready=\"1\""),
            "{page} did not finish"
        );
        for needle in expected {
            assert!(
                loaded.dom.contains(needle.as_str()),
                "{page} lacks {needle}"
            );
        }
        chromium::screenshot(&browser, &url(page), &shots.join(format!("real-{i}.png")));
    }
    // Every op of the largest crate is on its page.
    let loaded = chromium::load(&browser, &url(&format!("crate.html#{encoded}")), false);
    let shown = loaded.dom.matches("data-kind=\"").count();
    assert!(
        shown >= krate.unsafe_ops.len(),
        "{key}: {shown} ops shown of {}",
        krate.unsafe_ops.len()
    );
}
