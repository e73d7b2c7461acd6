//! painter-linker: merges cargo painter's per-crate graph files into one [`LinkedGraph`],
//! resolves call edges across crates, finds the candidate targets of open calls, and writes the
//! result. Questions about the linked graph (reachability, paths, figures, tables) are the
//! query layer's, `painter-query`.
//!
//! The pipeline is `load` (parallel parse) → `merge` (one crate per key, copies of one crate
//! united by `alias` and tagged by `configs`) → `resolve` (cross-crate and external callees) →
//! `candidates` (possible targets of `dyn`, `trait_generic` and `fn_ptr` calls, kept apart from
//! the exact edges) → `stats`; every stage keeps the graph in canonical order (`canon`), so the
//! same inputs in any order give the same graph and byte-identical output (`write`).
//!
//! ```no_run
//! # use std::path::{Path, PathBuf};
//! let outcome = painter_linker::link(&[PathBuf::from("target/painter/crates")],
//!     &painter_linker::LinkOptions { keep_going: true })?;
//! for (path, error) in &outcome.skipped { eprintln!("skipped {}: {error}", path.display()); }
//! painter_linker::write_graph(&outcome.graph, Path::new("target/painter/graph.json"))?;
//! # Ok::<(), painter_linker::LinkError>(())
//! ```

mod alias;
pub mod candidates;
mod canon;
mod configs;
mod error;
pub mod instances;
mod load;
mod merge;
mod resolve;
mod stats;
mod typematch;
mod write;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

use painter_schema::{
    Configuration, CrateGraph, LINKED_FORMAT, LinkedGraph, PAINTER_VERSION, SCHEMA_VERSION,
};
use rayon::prelude::*;

pub use alias::Aliases;
pub use error::{LinkError, LoadError};
pub use load::{Loaded, collect_json_files, load_inputs, read_graph, read_input};
pub use resolve::crate_prefix;
pub use stats::link_stats;
pub use write::{to_json_bytes, write_graph};

/// How [`link`] treats bad inputs.
#[derive(Debug, Clone, Default)]
pub struct LinkOptions {
    /// Skip files that cannot be loaded (listed in [`LinkOutcome::skipped`]) instead of failing
    /// on the first one.
    pub keep_going: bool,
}

/// The linked graph and the inputs that were skipped (only with `keep_going`).
#[derive(Debug)]
pub struct LinkOutcome {
    pub graph: LinkedGraph,
    /// Each bad file (or unreadable directory) with its error, in input order.
    pub skipped: Vec<(PathBuf, LoadError)>,
}

/// Load `inputs` (per-crate files, directories searched recursively for `*.json`, linked
/// graphs, dataset directories) and link them. Fails on the first bad file unless `opts.keep_going`, and when the
/// inputs contain no graph file at all.
pub fn link(inputs: &[PathBuf], opts: &LinkOptions) -> Result<LinkOutcome, LinkError> {
    let start = Instant::now();
    let loaded = load::load_inputs(inputs, opts.keep_going)?;
    log::debug!(
        "loaded {} crates in {:.2?}, skipped {} files",
        loaded.crates.len(),
        start.elapsed(),
        loaded.skipped.len()
    );
    check_usable(inputs, &loaded)?;
    Ok(LinkOutcome {
        graph: link_graphs_with(loaded.crates, &loaded.configurations),
        skipped: loaded.skipped,
    })
}

/// The inputs of a link must give something to link: no graph file at all, or none that could
/// be read, is an error (naming the inputs or the bad files) rather than an empty graph.
pub fn check_usable(inputs: &[PathBuf], loaded: &Loaded) -> Result<(), LinkError> {
    if loaded.files == 0 && loaded.skipped.is_empty() {
        return Err(LinkError::NoInputs {
            inputs: inputs.to_vec(),
        });
    }
    if loaded.parsed == 0 && !loaded.skipped.is_empty() {
        return Err(LinkError::NothingUsable {
            skipped: loaded.skipped.iter().map(|(p, _)| p.clone()).collect(),
        });
    }
    Ok(())
}

/// Link crates already in memory. Crates sharing a key are merged; the result is canonical and
/// does not depend on the order of `crates`.
pub fn link_graphs(crates: Vec<CrateGraph>) -> LinkedGraph {
    link_graphs_with(crates, &[])
}

/// [`link_graphs`], with descriptions of the configurations the crates name (from the run
/// that analysed them, or from linked inputs); the first description of a name wins.
pub fn link_graphs_with(crates: Vec<CrateGraph>, known: &[Configuration]) -> LinkedGraph {
    link_units(merge_units(crates).units, known)
}

/// Crates merged into units (one per key), each with its own facts only: what a dataset's
/// per-unit files hold.
pub struct Units {
    pub units: BTreeMap<String, CrateGraph>,
    /// The renaming that joined copies of one package (in one id space) and rewrote the ids
    /// that other units use for them.
    pub aliases: Aliases,
    /// The units that are their one input crate as [`prepare_unit`] leaves it: whatever was
    /// computed from that crate after `prepare_unit` (an encoding of its rows) holds for the
    /// unit.
    pub as_prepared: BTreeSet<String>,
}

/// What the merge does to a crate that is a unit on its own: records in canonical order,
/// resolution cleared, counts recomputed. Done ahead (e.g. while a build goes on), the merge
/// finds it done.
pub fn prepare_unit(graph: &mut CrateGraph) {
    merge::prepare(graph);
    graph.recount();
}

/// The first half of a link, unit by unit: group the crates by key, merge each group, recount.
pub fn merge_units(crates: Vec<CrateGraph>) -> Units {
    merge(crates, None).expect("without a given renaming, merging always succeeds")
}

/// [`merge_units`] for some units only, with the renaming of the last whole link (the rest of
/// the units are not there to derive it from). `None` when these units' own copies would need
/// a renaming of their own, which would change every unit: link everything then.
pub fn merge_units_with(crates: Vec<CrateGraph>, known: &Aliases) -> Option<Units> {
    merge(crates, Some(known))
}

fn merge(crates: Vec<CrateGraph>, known: Option<&Aliases>) -> Option<Units> {
    let start = Instant::now();
    let merged = merge::merge_crates(crates, known)?;
    log::debug!("merged in {:.2?}", start.elapsed());
    let mut units = merged.crates;
    // Counts are derivable from the records; recomputing them keeps summaries truthful even
    // for files written by an older or buggy driver.
    units.par_iter_mut().for_each(|(_, krate)| krate.recount());
    Some(Units {
        units,
        aliases: merged.aliases,
        as_prepared: merged.as_prepared,
    })
}

/// The second half, across units: resolve calls, find candidates, describe configurations.
pub fn link_units(
    mut crates: BTreeMap<String, CrateGraph>,
    known: &[Configuration],
) -> LinkedGraph {
    let start = Instant::now();
    let external_functions = resolve::resolve_calls(&mut crates);
    log::debug!("resolved in {:.2?}", start.elapsed());
    // Always recomputed from the crates: a re-linked graph's old candidates are not inputs.
    let start = Instant::now();
    let candidate_sets = candidates::assign_candidates(&mut crates);
    log::debug!(
        "found {} candidate sets in {:.2?}",
        candidate_sets.len(),
        start.elapsed()
    );
    let configurations = configs::describe(&crates, known);
    let mut graph = LinkedGraph {
        schema_version: SCHEMA_VERSION,
        painter_version: PAINTER_VERSION.to_owned(),
        format: LINKED_FORMAT.to_owned(),
        crates,
        external_functions,
        candidate_sets,
        configurations,
        stats: Default::default(),
    };
    graph.stats = link_stats(&graph);
    graph
}
