//! The verdicts of a run together: counts per verdict, which verdicts `--deny` fails on, the
//! errors (crates that could not be checked at all), and the table for people.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::verdict::{CrateReport, Verdict};

/// A crate that could not be checked (no verdict): it could not be fetched or read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrateError {
    /// `name@version`, or the `.crate` path.
    pub krate: String,
    pub error: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Report {
    pub crates: Vec<CrateReport>,
    #[serde(default)]
    pub errors: Vec<CrateError>,
    /// The lock file the crates came from, when they did (SARIF locates results there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lockfile: Option<String>,
}

impl Report {
    /// Crates per verdict, every verdict listed.
    pub fn counts(&self) -> BTreeMap<Verdict, usize> {
        counts(self.crates.iter().map(|c| c.verdict))
    }

    /// The crates whose verdict is in `deny`.
    pub fn denied<'a>(&'a self, deny: &'a [Verdict]) -> impl Iterator<Item = &'a CrateReport> + 'a {
        self.crates
            .iter()
            .filter(move |c| deny.contains(&c.verdict))
    }

    /// The JSON document: the report with the counts by verdict string.
    pub fn to_json(&self) -> serde_json::Value {
        let counts: BTreeMap<&str, usize> = self
            .counts()
            .into_iter()
            .map(|(v, n)| (v.as_str(), n))
            .collect();
        serde_json::json!({
            "verdicts": counts,
            "crates": self.crates,
            "errors": self.errors,
            "lockfile": self.lockfile,
        })
    }
}

/// How many of `verdicts` are each verdict, every verdict listed.
pub fn counts(verdicts: impl Iterator<Item = Verdict>) -> BTreeMap<Verdict, usize> {
    let mut map: BTreeMap<Verdict, usize> = Verdict::ALL.iter().map(|v| (*v, 0)).collect();
    for v in verdicts {
        *map.entry(v).or_default() += 1;
    }
    map
}

/// The table: one row per crate, then the evidence of those not verified, then the counts.
pub fn table(report: &Report) -> String {
    let mut out = String::new();
    let id_width = report
        .crates
        .iter()
        .map(|c| c.id().len())
        .max()
        .unwrap_or(5)
        .max(5);
    let verdict_width = report
        .crates
        .iter()
        .map(|c| c.verdict.as_str().len())
        .max()
        .unwrap_or(7)
        .max(7);
    let _ = writeln!(
        out,
        "{:id_width$}  {:verdict_width$}  why",
        "crate", "verdict"
    );
    for c in &report.crates {
        let _ = writeln!(
            out,
            "{:id_width$}  {:verdict_width$}  {}",
            c.id(),
            c.verdict.as_str(),
            c.summary
        );
    }
    for c in report.crates.iter().filter(|c| !c.evidence.is_empty()) {
        let _ = writeln!(
            out,
            "\n{} ({}{}):",
            c.id(),
            c.verdict,
            c.commit
                .as_deref()
                .map(|s| format!(", commit {s}"))
                .unwrap_or_default()
        );
        for e in &c.evidence {
            let _ = writeln!(out, "  {}: {}", e.file, e.detail);
            if let Some(diff) = &e.diff {
                for line in diff.lines() {
                    let _ = writeln!(out, "    {line}");
                }
            }
        }
    }
    for e in &report.errors {
        let _ = writeln!(out, "\n{}: not checked: {}", e.krate, e.error);
    }
    let shown: Vec<String> = report
        .counts()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(v, n)| format!("{n} {v}"))
        .collect();
    let _ = writeln!(
        out,
        "\n{} crate(s): {}{}",
        report.crates.len(),
        if shown.is_empty() {
            "none".to_string()
        } else {
            shown.join("; ")
        },
        if report.errors.is_empty() {
            String::new()
        } else {
            format!("; {} not checked", report.errors.len())
        }
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::{Evidence, EvidenceKind};

    #[test]
    fn counts_table_and_deny() {
        let mut a = CrateReport::bare(
            "a",
            "1.0.0",
            Verdict::FilesDiffer,
            "1 of 3 files differ from the commit",
        );
        a.evidence.push(Evidence {
            file: "src/lib.rs".into(),
            kind: EvidenceKind::Differs,
            source: Some("src/lib.rs".into()),
            detail: "1 line(s) added, 0 removed in the package".into(),
            diff: Some("@@ -1 +1,2 @@\n a\n+b".into()),
        });
        let b = CrateReport::bare("b", "2.0.0", Verdict::RepositoryUnreachable, "no route");
        let report = Report {
            crates: vec![a, b],
            errors: vec![CrateError {
                krate: "c@1.0.0".into(),
                error: "gone".into(),
            }],
            lockfile: None,
        };
        assert_eq!(report.counts()[&Verdict::FilesDiffer], 1);
        assert_eq!(report.counts()[&Verdict::Verified], 0);
        assert_eq!(report.denied(&[Verdict::FilesDiffer]).count(), 1);
        let t = table(&report);
        assert!(t.contains("a@1.0.0  files differ"), "{t}");
        assert!(t.contains("    +b"), "{t}");
        assert!(
            t.contains("2 crate(s): 1 files differ; 1 repository unreachable; 1 not checked"),
            "{t}"
        );
        let json = report.to_json();
        assert_eq!(json["verdicts"]["repository unreachable"], 1);
        assert_eq!(json["crates"][0]["verdict"], "files differ");
    }
}
