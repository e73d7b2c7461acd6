//! One id space per crate: copies of a package analysed in different configurations have
//! different `StableCrateId`s (cargo's `-C metadata` hashes the features and the target), so
//! the same function has a different id in each. The local part of an id does not depend on
//! the crate id (rustc_hir_id `DefKey::compute_stable_hash` hashes only the parent's local
//! hash), so renaming the crate part to one canonical prefix per crate makes the copies' ids
//! agree, and the records of one function, op or call in two configurations become equal.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use painter_schema::CrateGraph;

use crate::resolve::crate_prefix;

/// For every group of copies (one crate key), each of its crate-id prefixes other than the
/// smallest, mapped to the smallest. The choice depends only on the set of prefixes, never on
/// the order of the inputs.
pub fn aliases(groups: &BTreeMap<String, Vec<CrateGraph>>) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for group in groups.values() {
        let prefixes: BTreeSet<&str> = group
            .iter()
            .flat_map(|g| {
                std::iter::once(g.krate.stable_id.as_str())
                    .chain(g.functions.iter().map(|f| crate_prefix(&f.id)))
            })
            .collect();
        let mut prefixes = prefixes.into_iter();
        let Some(canonical) = prefixes.next() else {
            continue;
        };
        for alias in prefixes {
            map.insert(alias.to_owned(), canonical.to_owned());
        }
    }
    map
}

/// Rename every id in `graph` (its own and those it refers to in other crates) whose crate
/// part is an alias. Returns whether anything changed (the lists then need re-sorting).
pub fn rewrite(graph: &mut CrateGraph, aliases: &HashMap<String, String>) -> bool {
    let mut changed = false;
    let mut id = |id: &mut String| {
        let prefix = crate_prefix(id);
        if prefix.len() < id.len()
            && let Some(canonical) = aliases.get(prefix)
        {
            *id = format!("{canonical}{}", &id[prefix.len()..]);
            changed = true;
        }
    };
    if let Some(canonical) = aliases.get(&graph.krate.stable_id) {
        graph.krate.stable_id = canonical.clone();
    }
    for f in &mut graph.functions {
        id(&mut f.id);
        f.parent.as_mut().map(&mut id);
        f.implements.as_mut().map(&mut id);
    }
    for op in &mut graph.unsafe_ops {
        id(&mut op.function);
        if let Some(callee) = &mut op.callee {
            callee.id.as_mut().map(&mut id);
        }
    }
    for block in &mut graph.unsafe_blocks {
        id(&mut block.function);
    }
    for call in &mut graph.calls {
        id(&mut call.caller);
        call.callee.as_mut().map(&mut id);
        call.trait_method.as_mut().map(&mut id);
    }
    for import in &mut graph.ffi.imports {
        import.function.as_mut().map(&mut id);
        id(&mut import.item);
    }
    for export in &mut graph.ffi.exports {
        id(&mut export.function);
    }
    for callback in &mut graph.ffi.callbacks {
        id(&mut callback.function);
        id(&mut callback.callback);
    }
    for decl in &mut graph.declarations {
        decl.id.as_mut().map(&mut id);
    }
    for taken in &mut graph.address_taken {
        id(&mut taken.function);
        taken.target.as_mut().map(&mut id);
        taken.trait_id.as_mut().map(&mut id);
    }
    changed
}
