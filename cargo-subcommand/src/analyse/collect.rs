//! Phase 4 (`collect`): find the graph file the driver wrote for every unit cargo reported,
//! and make `<out>/crates/` hold exactly this run's files (one per unit, no stale ones), each
//! naming the configurations that built it in a multi-configuration run.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs, io,
    path::{Path, PathBuf},
};

use anyhow::{Context, Result};
use cargo_metadata::{Artifact, TargetKind};
use painter_schema::{CrateGraph, GraphFile, atomic, names, read_graph_file};

use crate::cargo::{artifact, workspace::Workspace};

#[derive(Debug, Default)]
pub struct Collected {
    /// The files in `crates/`, sorted.
    pub files: Vec<PathBuf>,
    /// Units without a graph file: `(description, expected path)`.
    pub missing: Vec<(String, PathBuf)>,
    /// In a multi-configuration run: the graphs written to `files`, already parsed, with their
    /// configurations set. Files that could not be parsed are not here.
    pub stamped: Vec<(PathBuf, CrateGraph)>,
}

/// The units one `cargo check` reported, and the configuration it built (`None` in a run of
/// one unnamed configuration).
pub struct Build<'a> {
    pub configuration: Option<&'a str>,
    pub artifacts: &'a [Artifact],
}

/// A unit's file in `crates/`: where the driver wrote it and the configurations that built it.
struct Wanted {
    source: PathBuf,
    configurations: BTreeSet<String>,
}

/// Make `crates_dir` hold exactly the files of `builds`. In a run of one unnamed configuration
/// they are hard links to the driver's files; otherwise copies that name their configurations
/// (`take_parsed` hands over graphs parsed during the build, so most are not parsed again).
pub fn collect(
    builds: &[Build<'_>],
    ws: &Workspace,
    crates_dir: &Path,
    take_parsed: &mut dyn FnMut(&Path) -> Option<CrateGraph>,
) -> Result<Collected> {
    let mut wanted: BTreeMap<String, Wanted> = BTreeMap::new();
    let mut missing = BTreeMap::new();
    for build in builds {
        for (name, source) in plan(build.artifacts, ws, &mut missing) {
            let entry = wanted.entry(name.clone()).or_insert_with(|| Wanted {
                source: source.clone(),
                configurations: BTreeSet::new(),
            });
            if entry.source != source {
                crate::diag::warning(format_args!(
                    "two units would be {name}; kept only one ({})",
                    entry.source.display()
                ));
            }
            entry
                .configurations
                .extend(build.configuration.map(String::from));
        }
    }
    // A run killed while placing a file (here), writing the summary cache (`<out>`) or the
    // dataset (`<out>/graph/` and its table directories) left its temp file behind.
    let out = crates_dir.parent().map(Path::to_path_buf);
    let dataset = out
        .iter()
        .flat_map(|out| painter_dataset::directories(&out.join(names::GRAPH_DIR)));
    for dir in std::iter::once(crates_dir.to_path_buf())
        .chain(out.clone())
        .chain(dataset)
    {
        let dir = dir.as_path();
        if let Err(e) = super::leftovers::remove_dead_temps(dir) {
            crate::diag::warning(format_args!("cannot clean up {}: {e}", dir.display()));
        }
    }
    let configured = builds.iter().any(|b| b.configuration.is_some());
    let mut stamped = Vec::new();
    let files = refresh_dir(crates_dir, &wanted, |wanted, dest| {
        if !configured {
            return atomic::place_atomic(&wanted.source, dest);
        }
        let parsed =
            take_parsed(&wanted.source).or_else(|| match read_graph_file(&wanted.source) {
                Ok(GraphFile::Crate(graph)) => Some(*graph),
                _ => None,
            });
        // A file that does not parse is placed as it is: the link step names it.
        let Some(mut graph) = parsed else {
            return atomic::place_atomic(&wanted.source, dest);
        };
        graph.krate.configurations = wanted.configurations.iter().cloned().collect();
        write_json(&graph, dest)?;
        stamped.push((dest.to_path_buf(), graph));
        Ok(())
    })
    .with_context(|| format!("cannot update {}", crates_dir.display()))?;
    Ok(Collected {
        files,
        missing: missing.into_iter().collect(),
        stamped,
    })
}

/// The file name in `crates/` and the driver's file of every unit in `artifacts`; units whose
/// file is missing go to `missing`.
fn plan(
    artifacts: &[Artifact],
    ws: &Workspace,
    missing: &mut BTreeMap<String, PathBuf>,
) -> Vec<(String, PathBuf)> {
    let mut units = Vec::new();
    for a in artifacts {
        let (package, version) = ws
            .package_name_version(&a.package_id)
            .unwrap_or_else(|| (a.package_id.repr.clone(), "0.0.0".into()));
        let describe = || describe(&package, &version, a);
        let Some(unit) = artifact::for_artifact(a) else {
            crate::diag::warning(format_args!(
                "cannot tell where the driver wrote the graph of {} (outputs: {:?})",
                describe(),
                a.filenames
            ));
            continue;
        };
        if !unit.painter_file.is_file() {
            missing.insert(describe(), unit.painter_file);
            continue;
        }
        let name = artifact::crate_file_name(&package, &version, &unit.hash);
        units.push((name, unit.painter_file));
    }
    units
}

/// `` `regex` v1.13.2 (lib) ``, `` `app` v0.1.0 (bin "app") ``, `` `app` v0.1.0 (build script) ``.
fn describe(package: &str, version: &str, a: &Artifact) -> String {
    let target = match a.target.kind.first() {
        Some(TargetKind::Lib) | None => "lib".to_string(),
        Some(TargetKind::CustomBuild) => "build script".to_string(),
        Some(kind) => format!("{kind} \"{}\"", a.target.name),
    };
    format!("`{package}` v{version} ({target})")
}

/// Put `wanted` (file name → source) into `dir` with `put` (unless it is there already) and
/// delete every other `*.json` there.
fn refresh_dir(
    dir: &Path,
    wanted: &BTreeMap<String, Wanted>,
    mut put: impl FnMut(&Wanted, &Path) -> io::Result<()>,
) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;
    let mut files = Vec::with_capacity(wanted.len());
    for (name, w) in wanted {
        let dest = dir.join(name);
        if !same_file(&w.source, &dest) {
            put(w, &dest)?;
        }
        files.push(dest);
    }
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        let stale = path.extension().is_some_and(|e| e == "json")
            && !path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| wanted.contains_key(n));
        if stale {
            fs::remove_file(&path)?;
        }
    }
    Ok(files)
}

