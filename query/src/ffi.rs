//! The FFI boundary of a linked graph, per crate: the native libraries it links, how many
//! foreign items it declares and how many of those are really used (called or read) — and from
//! which crates — plus its exports and callbacks. Printed by `cargo painter stats`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

use painter_schema::{FunctionKind, LinkedGraph};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct FfiRow {
    pub key: String,
    /// `name (kind, source)` of each native library the crate links.
    pub libraries: Vec<String>,
    /// Foreign fns and statics the crate declares.
    pub declared: u64,
    /// Of those, how many are used anywhere in the graph.
    pub used: u64,
    /// Crates using them, with how many uses each.
    pub used_from: BTreeMap<String, u64>,
    pub exports: u64,
    pub callbacks: u64,
}

pub fn ffi_rows(graph: &LinkedGraph) -> Vec<FfiRow> {
    // Which crate declares each foreign item.
    let mut owner: HashMap<&str, &str> = HashMap::new();
    for (key, krate) in &graph.crates {
        for f in &krate.functions {
            if matches!(
                f.kind,
                FunctionKind::ForeignFn | FunctionKind::ForeignStatic
            ) {
                owner.insert(f.id.as_str(), key.as_str());
            }
        }
    }
    let mut used: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut used_from: BTreeMap<&str, BTreeMap<String, u64>> = BTreeMap::new();
    for (key, krate) in &graph.crates {
        for import in &krate.ffi.imports {
            if let Some(declaring) = owner.get(import.item.as_str()) {
                used.entry(declaring)
                    .or_default()
                    .insert(import.item.as_str());
                *used_from
                    .entry(declaring)
                    .or_default()
                    .entry(key.clone())
                    .or_default() += 1;
            }
        }
    }
    let mut rows = Vec::new();
    for (key, krate) in &graph.crates {
        let declared = krate
            .functions
            .iter()
            .filter(|f| {
                matches!(
                    f.kind,
                    FunctionKind::ForeignFn | FunctionKind::ForeignStatic
                )
            })
            .count() as u64;
        let ffi = &krate.ffi;
        if declared == 0
            && ffi.native_libraries.is_empty()
            && ffi.exports.is_empty()
            && ffi.callbacks.is_empty()
        {
            continue;
        }
        let libraries = ffi
            .native_libraries
            .iter()
            .map(|l| format!("{} ({}, {})", l.name, l.kind, l.source.replace('_', " ")))
            .collect();
        rows.push(FfiRow {
            key: key.clone(),
            libraries,
            declared,
            used: used.get(key.as_str()).map_or(0, |s| s.len() as u64),
            used_from: used_from.remove(key.as_str()).unwrap_or_default(),
            exports: ffi.exports.len() as u64,
            callbacks: ffi.callbacks.len() as u64,
        });
    }
    rows
}

pub fn render(rows: &[FfiRow]) -> String {
    let mut out = String::from("\nFFI boundary\n");
    if rows.is_empty() {
        out.push_str("no crate declares, links, exports or hands out anything across FFI\n");
        return out;
    }
    let width = rows.iter().map(|r| r.key.len()).max().unwrap_or(5).max(5);
    let _ = writeln!(
        out,
        "{:width$}  {:>8}  {:>4}  {:>7}  {:>9}  libraries; used from",
        "crate", "declared", "used", "exports", "callbacks"
    );
    for row in rows {
        let from: Vec<String> = row
            .used_from
            .iter()
            .map(|(k, n)| format!("{k} ({n})"))
            .collect();
        let libs = if row.libraries.is_empty() {
            "-".to_string()
        } else {
            row.libraries.join(", ")
        };
        let from = if from.is_empty() {
            String::new()
        } else {
            format!("; {}", from.join(", "))
        };
        let _ = writeln!(
            out,
            "{:width$}  {:>8}  {:>4}  {:>7}  {:>9}  {libs}{from}",
            row.key, row.declared, row.used, row.exports, row.callbacks
        );
    }
    out.push_str("declared = foreign fns and statics declared; used = of those, used somewhere in the graph\n");
    out
}
