//! SARIF 2.1.0 for GitHub code scanning and other SARIF viewers: every unsafe operation and
//! every FFI import (call of a foreign fn, use of an extern static) and export of the workspace
//! crates (`primary`) is a result, with its location, the enclosing function as logical
//! location, and one rule per kind (`unsafe/<kind>`, `ffi/call`, `ffi/static`, `ffi/export`).
//! Columns are counted in characters, as the graph counts them (`columnKind`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use painter_schema::{CrateGraph, LinkedGraph, PAINTER_VERSION, Span, UnsafeOpKind};
use serde_json::{Value, json};

use crate::{ExportError, write_atomically};

/// `$schema` of the log.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Write the SARIF log of `graph` to `path`. Locations are made relative to `source_root`
/// (default: the deepest directory holding every workspace crate), which is what code scanning
/// expects of a repository checkout.
pub fn export(
    graph: &LinkedGraph,
    source_root: Option<&Path>,
    path: &Path,
) -> Result<(), ExportError> {
    let log = sarif_log(graph, source_root);
    write_atomically(path, |out| {
        serde_json::to_writer_pretty(&mut *out, &log)?;
        std::io::Write::write_all(out, b"\n")
    })
}

struct Rule {
    id: String,
    name: String,
    text: String,
}

fn rules() -> Vec<Rule> {
    let mut rules: Vec<Rule> = UnsafeOpKind::ALL
        .iter()
        .map(|kind| Rule {
            id: format!("unsafe/{kind}"),
            name: camel(kind.as_str()),
            text: format!(
                "Unsafe operation `{kind}`: rustc's unsafety checker (E0133) requires an unsafe \
                 context for it"
            ),
        })
        .collect();
    for (id, name, text) in [
        ("ffi/call", "FfiCall", "Call of a foreign (C) function"),
        (
            "ffi/static",
            "FfiStatic",
            "Use of a foreign (extern) static",
        ),
        (
            "ffi/export",
            "FfiExport",
            "Function exported to foreign code",
        ),
    ] {
        rules.push(Rule {
            id: id.into(),
            name: name.into(),
            text: text.into(),
        });
    }
    rules
}

