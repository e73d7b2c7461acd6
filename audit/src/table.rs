//! The plain-text report: findings grouped by verdict (strongest first), each with its
//! advisory, the function, how it was matched and, for reachable ones, the call path from the
//! workspace call site.

use std::fmt::Write as _;

use crate::report::{Finding, Report, Verdict};

/// Render `report` for a terminal.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let advisories = report.advisory_verdicts().len();
    let _ = writeln!(
        out,
        "{} finding{} for {advisories} advisor{} of the {} packages audited; roots: {} ({} \
         functions); database: {} ({} advisories)",
        report.findings.len(),
        plural(report.findings.len()),
        if advisories == 1 { "y" } else { "ies" },
        report.packages_audited,
        report.roots,
        report.root_functions,
        report.database,
        report.advisories_in_database,
    );
    for verdict in Verdict::ALL {
        let group: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.verdict == verdict)
            .collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{} ({})", verdict.title(), group.len());
        for finding in group {
            render_finding(&mut out, finding);
        }
    }
    if report.withdrawn_skipped > 0 {
        let _ = writeln!(
            out,
            "\n{} withdrawn advisor{} skipped",
            report.withdrawn_skipped,
            if report.withdrawn_skipped == 1 {
                "y"
            } else {
                "ies"
            }
        );
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn render_finding(out: &mut String, f: &Finding) {
    let a = &f.advisory;
    let kind = a
        .informational
        .as_deref()
        .map(|i| format!(" [{i}]"))
        .unwrap_or_default();
    let function = f
        .function
        .as_deref()
        .map(|p| format!("  `{p}`"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  {}  {} {}{function}{kind}  {}",
        a.id, f.package, f.version, a.title
    );
    if let Some(reason) = &f.ignored {
        let _ = writeln!(out, "    ignored: {reason}");
    }
    let _ = writeln!(out, "    {}", f.detail);
    if f.path.is_empty() {
        if let Some(root) = &f.root {
            let _ = writeln!(out, "    the root `{root}` is the function itself");
        }
        return;
    }
    if let Some(root) = &f.root {
        let _ = writeln!(out, "    {root}");
    }
    for step in &f.path {
        let mark = match (&step.candidate, step.unresolved) {
            (Some(reason), _) => format!(" [candidate: {reason}]"),
            (None, true) => " [unresolved]".to_string(),
            (None, false) => String::new(),
        };
        let _ = writeln!(
            out,
            "      {}:{}:{}  --{}{mark}-->  {}",
            step.file, step.span.line, step.span.col, step.kind, step.callee
        );
    }
    if !a.patched.is_empty() {
        let _ = writeln!(out, "    patched: {}", a.patched.join(", "));
    }
}
