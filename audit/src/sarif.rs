//! The audit as SARIF 2.1.0 for GitHub code scanning: one rule per advisory, one result per
//! finding that can fail a build (`reachable`, `reachable_through_candidates`,
//! `no_function_data`), located at the workspace call site that starts its path, with the whole
//! path as a code flow. An advisory without function data is located at the package's entry in
//! `Cargo.lock`. Ignored findings carry a suppression with the ignore list's reason.

use std::collections::BTreeMap;
use std::path::Path;

use painter_export::sarif::{SCHEMA_URI, dir_uri, lock_location, uri_path};
use painter_schema::PAINTER_VERSION;
use serde_json::{Value, json};

use crate::report::{Finding, PathStep, Report, Verdict};

/// The SARIF log of `report`.
pub fn sarif_log(report: &Report) -> Value {
    let root = report.workspace_root.as_deref().map(Path::new);
    let shown: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.verdict,
                Verdict::Reachable | Verdict::ReachableThroughCandidates | Verdict::NoFunctionData
            )
        })
        .collect();
    let mut rules: BTreeMap<&str, (usize, &Finding)> = BTreeMap::new();
    for f in &shown {
        let next = rules.len();
        rules.entry(&f.advisory.id).or_insert((next, f));
    }
    let lock = root.and_then(|r| std::fs::read_to_string(r.join("Cargo.lock")).ok());
    let results: Vec<Value> = shown
        .iter()
        .map(|f| result(f, rules[f.advisory.id.as_str()].0, root, lock.as_deref()))
        .collect();
    let mut rule_list: Vec<(usize, &Finding)> = rules.values().copied().collect();
    rule_list.sort_by_key(|(i, _)| *i);
    let mut run = json!({
        "tool": {"driver": {
            "name": "cargo-painter",
            "version": PAINTER_VERSION,
            "semanticVersion": PAINTER_VERSION,
            "informationUri": "https://rustsec.org",
            "rules": rule_list.iter().map(|(_, f)| rule(f)).collect::<Vec<_>>(),
        }},
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let Some(root) = root {
        run["originalUriBaseIds"] = json!({"SRCROOT": {"uri": dir_uri(root)}});
    }
    json!({"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]})
}

fn rule(f: &Finding) -> Value {
    let a = &f.advisory;
    let mut rule = json!({
        "id": a.id,
        "name": a.id.replace('-', ""),
        "shortDescription": {"text": format!("{}: {}", f.package, a.title)},
        "fullDescription": {"text": format!(
            "{} ({}). Patched: {}.",
            a.title,
            a.id,
            if a.patched.is_empty() { "no fixed version".to_string() } else { a.patched.join(", ") }
        )},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["security", "rustsec"]},
    });
    if let Some(url) = &a.url {
        rule["helpUri"] = json!(url);
    }
    if let Some(kind) = &a.informational {
        rule["properties"]["tags"] = json!(["security", "rustsec", kind]);
        rule["defaultConfiguration"]["level"] = json!("note");
    }
    rule
}

fn result(f: &Finding, rule_index: usize, root: Option<&Path>, lock: Option<&str>) -> Value {
    let level = match (f.verdict, &f.advisory.informational) {
        (_, Some(_)) => "note",
        (Verdict::Reachable, None) => "error",
        _ => "warning",
    };
    let function = f.function.as_deref().unwrap_or("the package");
    let message = match f.verdict {
        Verdict::Reachable => format!(
            "{} ({} {}): `{function}` is reachable from `{}`: {}",
            f.advisory.id,
            f.package,
            f.version,
            f.root.as_deref().unwrap_or("?"),
            f.detail
        ),
        Verdict::ReachableThroughCandidates => format!(
            "{} ({} {}): `{function}` is reachable from `{}` {}",
            f.advisory.id,
            f.package,
            f.version,
            f.root.as_deref().unwrap_or("?"),
            f.detail
        ),
        _ => format!(
            "{} ({} {}): package affected; the advisory names no function",
            f.advisory.id, f.package, f.version
        ),
    };
    let mut result = json!({
        "ruleId": f.advisory.id,
        "ruleIndex": rule_index,
        "level": level,
        "message": {"text": message},
        "properties": {"verdict": f.verdict.as_str(), "package": f.package, "version": f.version},
    });
    let location = match f.path.first() {
        Some(step) => Some(step_location(step, root, None)),
        None => lock.and_then(|lock| lock_location(lock, &f.package, &f.version)),
    };
    if let Some(location) = location {
        result["locations"] = json!([location]);
    }
    if !f.path.is_empty() {
        let steps: Vec<Value> = f
            .path
            .iter()
            .map(|s| {
                let what = match &s.candidate {
                    Some(reason) => {
                        format!("{} call of `{}` (candidate: {reason})", s.kind, s.callee)
                    }
                    None => format!("{} call of `{}`", s.kind, s.callee),
                };
                json!({"location": step_location(s, root, Some(what))})
            })
            .collect();
        result["codeFlows"] = json!([{"threadFlows": [{"locations": steps}]}]);
    }
    if let Some(reason) = &f.ignored {
        result["suppressions"] = json!([{"kind": "external", "justification": reason}]);
    }
    result
}

/// A call site: relative to `SRCROOT` when under the workspace root, else a `file://` URI, else
/// the graph's own name (`$CARGO_REGISTRY/…`) as a relative reference.
fn step_location(step: &PathStep, root: Option<&Path>, message: Option<String>) -> Value {
    let file = Path::new(&step.file);
    let artifact = if file.is_absolute() {
        json!({"uri": format!("file://{}", uri_path(file))})
    } else if root.is_some() && !step.file.starts_with('$') {
        json!({"uri": uri_path(file), "uriBaseId": "SRCROOT"})
    } else {
        json!({"uri": uri_path(file)})
    };
    let span = &step.span;
    let mut region = json!({"startLine": span.line.max(1), "startColumn": span.col.max(1)});
    if span.end_line >= span.line && span.end_line > 0 {
        region["endLine"] = json!(span.end_line);
        region["endColumn"] = json!(span.end_col.max(1));
    }
    let mut location =
        json!({"physicalLocation": {"artifactLocation": artifact, "region": region}});
    if let Some(text) = message {
        location["message"] = json!({"text": text});
    }
    location
}