/// `graph` written to `dest` atomically.
fn write_json(graph: &CrateGraph, dest: &Path) -> io::Result<()> {
    let bytes = serde_json::to_vec(graph).map_err(io::Error::other)?;
    atomic::write_bytes_atomic(dest, &bytes)
}

#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &Path, _: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempDir;

    fn artifact(name: &str, pkg: &str, filename: &Path) -> Artifact {
        serde_json::from_value(serde_json::json!({
            "reason": "compiler-artifact", "package_id": pkg, "manifest_path": "/w/Cargo.toml",
            "target": {"kind": ["lib"], "crate_types": ["lib"], "name": name,
                       "src_path": "/w/src/lib.rs", "edition": "2024"},
            "profile": {"opt_level": "0", "debuginfo": 0, "debug_assertions": true,
                        "overflow_checks": true, "test": false},
            "features": [], "filenames": [filename], "executable": null, "fresh": true
        }))
        .unwrap()
    }

    #[test]
    fn crates_dir_holds_exactly_this_build() {
        let tmp = TempDir::new("collect");
        let deps = tmp.path().join("deps");
        fs::create_dir_all(&deps).unwrap();
        fs::write(
            deps.join("regex-00112233aabbccdd.painter.json"),
            "{\"r\":1}",
        )
        .unwrap();
        let crates = tmp.path().join("out/crates");
        fs::create_dir_all(&crates).unwrap();
        fs::write(crates.join("old-0.1.0-ffffffffffffffff.json"), "stale").unwrap();
        fs::write(crates.join("README"), "not ours").unwrap();

        let artifacts = [
            artifact(
                "regex",
                "registry+https://x#regex@1.13.2",
                &deps.join("libregex-00112233aabbccdd.rmeta"),
            ),
            artifact(
                "gone",
                "registry+https://x#gone@0.2.0",
                &deps.join("libgone-0123456789abcdef.rmeta"),
            ),
        ];
        let ws = Workspace::for_tests(tmp.path());
        let build = [Build {
            configuration: None,
            artifacts: &artifacts,
        }];
        let collected = collect(&build, &ws, &crates, &mut |_| None).unwrap();
        assert_eq!(
            collected.files,
            [crates.join("regex-1.13.2-00112233aabbccdd.json")]
        );
        assert_eq!(
            fs::read_to_string(&collected.files[0]).unwrap(),
            "{\"r\":1}"
        );
        assert_eq!(collected.missing.len(), 1);
        assert_eq!(collected.missing[0].0, "`gone` v0.2.0 (lib)");
        assert_eq!(
            collected.missing[0].1,
            deps.join("gone-0123456789abcdef.painter.json")
        );
        assert!(!crates.join("old-0.1.0-ffffffffffffffff.json").exists());
        assert!(crates.join("README").exists());

        // A second run with nothing new changes nothing.
        let again = collect(&build, &ws, &crates, &mut |_| None).unwrap();
        assert_eq!(again.files, collected.files);
    }
}
