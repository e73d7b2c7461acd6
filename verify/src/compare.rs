//! Comparing every file of the package with the repository at the commit, with what
//! `cargo package` writes itself set apart (cargo's `src/cargo/ops/cargo_package/mod.rs`,
//! `build_ar_list`): `.cargo_vcs_info.json` and `Cargo.lock` are generated; `Cargo.toml` is the
//! normalised manifest, checked against `Cargo.toml.orig` ([`crate::manifest`]), which must
//! equal the repository's manifest; a `readme`/`license-file` from outside the package is
//! compared with the file it was copied from; everything else with `<path_in_vcs>/<file>`.

use std::collections::HashMap;

use similar::TextDiff;
use toml::Table;

use crate::archive::CrateArchive;
use crate::manifest::{self, join};
use crate::tree::{Found, Missing, Trees};
use crate::vcs_info;
use crate::verdict::{Evidence, EvidenceKind, FileCounts};

/// Diffs are kept short: a reader needs to see what changed, not the whole file.
const DIFF_LINES: usize = 40;
/// And only for the first files that differ.
const DIFFS: usize = 20;

#[derive(Debug, Default)]
pub struct Comparison {
    pub counts: FileCounts,
    pub evidence: Vec<Evidence>,
    pub notes: Vec<String>,
}

/// The package's manifest in the repository, or why the repository does not hold the package.
pub struct RepoManifest {
    pub path: String,
    pub table: Table,
    /// The workspace root's directory and manifest, when the package is in a workspace.
    pub workspace: Option<(String, Table)>,
}

/// Read `<pkg_dir>/Cargo.toml` at the commit and check it is the package `name`; find its
/// workspace root as cargo would (`package.workspace`, else the nearest ancestor manifest
/// with `[workspace]`, the package's own included).
pub fn repo_manifest(
    trees: &mut Trees<'_>,
    pkg_dir: &str,
    name: &str,
) -> Result<RepoManifest, String> {
    let path = join(pkg_dir, "Cargo.toml").unwrap_or_default();
    let table =
        read_manifest(trees, &path).ok_or_else(|| format!("the commit has no `{path}`"))??;
    match manifest::package_name(&table) {
        Some(n) if n == name => {}
        Some(n) => {
            return Err(format!(
                "`{path}` at the commit is the package `{n}`, not `{name}`"
            ));
        }
        None => return Err(format!("`{path}` at the commit is not a package manifest")),
    }
    let workspace = match manifest::workspace_path(&table) {
        Some(rel) => join(pkg_dir, rel).and_then(|dir| {
            let path = join(&dir, "Cargo.toml")?;
            Some((dir, read_manifest(trees, &path)?.ok()?))
        }),
        None => {
            let mut found = None;
            let mut dir = Some(pkg_dir.to_string());
            while let Some(d) = dir {
                let path = join(&d, "Cargo.toml").unwrap_or_default();
                if let Some(Ok(t)) = read_manifest(trees, &path)
                    && manifest::is_workspace_root(&t)
                {
                    found = Some((d, t));
                    break;
                }
                dir = (!d.is_empty()).then(|| {
                    d.rsplit_once('/')
                        .map_or(String::new(), |(p, _)| p.to_string())
                });
            }
            found
        }
    };
    Ok(RepoManifest {
        path,
        table,
        workspace,
    })
}

/// The manifest at `path` of the main repository, if there is a file.
fn read_manifest(trees: &mut Trees<'_>, path: &str) -> Option<Result<Table, String>> {
    let found = trees.find(path).ok()?;
    let bytes = trees
        .repo(found.repo)
        .blobs(&[&found.oid])
        .ok()?
        .remove(&found.oid)?;
    Some(manifest::parse(&bytes, path))
}

