//! SARIF 2.1.0 of what a diff adds (GitHub code scanning on a pull request): each added unsafe
//! operation, declaration, foreign symbol, export and callback of the crates' own code is a
//! result at its span, under a rule per kind (`new-unsafe/<kind>`, `new-declaration/<kind>`,
//! `new-ffi/<what>`). Native libraries have no span: they are results without a region, at
//! the crate's manifest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use painter_export::sarif::{SCHEMA_URI, dir_uri, uri_path};
use painter_schema::{PAINTER_VERSION, Span};
use serde_json::{Value, json};

use crate::diff::{CrateDiff, Diff};

use super::op_what;

struct Results<'a> {
    root: Option<&'a Path>,
    rules: BTreeMap<String, String>,
    results: Vec<Value>,
}

impl Results<'_> {
    fn push(
        &mut self,
        rule: String,
        text: &str,
        message: String,
        dir: Option<&str>,
        span: Option<&Span>,
        function: Option<&str>,
    ) {
        self.rules
            .entry(rule.clone())
            .or_insert_with(|| text.to_string());
        let file: PathBuf = match (dir, span) {
            (Some(dir), Some(s)) if !Path::new(&*s.file).is_absolute() && !s.outside_package() => {
                Path::new(dir).join(&*s.file)
            }
            (_, Some(s)) => PathBuf::from(&*s.file),
            (Some(dir), None) => Path::new(dir).join("Cargo.toml"),
            (None, None) => PathBuf::from("Cargo.toml"),
        };
        let artifact = match self.root.and_then(|r| file.strip_prefix(r).ok()) {
            Some(rel) => json!({"uri": uri_path(rel), "uriBaseId": "SRCROOT"}),
            None if file.is_absolute() => json!({"uri": format!("file://{}", uri_path(&file))}),
            None => json!({"uri": uri_path(&file)}),
        };
        let mut physical = json!({"artifactLocation": artifact});
        if let Some(s) = span {
            physical["region"] = json!({
                "startLine": s.line, "startColumn": s.col,
                "endLine": s.end_line.max(s.line), "endColumn": s.end_col.max(1),
            });
        }
        let mut location = json!({"physicalLocation": physical});
        if let Some(f) = function {
            location["logicalLocations"] = json!([{"fullyQualifiedName": f, "kind": "function"}]);
        }
        self.results.push(json!({
            "ruleId": rule,
            "level": "warning",
            "message": {"text": message},
            "locations": [location],
        }));
    }
}

/// The SARIF log of what `diff` adds; locations relative to `root` when under it.
pub fn sarif_log(diff: &Diff, root: Option<&Path>) -> Value {
    let mut r = Results {
        root,
        rules: BTreeMap::new(),
        results: Vec::new(),
    };
    for c in &diff.crates {
        add_crate(&mut r, c);
    }
    let rules: Vec<Value> = r
        .rules
        .iter()
        .map(|(id, text)| json!({"id": id, "shortDescription": {"text": text}}))
        .collect();
    let index: BTreeMap<&str, usize> = r
        .rules
        .keys()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    for result in &mut r.results {
        let i = index[result["ruleId"].as_str().unwrap_or_default()];
        result["ruleIndex"] = json!(i);
    }
    let mut run = json!({
        "tool": {"driver": {
            "name": "cargo-painter diff",
            "version": PAINTER_VERSION,
            "rules": rules,
        }},
        "columnKind": "unicodeCodePoints",
        "results": r.results,
    });
    if let Some(root) = root {
        run["originalUriBaseIds"] = json!({"SRCROOT": {"uri": dir_uri(root)}});
    }
    json!({"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]})
}

fn add_crate(r: &mut Results<'_>, c: &CrateDiff) {
    let dir = c.new_dir.as_deref();
    let key = c.new_key.as_deref().unwrap_or(&c.identity);
    for op in c.ops.added.iter().filter(|o| o.own) {
        r.push(
            format!("new-unsafe/{}", op.kind),
            &format!("New unsafe operation `{}`", op.kind),
            format!(
                "new unsafe operation in {key}: {} (in {})",
                op_what(op),
                op.context
            ),
            dir,
            Some(&op.span),
            Some(&op.function),
        );
    }
    for d in c.declarations.added.iter().filter(|d| d.own) {
        let detail = d
            .detail
            .as_ref()
            .map(|x| format!(" ({x})"))
            .unwrap_or_default();
        r.push(
            format!("new-declaration/{}", d.kind),
            &format!("New unsafe declaration `{}`", d.kind),
            format!("new {} in {key}: {}{detail}", d.kind, d.path),
            dir,
            Some(&d.span),
            None,
        );
    }
    for l in &c.ffi.libraries.added {
        r.push(
            "new-ffi/library".into(),
            "New native library linked",
            format!("{key} links the native library {l}"),
            dir,
            None,
            None,
        );
    }
    for i in &c.ffi.imports.added {
        r.push(
            "new-ffi/import".into(),
            "New foreign symbol used",
            format!(
                "{key} uses the foreign {} `{}` (ABI {})",
                i.item_kind, i.symbol, i.abi
            ),
            dir,
            Some(&i.span),
            i.function.as_deref(),
        );
    }
    for (rule, text, list) in [
        (
            "new-ffi/export",
            "New symbol exported to foreign code",
            &c.ffi.exports.added,
        ),
        (
            "new-ffi/callback",
            "New Rust function handed to foreign code",
            &c.ffi.callbacks.added,
        ),
    ] {
        for s in list {
            r.push(
                rule.into(),
                text,
                format!("{key}: {} `{}` (ABI {})", &rule[8..], s.name, s.abi),
                dir,
                Some(&s.span),
                s.function.as_deref(),
            );
        }
    }
}