fn camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// Build the SARIF log as JSON.
pub fn sarif_log(graph: &LinkedGraph, source_root: Option<&Path>) -> Value {
    let primary: Vec<&CrateGraph> = graph.crates.values().filter(|k| k.krate.primary).collect();
    let root = source_root
        .map(Path::to_path_buf)
        .or_else(|| common_root(&primary));
    let rules = rules();
    let rule_index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut results = Vec::new();
    for krate in &primary {
        let fn_path: BTreeMap<&str, &str> = krate
            .functions
            .iter()
            .map(|f| (f.id.as_str(), f.path.as_str()))
            .collect();
        let mut result = |rule: &str, message: String, function: Option<&str>, span: &Span| {
            let function_path = function.and_then(|f| fn_path.get(f).copied());
            results.push(result_json(
                rule,
                rule_index[rule],
                message,
                function_path,
                location(krate, root.as_deref(), span),
            ));
        };
        for op in &krate.unsafe_ops {
            // An op inside a std macro's expansion is shown where the user wrote the macro.
            let span = match &op.from_macro {
                Some(m) if op.span.outside_package() => &m.call_site,
                _ => &op.span,
            };
            let what = match &op.callee {
                Some(callee) => format!("{} `{}`", op.kind, callee.path),
                None => match &op.target {
                    Some(target) => format!("{} `{target}`", op.kind),
                    None => op.kind.to_string(),
                },
            };
            result(
                &format!("unsafe/{}", op.kind),
                format!("unsafe operation: {what} (in {})", op.context.kind),
                Some(&op.function),
                span,
            );
        }
        for import in &krate.ffi.imports {
            let (rule, verb) = if import.item_kind == "static" {
                ("ffi/static", "use of extern static")
            } else {
                ("ffi/call", "FFI call of")
            };
            let library = import
                .library
                .as_ref()
                .map(|l| format!(" from native library `{l}`"))
                .unwrap_or_default();
            result(
                rule,
                format!(
                    "{verb} `{}` (symbol `{}`, ABI {}){library}",
                    import.item_path, import.symbol, import.abi
                ),
                import.function.as_deref(),
                &import.span,
            );
        }
        for export in &krate.ffi.exports {
            result(
                "ffi/export",
                format!(
                    "exported as symbol `{}` (ABI {})",
                    export.symbol, export.abi
                ),
                Some(&export.function),
                &export.span,
            );
        }
    }
    let mut run = json!({
        "tool": {"driver": {
            "name": "cargo-painter",
            "version": PAINTER_VERSION,
            "semanticVersion": PAINTER_VERSION,
            "rules": rules.iter().map(|r| json!({
                "id": r.id,
                "name": r.name,
                "shortDescription": {"text": r.text},
                "defaultConfiguration": {"level": "note"},
                "properties": {"tags": ["unsafe", "security"]},
            })).collect::<Vec<_>>(),
        }},
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let Some(root) = &root {
        run["originalUriBaseIds"] = json!({"SRCROOT": {"uri": dir_uri(root)}});
    }
    json!({"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]})
}

fn result_json(
    rule: &str,
    rule_index: usize,
    message: String,
    function: Option<&str>,
    mut location: Value,
) -> Value {
    if let Some(path) = function {
        location["logicalLocations"] = json!([{"fullyQualifiedName": path, "kind": "function"}]);
    }
    json!({
        "ruleId": rule,
        "ruleIndex": rule_index,
        "level": "note",
        "message": {"text": message},
        "locations": [location],
    })
}

/// A physical location: relative to `SRCROOT` when the file is under `root`, else absolute.
fn location(krate: &CrateGraph, root: Option<&Path>, span: &Span) -> Value {
    let file = Path::new(&span.file);
    let full: PathBuf = match &krate.krate.manifest_dir {
        Some(dir) if file.is_relative() => Path::new(dir).join(file),
        _ => file.to_path_buf(),
    };
    let artifact = match root.and_then(|r| full.strip_prefix(r).ok()) {
        Some(relative) => json!({"uri": uri_path(relative), "uriBaseId": "SRCROOT"}),
        None if full.is_absolute() => json!({"uri": format!("file://{}", uri_path(&full))}),
        None => json!({"uri": uri_path(&full)}),
    };
    let mut region = json!({"startLine": span.line, "startColumn": span.col});
    if span.end_line >= span.line && span.end_line > 0 {
        region["endLine"] = json!(span.end_line);
        region["endColumn"] = json!(span.end_col.max(1));
    }
    json!({"physicalLocation": {"artifactLocation": artifact, "region": region}})
}

/// The deepest directory containing every workspace crate's package root.
pub fn common_root(primary: &[&CrateGraph]) -> Option<PathBuf> {
    let mut dirs = primary.iter().filter_map(|k| k.krate.manifest_dir.as_ref());
    let mut root = PathBuf::from(dirs.next()?);
    for dir in dirs {
        while !Path::new(dir).starts_with(&root) {
            if !root.pop() {
                return None;
            }
        }
    }
    Some(root)
}

/// A path as a URI path: `/` separators, characters outside the unreserved set percent-encoded.
pub fn uri_path(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn dir_uri(dir: &Path) -> String {
    let mut uri = format!("file://{}", uri_path(dir));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The `name = "…"` line of the package's entry in `Cargo.lock`, as a SARIF location
/// relative to `SRCROOT` (painter-audit and painter-verify locate package findings there).
pub fn lock_location(lock: &str, package: &str, version: &str) -> Option<Value> {
    let lines: Vec<&str> = lock.lines().collect();
    let name = format!("name = \"{package}\"");
    let ver = format!("version = \"{version}\"");
    let index = lines
        .windows(2)
        .position(|w| w[0].trim() == name && w[1].trim() == ver)?;
    Some(json!({"physicalLocation": {
        "artifactLocation": {"uri": "Cargo.lock", "uriBaseId": "SRCROOT"},
        "region": {"startLine": index + 1, "startColumn": 1},
    }}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_roots() {
        assert_eq!(uri_path(Path::new("src/a b#.rs")), "src/a%20b%23.rs");
        assert_eq!(dir_uri(Path::new("/w/ws")), "file:///w/ws/");
        assert_eq!(camel("deref_raw_pointer"), "DerefRawPointer");
        // Every unsafe-op kind has a rule, and rule ids are unique.
        let rules = rules();
        let ids: std::collections::BTreeSet<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids.len(), rules.len());
        assert_eq!(rules.len(), UnsafeOpKind::ALL.len() + 3);
    }
}
