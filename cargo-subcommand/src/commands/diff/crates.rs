//! `crate:NAME@VERSION` sides (and `--crate NAME@V1..V2`): the versions are analysed by the
//! ecosystem runner exactly as `cargo painter ecosystem` analyses a list (fetched through
//! cargo, built in its sandbox, units cached in `<work>/crates/crates/`, resumable), then each
//! side is the link of its own entry's units: the crate and its dependencies at that version.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::cli::EcosystemArgs;
use crate::ecosystem::{self, result::Status};
use crate::linking::{self, LinkInputs};
use painter_schema::LinkedGraph;

/// `NAME@V1..V2` as two sides' `(name, version)`.
pub fn parse_range(spec: &str) -> Result<[(String, String); 2]> {
    let err = || format!("`{spec}`: write --crate NAME@V1..V2 (e.g. smallvec@1.6.0..1.6.1)");
    let (name, range) = spec.split_once('@').with_context(err)?;
    let (a, b) = range.split_once("..").with_context(err)?;
    if name.is_empty() || a.is_empty() || b.is_empty() {
        bail!(err());
    }
    Ok([(name.into(), a.into()), (name.into(), b.into())])
}

/// Analyse the crate versions and link each one's units; graphs in the order given.
pub fn analyse(
    versions: &[(String, String)],
    work: &Path,
    no_sandbox: bool,
    offline: bool,
) -> Result<Vec<LinkedGraph>> {
    let out = work.join("crates");
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let list = out.join("list.txt");
    let text: String = versions.iter().map(|(n, v)| format!("{n}@{v}\n")).collect();
    std::fs::write(&list, text).with_context(|| format!("cannot write {}", list.display()))?;
    let args = EcosystemArgs {
        crates: list,
        out: out.clone(),
        jobs: Some(versions.len().min(2)),
        shard: None,
        retry_failed: true,
        no_sandbox,
        timeout: 900,
        memory_limit: 8192,
        max_procs: 2048,
        max_target_size: 10240,
        offline,
        fetch_only: false,
        cargo_home: None,
        verify: false,
        fetch_retries: crate::cli::DEFAULT_FETCH_RETRIES,
    };
    let analysed = ecosystem::analyse_list(&args)?.context("nothing analysed")?;
    let mut graphs = Vec::new();
    for (name, version) in versions {
        let id = format!("{name}@{version}");
        let result = analysed
            .results
            .iter()
            .find(|r| r.entry == id)
            .with_context(|| format!("{id}: no result"))?;
        if result.status != Status::Ok {
            bail!(
                "{id}: {} ({}; log in {})",
                result.status.as_str(),
                result.error.as_deref().unwrap_or("no detail"),
                analysed.layout.logs.display()
            );
        }
        let files: Vec<_> = result
            .units
            .iter()
            .map(|u| analysed.layout.crates.join(u))
            .collect();
        let linked = linking::link(LinkInputs {
            files: &files,
            require_usable: true,
            ..LinkInputs::default()
        })?;
        let mut graph = linked.graph;
        // Units of other entries of this run may be marked primary in the shared cache (a
        // crate can depend on another version of itself): the side's primary crate is its own.
        for (key, krate) in graph.crates.iter_mut() {
            krate.krate.primary = result.graph_key.as_deref() == Some(key.as_str());
        }
        graphs.push(graph);
    }
    Ok(graphs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let [a, b] = parse_range("smallvec@1.6.0..1.6.1").unwrap();
        assert_eq!(a, ("smallvec".to_string(), "1.6.0".to_string()));
        assert_eq!(b.1, "1.6.1");
        assert!(parse_range("smallvec@1.6.0").is_err());
        assert!(parse_range("smallvec").is_err());
    }
}