/// Compare the package with the repository.
pub fn compare(
    archive: &CrateArchive,
    trees: &mut Trees<'_>,
    pkg_dir: &str,
    repo: &RepoManifest,
) -> Result<Comparison, String> {
    let mut cmp = Comparison::default();
    cmp.counts.total = archive.files.len();
    let orig = archive
        .files
        .get("Cargo.toml.orig")
        .map(|b| manifest::parse(b, "Cargo.toml.orig"))
        .transpose()?;
    let normalised = archive
        .files
        .get("Cargo.toml")
        .map(|b| manifest::parse(b, "Cargo.toml"))
        .transpose()?;
    let ws = repo.workspace.as_ref().map(|(d, t)| (d.as_str(), t));
    let moved: HashMap<String, String> = match (&normalised, &orig) {
        (Some(n), Some(o)) => manifest::outside_sources(n, o, ws, pkg_dir)
            .into_iter()
            .collect(),
        _ => HashMap::new(),
    };

    // Where each file comes from; generated ones are settled here.
    let mut sources: Vec<(&str, String)> = Vec::new();
    for file in archive.files.keys() {
        let file = file.as_str();
        match file {
            vcs_info::FILE | "Cargo.lock" => cmp.counts.generated += 1,
            "Cargo.toml" if orig.is_some() => {
                cmp.counts.generated += 1;
                let (Some(n), Some(o)) = (&normalised, &orig) else {
                    unreachable!()
                };
                let has_file = |f: &str| archive.files.contains_key(f);
                let issues = manifest::check_normalised(n, o, ws.map(|(_, t)| t), &has_file);
                if !issues.is_empty() {
                    cmp.counts.differ += 1;
                    for detail in issues {
                        cmp.evidence.push(Evidence {
                            file: file.to_string(),
                            kind: EvidenceKind::Manifest,
                            source: Some("Cargo.toml.orig".to_string()),
                            detail,
                            diff: None,
                        });
                    }
                }
            }
            // The author's manifest (or, from a cargo that kept none, the only one).
            "Cargo.toml.orig" | "Cargo.toml" => sources.push((file, repo.path.clone())),
            _ => match moved.get(file) {
                Some(source) => sources.push((file, source.clone())),
                None => match join(pkg_dir, file) {
                    Some(source) => sources.push((file, source)),
                    None => unreachable!("archive paths have no `..`"),
                },
            },
        }
    }
    if archive.files.contains_key("Cargo.lock") {
        cmp.notes.push(
            "Cargo.lock and .cargo_vcs_info.json are generated by cargo package: not compared"
                .into(),
        );
    }

    let mut located: Vec<(&str, String, Found)> = Vec::new();
    for (file, source) in sources {
        match trees.find(&source) {
            Ok(found) => located.push((file, source, found)),
            Err(missing) => {
                cmp.counts.not_in_repository += 1;
                let detail = match missing {
                    Missing::NotInTree => {
                        format!("`{source}` is not in the repository at the commit")
                    }
                    Missing::Submodule(why) => why,
                };
                cmp.evidence.push(Evidence {
                    file: file.to_string(),
                    kind: EvidenceKind::NotInRepository,
                    source: Some(source),
                    detail,
                    diff: None,
                });
            }
        }
    }

    let mut blobs: HashMap<String, Vec<u8>> = HashMap::new();
    let mut by_repo: HashMap<usize, Vec<&str>> = HashMap::new();
    for (_, _, found) in &located {
        by_repo.entry(found.repo).or_default().push(&found.oid);
    }
    for (repo, oids) in by_repo {
        blobs.extend(trees.repo(repo).blobs(&oids).map_err(|e| e.0)?);
    }
    let mut line_endings = 0;
    let mut diffs = 0;
    for (file, source, found) in located {
        let ours = &archive.files[file];
        let Some(theirs) = blobs.get(&found.oid) else {
            return Err(format!(
                "the repository's blob {} of `{source}` cannot be read",
                found.oid
            ));
        };
        if ours == theirs {
            cmp.counts.matched += 1;
        } else if crlf_to_lf(ours) == crlf_to_lf(theirs) {
            // A checkout with core.autocrlf packages CRLF files git stores with LF.
            cmp.counts.matched += 1;
            line_endings += 1;
        } else {
            cmp.counts.differ += 1;
            diffs += 1;
            cmp.evidence.push(Evidence {
                file: file.to_string(),
                kind: EvidenceKind::Differs,
                detail: describe(ours, theirs),
                diff: (diffs <= DIFFS)
                    .then(|| short_diff(&source, file, theirs, ours))
                    .flatten(),
                source: Some(source),
            });
        }
    }
    if line_endings > 0 {
        cmp.notes.push(format!(
            "{line_endings} file(s) differ from the repository only in line endings (CRLF in the package): counted as matching"
        ));
    }
    Ok(cmp)
}

fn crlf_to_lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn describe(ours: &[u8], theirs: &[u8]) -> String {
    match (std::str::from_utf8(ours), std::str::from_utf8(theirs)) {
        (Ok(a), Ok(b)) => {
            let diff = TextDiff::from_lines(b, a);
            let (mut added, mut removed) = (0, 0);
            for change in diff.iter_all_changes() {
                match change.tag() {
                    similar::ChangeTag::Insert => added += 1,
                    similar::ChangeTag::Delete => removed += 1,
                    similar::ChangeTag::Equal => {}
                }
            }
            format!("{added} line(s) added, {removed} removed in the package")
        }
        _ => format!(
            "binary content differs ({} bytes in the package, {} in the repository)",
            ours.len(),
            theirs.len()
        ),
    }
}

/// A unified diff from the repository's file to the package's, cut at [`DIFF_LINES`] lines;
/// none for binary files.
fn short_diff(source: &str, file: &str, theirs: &[u8], ours: &[u8]) -> Option<String> {
    let (a, b) = (
        std::str::from_utf8(theirs).ok()?,
        std::str::from_utf8(ours).ok()?,
    );
    let diff = TextDiff::from_lines(a, b);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header(&format!("repository/{source}"), &format!("crate/{file}"))
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = lines[..lines.len().min(DIFF_LINES)].join("\n");
    if lines.len() > DIFF_LINES {
        out.push_str(&format!("\n… {} more diff lines", lines.len() - DIFF_LINES));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_and_diffs() {
        assert_eq!(crlf_to_lf(b"a\r\nb\r\n\r"), b"a\nb\n\r");
        let d = short_diff("x/src/lib.rs", "src/lib.rs", b"a\nb\nc\n", b"a\nB\nc\n").unwrap();
        assert!(
            d.contains("--- repository/x/src/lib.rs") && d.contains("+++ crate/src/lib.rs"),
            "{d}"
        );
        assert!(d.contains("-b\n+B"), "{d}");
        assert_eq!(
            describe(b"a\nB\nc\n", b"a\nb\nc\n"),
            "1 line(s) added, 1 removed in the package"
        );
        assert!(describe(&[0xff, 0], b"x").starts_with("binary"));
        let long: String = (0..200).map(|i| format!("{i}\n")).collect();
        let d = short_diff("f", "f", b"", long.as_bytes()).unwrap();
        assert!(
            d.lines().count() <= DIFF_LINES + 1 && d.ends_with("more diff lines"),
            "{d}"
        );
    }
}
