//! Which crate of the old graph is which crate of the new one: the same key, else the same
//! package and target at another version (an update). When a package is there at several
//! versions, versions of one semver-compatible series pair first, then nearest ones.

use std::collections::{BTreeMap, BTreeSet};

use painter_schema::LinkedGraph;

/// `package@version#target` → `package#target` (the key without its version).
pub fn identity(key: &str) -> String {
    let (base, target) = match key.split_once('#') {
        Some((base, target)) => (base, Some(target)),
        None => (key, None),
    };
    let package = base.rsplit_once('@').map_or(base, |(p, _)| p);
    match target {
        Some(target) => format!("{package}#{target}"),
        None => package.to_string(),
    }
}

/// The version part of a key (`1.6.1` of `smallvec@1.6.1`).
pub fn version(key: &str) -> &str {
    let base = key.split('#').next().unwrap_or(key);
    base.rsplit_once('@').map_or("", |(_, v)| v)
}

/// Pairs `(old key, new key)` of the crates on both sides, and the keys only on one side.
#[derive(Debug, Default)]
pub struct Pairing {
    pub pairs: Vec<(String, String)>,
    pub removed: Vec<String>,
    pub added: Vec<String>,
}

pub fn pair(old: &LinkedGraph, new: &LinkedGraph) -> Pairing {
    let mut pairing = Pairing::default();
    let mut old_left: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut new_left: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for key in old.crates.keys() {
        if new.crates.contains_key(key) {
            pairing.pairs.push((key.clone(), key.clone()));
        } else {
            old_left.entry(identity(key)).or_default().push(key);
        }
    }
    for key in new.crates.keys().filter(|k| !old.crates.contains_key(*k)) {
        new_left.entry(identity(key)).or_default().push(key);
    }
    let identities: BTreeSet<String> = old_left.keys().chain(new_left.keys()).cloned().collect();
    for id in identities {
        let mut olds = old_left.remove(&id).unwrap_or_default();
        let mut news = new_left.remove(&id).unwrap_or_default();
        // Same series first (`1.x` with `1.y`, `0.3.x` with `0.3.y`), then any.
        for same_series in [true, false] {
            let mut i = 0;
            while i < olds.len() {
                let o = olds[i];
                let best = news
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| !same_series || series(version(o)) == series(version(n)))
                    .min_by_key(|(_, n)| version_distance(version(o), version(n)))
                    .map(|(j, _)| j);
                match best {
                    Some(j) => {
                        let n = news.remove(j);
                        pairing.pairs.push((o.to_string(), n.to_string()));
                        olds.remove(i);
                    }
                    None => i += 1,
                }
            }
        }
        pairing.removed.extend(olds.into_iter().map(String::from));
        pairing.added.extend(news.into_iter().map(String::from));
    }
    pairing.pairs.sort();
    pairing
}

fn numbers(version: &str) -> Vec<u64> {
    version
        .split(['-', '+'])
        .next()
        .unwrap_or("")
        .split('.')
        .map(|n| n.parse().unwrap_or(0))
        .collect()
}

/// The semver-compatible series: the major version, or `0.minor` (or `0.0.patch`).
fn series(version: &str) -> Vec<u64> {
    let n = numbers(version);
    let upto = n.iter().position(|&x| x != 0).map_or(n.len(), |i| i + 1);
    n[..upto.min(n.len())].to_vec()
}

fn version_distance(a: &str, b: &str) -> Vec<u64> {
    let (a, b) = (numbers(a), numbers(b));
    (0..a.len().max(b.len()))
        .map(|i| {
            let (x, y) = (
                a.get(i).copied().unwrap_or(0),
                b.get(i).copied().unwrap_or(0),
            );
            x.abs_diff(y)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_and_series() {
        assert_eq!(identity("smallvec@1.6.1"), "smallvec");
        assert_eq!(
            identity("demo-app@0.1.0#bin:demo_app"),
            "demo-app#bin:demo_app"
        );
        assert_eq!(identity("libc@0.2.1#build-script"), "libc#build-script");
        assert_eq!(version("demo-app@0.1.0#bin:demo_app"), "0.1.0");
        assert_eq!(series("1.6.1"), [1]);
        assert_eq!(series("0.3.9"), [0, 3]);
        assert_eq!(series("0.0.4"), [0, 0, 4]);
    }
}
