//! Declarations and the FFI boundary of two versions of a crate, compared as multisets of
//! what identifies them (kind, path and detail; library; symbol), never by span.

use std::collections::BTreeMap;

use painter_query::figures::is_own_expansion;
use painter_schema::CrateGraph;

use super::model::{Changes, DeclItem, FfiChanges, ImportItem, SymbolItem};

/// Added and removed items: `key` identifies one; several equal keys pair up one by one.
fn compare<'a, R: 'a, K: Ord, T>(
    old: impl IntoIterator<Item = &'a R>,
    new: impl IntoIterator<Item = &'a R>,
    key: impl Fn(&R) -> K,
    item: impl Fn(&R) -> T,
) -> Changes<T> {
    let mut counts: BTreeMap<K, (Vec<&R>, Vec<&R>)> = BTreeMap::new();
    for r in old {
        counts.entry(key(r)).or_default().0.push(r);
    }
    for r in new {
        counts.entry(key(r)).or_default().1.push(r);
    }
    let mut changes = Changes::default();
    for (olds, news) in counts.into_values() {
        let n = olds.len().min(news.len());
        changes.removed.extend(olds[n..].iter().map(|r| item(r)));
        changes.added.extend(news[n..].iter().map(|r| item(r)));
    }
    changes
}

pub fn declarations(old: Option<&CrateGraph>, new: Option<&CrateGraph>) -> Changes<DeclItem> {
    let item = |krate: &CrateGraph, d: &painter_schema::Declaration| DeclItem {
        kind: d.kind,
        path: d.path.clone(),
        detail: d.detail.clone(),
        span: d.span.clone(),
        from_macro: d.from_macro.as_ref().map(|m| m.name.clone()),
        own: is_own_expansion(krate, d.from_macro.as_deref()),
    };
    let key = |d: &painter_schema::Declaration| (d.kind, d.path.clone(), d.detail.clone());
    let mut changes = Changes::default();
    // Items carry their crate's own-ness, so each side is mapped with its own crate.
    let olds: Vec<_> = old
        .map_or(&[][..], |k| &k.declarations[..])
        .iter()
        .collect();
    let news: Vec<_> = new
        .map_or(&[][..], |k| &k.declarations[..])
        .iter()
        .collect();
    let c = compare(olds.iter().copied(), news.iter().copied(), key, |d| {
        d.clone()
    });
    if let Some(o) = old {
        changes.removed = c.removed.iter().map(|d| item(o, d)).collect();
    }
    if let Some(n) = new {
        changes.added = c.added.iter().map(|d| item(n, d)).collect();
    }
    changes
}

pub fn ffi(old: Option<&CrateGraph>, new: Option<&CrateGraph>) -> FfiChanges {
    let empty = painter_schema::Ffi::default();
    let (o, n) = (
        old.map_or(&empty, |k| &k.ffi),
        new.map_or(&empty, |k| &k.ffi),
    );
    let paths = |k: Option<&CrateGraph>| -> BTreeMap<String, String> {
        k.map(|k| {
            k.functions
                .iter()
                .map(|f| (f.id.to_string(), f.path.to_string()))
                .collect()
        })
        .unwrap_or_default()
    };
    let (old_paths, new_paths) = (paths(old), paths(new));
    let libraries = dedup(compare(
        &dedup_libraries(&o.native_libraries),
        &dedup_libraries(&n.native_libraries),
        |l: &String| l.clone(),
        |l| l.clone(),
    ));
    let imports = |ffi: &painter_schema::Ffi, fns: &BTreeMap<String, String>| {
        let mut by_symbol: BTreeMap<(String, String), ImportItem> = BTreeMap::new();
        for i in &ffi.imports {
            by_symbol
                .entry((i.symbol.clone(), i.item_kind.clone()))
                .and_modify(|item| item.uses += 1)
                .or_insert_with(|| ImportItem {
                    symbol: i.symbol.clone(),
                    item_path: i.item_path.clone(),
                    item_kind: i.item_kind.clone(),
                    abi: i.abi.clone(),
                    library: i.library.clone(),
                    uses: 1,
                    function: i
                        .function
                        .as_ref()
                        .map(|f| fns.get(f).cloned().unwrap_or_else(|| f.clone())),
                    span: i.span.clone(),
                });
        }
        by_symbol.into_values().collect::<Vec<_>>()
    };
    let symbol_items =
        |ffi: &painter_schema::Ffi, fns: &BTreeMap<String, String>, exports: bool| {
            let path = |id: &str| fns.get(id).cloned().unwrap_or_else(|| id.to_string());
            // A callback handed out twice (or a symbol exported in two configurations) is one.
            let mut items: Vec<SymbolItem> = if exports {
                ffi.exports
                    .iter()
                    .map(|e| SymbolItem {
                        name: e.symbol.clone(),
                        abi: e.abi.clone(),
                        function: Some(path(&e.function)),
                        span: e.span.clone(),
                    })
                    .collect()
            } else {
                ffi.callbacks
                    .iter()
                    .map(|c| SymbolItem {
                        name: c.callback_path.clone(),
                        abi: c.abi.clone(),
                        function: Some(path(&c.function)),
                        span: c.span.clone(),
                    })
                    .collect()
            };
            items.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.span.cmp(&b.span)));
            items.dedup_by(|a, b| a.name == b.name);
            items
        };
    let by_name = |s: &SymbolItem| s.name.clone();
    FfiChanges {
        libraries,
        imports: compare(
            &imports(o, &old_paths),
            &imports(n, &new_paths),
            |i: &ImportItem| (i.symbol.clone(), i.item_kind.clone()),
            ImportItem::clone,
        ),
        exports: compare(
            &symbol_items(o, &old_paths, true),
            &symbol_items(n, &new_paths, true),
            by_name,
            SymbolItem::clone,
        ),
        callbacks: compare(
            &symbol_items(o, &old_paths, false),
            &symbol_items(n, &new_paths, false),
            by_name,
            SymbolItem::clone,
        ),
    }
}

/// `name (kind)` of each distinct library.
fn dedup_libraries(libs: &[painter_schema::NativeLibrary]) -> Vec<String> {
    let mut names: Vec<String> = libs
        .iter()
        .map(|l| format!("{} ({})", l.name, l.kind))
        .collect();
    names.sort();
    names.dedup();
    names
}

fn dedup(mut c: Changes<String>) -> Changes<String> {
    c.added.dedup();
    c.removed.dedup();
    c
}
