//! The failures of a run as SARIF 2.1.0 (GitHub code scanning): one rule per verdict that is
//! not `verified`, one result per such crate, located at the package's entry in the
//! `Cargo.lock` the crates came from (else at the `.crate`), with the evidence in the message
//! and the whole report of the crate in the result's properties.

use std::collections::BTreeMap;
use std::path::Path;

use painter_export::sarif::{SCHEMA_URI, dir_uri, lock_location, uri_path};
use painter_schema::PAINTER_VERSION;
use serde_json::{Value, json};

use crate::report::Report;
use crate::verdict::{CrateReport, Verdict};

/// How serious each failing verdict is: evidence of content the repository does not vouch for
/// is an error; what only leaves the crate unverifiable is a warning.
fn level(v: Verdict) -> &'static str {
    match v {
        Verdict::FilesDiffer
        | Verdict::FilesNotInRepository
        | Verdict::CommitNotFound
        | Verdict::RepositoryDoesNotContainCrate => "error",
        Verdict::DirtyPublish | Verdict::NoVcsInfo | Verdict::RepositoryUnreachable => "warning",
        Verdict::Verified | Verdict::VerifiedTagged => "none",
    }
}

pub fn sarif_log(report: &Report) -> Value {
    let failing: Vec<&CrateReport> = report
        .crates
        .iter()
        .filter(|c| !c.verdict.is_verified())
        .collect();
    let mut rules: BTreeMap<Verdict, usize> = BTreeMap::new();
    for c in &failing {
        let next = rules.len();
        rules.entry(c.verdict).or_insert(next);
    }
    let mut rule_list: Vec<(Verdict, usize)> = rules.iter().map(|(v, i)| (*v, *i)).collect();
    rule_list.sort_by_key(|(_, i)| *i);
    let lock_path = report.lockfile.as_deref().map(Path::new);
    let lock = lock_path.and_then(|p| std::fs::read_to_string(p).ok());
    let results: Vec<Value> = failing
        .iter()
        .map(|c| result(c, rules[&c.verdict], lock.as_deref()))
        .collect();
    let mut run = json!({
        "tool": {"driver": {
            "name": "cargo-painter",
            "version": PAINTER_VERSION,
            "semanticVersion": PAINTER_VERSION,
            "informationUri": "https://github.com/rust-lang/crates.io/issues/6397",
            "rules": rule_list.iter().map(|(v, _)| rule(*v)).collect::<Vec<_>>(),
        }},
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let Some(dir) = lock_path
        .and_then(Path::parent)
        .and_then(|d| std::path::absolute(d).ok())
    {
        run["originalUriBaseIds"] = json!({"SRCROOT": {"uri": dir_uri(&dir)}});
    }
    json!({"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]})
}

fn rule(v: Verdict) -> Value {
    json!({
        "id": v.slug(),
        "name": v.slug().split('-').map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        }).collect::<String>(),
        "shortDescription": {"text": format!("published crate: {}", v.as_str())},
        "fullDescription": {"text": v.description()},
        "defaultConfiguration": {"level": level(v)},
        "properties": {"tags": ["security", "supply-chain"]},
    })
}

fn result(c: &CrateReport, rule_index: usize, lock: Option<&str>) -> Value {
    let mut message = format!("{} {}: {}: {}", c.name, c.version, c.verdict, c.summary);
    for e in c.evidence.iter().take(10) {
        message.push_str(&format!("\n- {}: {}", e.file, e.detail));
    }
    if c.evidence.len() > 10 {
        message.push_str(&format!("\n- … {} more", c.evidence.len() - 10));
    }
    let mut result = json!({
        "ruleId": c.verdict.slug(),
        "ruleIndex": rule_index,
        "level": level(c.verdict),
        "message": {"text": message},
        "properties": {
            "verdict": c.verdict.as_str(),
            "package": c.name,
            "version": c.version,
            "report": c,
        },
    });
    let location = lock
        .and_then(|l| lock_location(l, &c.name, &c.version))
        .or_else(|| {
            c.crate_file.as_deref().map(|f| {
                let path = std::path::absolute(f).unwrap_or_else(|_| f.into());
                json!({"physicalLocation": {"artifactLocation": {"uri": format!("file://{}", uri_path(&path))}}})
            })
        });
    if let Some(location) = location {
        result["locations"] = json!([location]);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_only_located_in_the_lock_file() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join("Cargo.lock");
        std::fs::write(
            &lock,
            "version = 4\n\n[[package]]\nname = \"b\"\nversion = \"2.0.0\"\n",
        )
        .unwrap();
        let report = Report {
            crates: vec![
                CrateReport::bare("a", "1.0.0", Verdict::Verified, "ok"),
                CrateReport::bare("b", "2.0.0", Verdict::FilesDiffer, "1 of 2 files differ"),
            ],
            errors: Vec::new(),
            lockfile: Some(lock.display().to_string()),
        };
        let log = sarif_log(&report);
        let run = &log["runs"][0];
        assert_eq!(run["results"].as_array().unwrap().len(), 1);
        assert_eq!(run["tool"]["driver"]["rules"][0]["id"], "files-differ");
        assert_eq!(run["tool"]["driver"]["rules"][0]["name"], "FilesDiffer");
        let r = &run["results"][0];
        assert_eq!(r["level"], "error");
        assert_eq!(
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            4
        );
        assert_eq!(r["properties"]["verdict"], "files differ");
    }
}
