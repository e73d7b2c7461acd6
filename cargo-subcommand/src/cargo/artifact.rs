//! The contract with the driver about file locations: for a `compiler-artifact` message, the
//! per-crate graph file the driver wrote next to the artifact, and the name of its copy in
//! `<out>/crates/`.
//!
//! The driver writes `<--out-dir>/<crate name><-C extra-filename>.painter.json`, i.e. rustc's
//! own output stem plus `.painter.json`. Cargo's artifact message does not carry those two
//! flags, so they are recovered from the first output file:
//!
//! | unit (layout)                 | first filename                                        | graph file                                      |
//! |-------------------------------|-------------------------------------------------------|-------------------------------------------------|
//! | lib / bin, check              | `…/deps/libregex-1a2b.rmeta`                          | `…/deps/regex-1a2b.painter.json`                |
//! | proc-macro                    | `…/deps/libderive_x-77aa.so`                          | `…/deps/derive_x-77aa.painter.json`             |
//! | build script, classic layout  | `…/build/foo-0a1b/build-script-build` (a hard link)   | `…/build/foo-0a1b/build_script_build-0a1b.painter.json` |
//! | build script, build-dir layout| `…/build/foo/0a1b/out/build_script_build` (no hash)   | `…/build/foo/0a1b/out/build_script_build.painter.json` |
//!
//! (The build-dir layout, cargo's default on the pinned nightly, puts every unit in
//! `build/<package>/<hash>/out/` and gives build scripts no `-C extra-filename`.)

use std::path::PathBuf;

use cargo_metadata::{Artifact, TargetKind, camino::Utf8Path};
use painter_schema::names::CRATE_FILE_SUFFIX;

/// Where a unit's graph file is, and the unit hash that names its copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitFile {
    pub painter_file: PathBuf,
    pub hash: String,
}

pub fn for_artifact(artifact: &Artifact) -> Option<UnitFile> {
    let is_build_script = artifact.target.kind.contains(&TargetKind::CustomBuild);
    let first = artifact.filenames.first()?;
    painter_file(&artifact.target.name, is_build_script, first)
}

/// The mapping itself: `target_name` as in Cargo.toml (rustc's crate name is it with `-`
/// replaced by `_`; a build script's target is `build-script-build`), `first_filename` the
/// first entry of the artifact's `filenames`.
pub fn painter_file(
    target_name: &str,
    is_build_script: bool,
    first_filename: &Utf8Path,
) -> Option<UnitFile> {
    let dir = first_filename.parent()?;
    let crate_name = target_name.replace('-', "_");
    let stem = first_filename.file_stem()?;
    // Libraries and check-mode outputs carry rustc's `lib` prefix (a crate may itself be
    // called `libc`, whose file is `liblibc-…`: try the prefixed form first).
    let extra = stem
        .strip_prefix("lib")
        .and_then(|s| s.strip_prefix(crate_name.as_str()))
        .filter(|rest| rest.is_empty() || rest.starts_with('-'))
        .or_else(|| stem.strip_prefix(crate_name.as_str()))
        .filter(|rest| rest.is_empty() || rest.starts_with('-'));
    let (extra, hash) = match extra {
        Some("") => (String::new(), unit_dir_hash(dir)?),
        Some(extra) => (extra.to_string(), extra[1..].to_string()),
        // Classic layout: cargo reports the `build-script-build` hard link; the compiled file
        // (and the driver's output) is `build_script_build-<hash>` in `build/<pkg>-<hash>/`.
        None if is_build_script => {
            let hash = unit_dir_hash(dir)?;
            (format!("-{hash}"), hash)
        }
        None => return None,
    };
    let painter_file = dir
        .join(format!("{crate_name}{extra}{CRATE_FILE_SUFFIX}"))
        .into_std_path_buf();
    Some(UnitFile { painter_file, hash })
}

/// The unit hash in a unit's directory: `build/foo-0a1b` (classic) or `build/foo/0a1b/out`
/// (build-dir layout).
fn unit_dir_hash(dir: &Utf8Path) -> Option<String> {
    let is_hash = |s: &str| s.len() >= 8 && s.bytes().all(|b| b.is_ascii_hexdigit());
    dir.ancestors().take(2).find_map(|d| {
        let name = d.file_name()?;
        let last = name.rsplit('-').next()?;
        is_hash(last).then(|| last.to_string())
    })
}

