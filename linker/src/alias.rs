//! One id space per crate: copies of a package analysed in different configurations have
//! different `StableCrateId`s (cargo's `-C metadata` hashes the features and the target), and
//! every `DefPathHash` of a crate depends on its crate id (rustc_hir_id `Definitions::new`
//! seeds the root's local hash with it), so the same function has another id in each copy.
//! The copies are joined by path instead: a function of another copy takes the id of the
//! function of the same path in the crate's canonical copy (the one with the smallest crate
//! id), and any other id of the copy keeps its local part under the canonical crate id. Paths
//! print impls by their self type, so they survive impls that a configuration leaves out, which
//! shift rustc's impl numbering; a path that is not unique in both copies is not joined.

use std::collections::{BTreeMap, BTreeSet};

// Looked up for every id of every merged crate: foldhash, not SipHash (a third of the merge).
use foldhash::HashMap;

use painter_schema::CrateGraph;

use crate::resolve::crate_prefix;

/// How ids of non-canonical copies are renamed. Serialisable, so that an incremental link can
/// apply the renaming of the last whole link to the units it merges again.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Aliases {
    /// Function ids joined by path.
    ids: HashMap<String, String>,
    /// Every other id of a non-canonical copy: its crate part.
    prefixes: HashMap<String, String>,
}

impl Aliases {
    pub fn is_empty(&self) -> bool {
        self.prefixes.is_empty()
    }

    pub fn len(&self) -> usize {
        self.prefixes.len()
    }

    fn get(&self, id: &str) -> Option<String> {
        if let Some(joined) = self.ids.get(id) {
            return Some(joined.clone());
        }
        let prefix = crate_prefix(id);
        let canonical = self
            .prefixes
            .get(prefix)
            .filter(|_| prefix.len() < id.len())?;
        Some(format!("{canonical}{}", &id[prefix.len()..]))
    }
}

/// The renaming for every group of copies (one crate key). It depends only on the copies'
/// contents, never on the order of the inputs.
pub fn aliases(groups: &BTreeMap<String, Vec<CrateGraph>>) -> Aliases {
    let mut aliases = Aliases::default();
    for group in groups.values() {
        let prefixes: BTreeSet<&str> = group.iter().flat_map(copy_prefixes).collect();
        let mut prefixes = prefixes.into_iter();
        let Some(canonical) = prefixes.next() else {
            continue;
        };
        let others: Vec<&str> = prefixes.collect();
        if others.is_empty() {
            continue;
        }
        for alias in &others {
            aliases
                .prefixes
                .insert((*alias).to_owned(), canonical.to_owned());
        }
        let canonical_paths = unique_paths(group, canonical);
        for alias in others {
            for (path, id) in unique_paths(group, alias) {
                if let Some(target) = canonical_paths.get(path) {
                    aliases.ids.insert(id.to_owned(), (*target).to_owned());
                }
            }
        }
    }
    aliases
}

/// The crate ids a copy's functions use (a linked copy may already hold several).
fn copy_prefixes(g: &CrateGraph) -> impl Iterator<Item = &str> {
    std::iter::once(g.krate.stable_id.as_str())
        .chain(g.functions.iter().map(|f| crate_prefix(&f.id)))
}

/// Path → id for the functions of `group` under crate id `prefix`, leaving out paths that more
/// than one id has.
fn unique_paths<'a>(group: &'a [CrateGraph], prefix: &str) -> HashMap<&'a str, &'a str> {
    let mut paths: HashMap<&str, Option<&str>> = HashMap::default();
    for f in group.iter().flat_map(|g| &g.functions) {
        if crate_prefix(&f.id) != prefix {
            continue;
        }
        paths
            .entry(f.path.as_str())
            .and_modify(|seen| {
                if *seen != Some(f.id.as_str()) {
                    *seen = None
                }
            })
            .or_insert(Some(f.id.as_str()));
    }
    paths
        .into_iter()
        .filter_map(|(path, id)| Some((path, id?)))
        .collect()
}

/// Rename every id in `graph` (its own and those it refers to in other crates) whose crate
/// part is an alias. Returns whether anything changed (the lists then need re-sorting).
pub fn rewrite(graph: &mut CrateGraph, aliases: &Aliases) -> bool {
    let mut r = Renamer {
        aliases,
        changed: false,
    };
    if let Some(canonical) = aliases.prefixes.get(&graph.krate.stable_id) {
        graph.krate.stable_id = canonical.clone();
    }
    for f in &mut graph.functions {
        r.id(&mut f.id);
        r.opt(&mut f.parent);
        r.opt(&mut f.implements);
    }
    for op in &mut graph.unsafe_ops {
        r.id(&mut op.function);
        if let Some(callee) = &mut op.callee {
            r.opt(&mut callee.id);
        }
    }
    for block in &mut graph.unsafe_blocks {
        r.id(&mut block.function);
    }
    for call in &mut graph.calls {
        r.id(&mut call.caller);
        r.opt(&mut call.callee);
        r.opt(&mut call.trait_method);
    }
    for import in &mut graph.ffi.imports {
        r.opt(&mut import.function);
        r.id(&mut import.item);
    }
    for export in &mut graph.ffi.exports {
        r.id(&mut export.function);
    }
    for callback in &mut graph.ffi.callbacks {
        r.id(&mut callback.function);
        r.id(&mut callback.callback);
    }
    for decl in &mut graph.declarations {
        r.opt(&mut decl.id);
    }
    for taken in &mut graph.address_taken {
        r.id(&mut taken.function);
        r.opt(&mut taken.target);
        r.opt(&mut taken.trait_id);
        r.opt(&mut taken.passed_to);
    }
    r.changed
}

struct Renamer<'a> {
    aliases: &'a Aliases,
    changed: bool,
}

impl Renamer<'_> {
    /// Rename `id` (a `String` or a [`Sym`](painter_schema::Sym)) if it is an alias.
    fn id<T: AsRef<str> + From<String>>(&mut self, id: &mut T) {
        if let Some(renamed) = self.aliases.get(id.as_ref()) {
            *id = T::from(renamed);
            self.changed = true;
        }
    }

    fn opt<T: AsRef<str> + From<String>>(&mut self, id: &mut Option<T>) {
        if let Some(id) = id {
            self.id(id);
        }
    }
}
