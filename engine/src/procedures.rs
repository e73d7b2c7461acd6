//! `query/sql/procedures.json`: which SQL file plays which part in the link, in preparing the
//! edges and targets of reachability, and in the reach and shortest-path loops. The file is the
//! one definition of that sequencing; the Spark job (`spark/`) reads the same file, and the
//! drivers here only follow it.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

/// The text of `query/sql/procedures.json`, compiled in like the SQL files.
pub const TEXT: &str = include_str!("../../query/sql/procedures.json");

/// A query whose rows become a table of the given name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Materialize {
    pub table: String,
    pub query: String,
}

/// How to prepare one kind of edges or targets: tables to materialise once, then files that
/// define the view (`reach_edges`, `reach_targets`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prepare {
    #[serde(default)]
    pub materialize: Vec<Materialize>,
    /// A one-row table the driver creates from the id it is given (a function target).
    #[serde(default)]
    pub input: Option<String>,
    pub define: Vec<String>,
}

/// The reach loop's files (the protocol is in the file's `about`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReachLoop {
    pub seed: String,
    pub step: String,
    pub count: String,
    pub finish: String,
    pub advance: String,
    pub result: String,
}

/// The shortest-path loop's files.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathLoop {
    pub seed: String,
    pub hit: String,
    pub step: String,
    pub count: String,
    pub advance: String,
    pub parent: String,
    pub node_path: String,
}

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Procedures {
    /// Prose for readers of the file.
    #[allow(dead_code)]
    pub about: Vec<String>,
    pub link: Vec<Materialize>,
    pub edges: BTreeMap<String, Prepare>,
    pub targets: BTreeMap<String, Prepare>,
    pub reach: ReachLoop,
    pub path: PathLoop,
}

/// The parsed file. It is part of the build, so a malformed one is a bug caught by the tests.
pub fn get() -> &'static Procedures {
    static PARSED: OnceLock<Procedures> = OnceLock::new();
    PARSED.get_or_init(|| serde_json::from_str(TEXT).expect("query/sql/procedures.json is valid"))
}

/// How to prepare edges of the kind `name` (`exact`, `with_candidates`).
pub fn edges(name: &str) -> &'static Prepare {
    get()
        .edges
        .get(name)
        .unwrap_or_else(|| panic!("procedures.json has no edges `{name}`"))
}

/// How to prepare the target `name` (`unsafe`, `ffi`, `function`).
pub fn target(name: &str) -> &'static Prepare {
    get()
        .targets
        .get(name)
        .unwrap_or_else(|| panic!("procedures.json has no target `{name}`"))
}

#[cfg(test)]
mod tests {
    use super::get;

    /// Every file the procedures name is a SQL file the engine has compiled in.
    #[test]
    fn every_named_file_exists() {
        let p = get();
        let mut names: Vec<&str> = p.link.iter().map(|m| m.query.as_str()).collect();
        for prepare in p.edges.values().chain(p.targets.values()) {
            names.extend(prepare.materialize.iter().map(|m| m.query.as_str()));
            names.extend(prepare.define.iter().map(String::as_str));
        }
        let r = &p.reach;
        names.extend(
            [&r.seed, &r.step, &r.count, &r.finish, &r.advance, &r.result].map(|s| s.as_str()),
        );
        let q = &p.path;
        names.extend(
            [
                &q.seed,
                &q.hit,
                &q.step,
                &q.count,
                &q.advance,
                &q.parent,
                &q.node_path,
            ]
            .map(|s| s.as_str()),
        );
        for name in names {
            assert!(crate::sql::text(name).is_some(), "{name}");
        }
        assert!(p.edges.contains_key("exact") && p.edges.contains_key("with_candidates"));
        for t in ["unsafe", "ffi", "function"] {
            assert!(p.targets.contains_key(t), "{t}");
        }
    }
}