/// Name of a unit's copy in `<out>/crates/` (docs/design.md#contracts).
pub fn crate_file_name(package: &str, version: &str, hash: &str) -> String {
    format!("{package}-{version}-{hash}.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real `compiler-artifact` message of the pinned cargo, with the interesting fields.
    fn artifact(kind: &str, name: &str, filenames: &[&str]) -> Artifact {
        let json = serde_json::json!({
            "reason": "compiler-artifact",
            "package_id": "path+file:///w/app#0.1.0",
            "manifest_path": "/w/app/Cargo.toml",
            "target": {"kind": [kind], "crate_types": [kind], "name": name,
                       "src_path": "/w/app/src/lib.rs", "edition": "2024", "doc": true,
                       "doctest": true, "test": true},
            "profile": {"opt_level": "0", "debuginfo": 2, "debug_assertions": true,
                        "overflow_checks": true, "test": false},
            "features": [],
            "filenames": filenames,
            "executable": null,
            "fresh": false
        });
        serde_json::from_value(json).unwrap()
    }

    fn map(kind: &str, name: &str, filename: &str) -> (String, String) {
        let unit = for_artifact(&artifact(kind, name, &[filename])).expect("mapped");
        (unit.painter_file.to_str().unwrap().to_string(), unit.hash)
    }

    #[test]
    fn lib_rmeta() {
        assert_eq!(
            map(
                "lib",
                "regex",
                "/t/painter/debug/deps/libregex-1a2b3c4d.rmeta"
            ),
            (
                "/t/painter/debug/deps/regex-1a2b3c4d.painter.json".into(),
                "1a2b3c4d".into()
            )
        );
        // Dashes in the target name become underscores in the crate name.
        assert_eq!(
            map("lib", "demo-core", "/t/p/debug/build/demo-core/5beabf66bf225c0f/out/libdemo_core-5beabf66bf225c0f.rmeta"),
            (
                "/t/p/debug/build/demo-core/5beabf66bf225c0f/out/demo_core-5beabf66bf225c0f.painter.json".into(),
                "5beabf66bf225c0f".into()
            )
        );
    }

    #[test]
    fn crate_whose_name_starts_with_lib() {
        assert_eq!(
            map("lib", "libc", "/t/deps/liblibc-00ff00ff00ff00ff.rmeta").0,
            "/t/deps/libc-00ff00ff00ff00ff.painter.json"
        );
        assert_eq!(
            map("lib", "lib_x", "/t/deps/liblib_x-00ff00ff00ff00ff.rmeta").0,
            "/t/deps/lib_x-00ff00ff00ff00ff.painter.json"
        );
    }

    #[test]
    fn bin_in_check_mode() {
        // `cargo check` gives bins an rmeta with the `lib` prefix too.
        assert_eq!(
            map("bin", "app", "/t/app/target/debug/build/app/5beabf66bf225c0f/out/libapp-5beabf66bf225c0f.rmeta"),
            (
                "/t/app/target/debug/build/app/5beabf66bf225c0f/out/app-5beabf66bf225c0f.painter.json".into(),
                "5beabf66bf225c0f".into()
            )
        );
        // A linked bin (no prefix), e.g. `app-<hash>` in deps/.
        assert_eq!(
            map("bin", "my-app", "/t/deps/my_app-0123456789abcdef").0,
            "/t/deps/my_app-0123456789abcdef.painter.json"
        );
    }

    #[test]
    fn proc_macro_shared_object() {
        assert_eq!(
            map(
                "proc-macro",
                "pm",
                "/t/debug/build/pm/06fbd4e9ae636f51/out/libpm-06fbd4e9ae636f51.so"
            ),
            (
                "/t/debug/build/pm/06fbd4e9ae636f51/out/pm-06fbd4e9ae636f51.painter.json".into(),
                "06fbd4e9ae636f51".into()
            )
        );
    }

    #[test]
    fn build_script_both_layouts() {
        assert_eq!(
            map(
                "custom-build",
                "build-script-build",
                "/t/debug/build/app/3ff27892d943bb81/out/build_script_build"
            ),
            (
                "/t/debug/build/app/3ff27892d943bb81/out/build_script_build.painter.json".into(),
                "3ff27892d943bb81".into()
            )
        );
        assert_eq!(
            map("custom-build", "build-script-build", "/t/debug/build/foo-bar-17eb751571e7872b/build-script-build"),
            (
                "/t/debug/build/foo-bar-17eb751571e7872b/build_script_build-17eb751571e7872b.painter.json".into(),
                "17eb751571e7872b".into()
            )
        );
    }

    #[test]
    fn unrecognisable_names_are_none() {
        assert!(for_artifact(&artifact("lib", "regex", &[])).is_none());
        assert!(
            for_artifact(&artifact("lib", "regex", &["/t/deps/libregexp-1a2b.rmeta"])).is_none()
        );
        assert!(
            for_artifact(&artifact(
                "custom-build",
                "build-script-build",
                &["/t/x/build-script-build"]
            ))
            .is_none()
        );
    }

    #[test]
    fn copy_name() {
        assert_eq!(
            crate_file_name("regex", "1.13.2", "1a2b3c4d"),
            "regex-1.13.2-1a2b3c4d.json"
        );
    }
}
