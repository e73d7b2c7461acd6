//! The one link step of cargo painter, used by the analyse command, `link` and the ecosystem
//! runner alike: load what is not in memory yet, set aside (and say) what cannot be read, link
//! everything, write the graph (a dataset, or JSON on request) atomically.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use painter_linker::{
    Aliases, LoadError, Loaded, check_usable, link_units, load_inputs, merge_units, write_graph,
};
use painter_schema::{Configuration, CrateGraph, LinkedGraph};

/// What to link.
#[derive(Default)]
pub struct LinkInputs<'a> {
    /// Graphs already parsed (e.g. while cargo was still building).
    pub parsed: Vec<CrateGraph>,
    /// Per-crate files, directories of them, linked graphs: loaded now.
    pub files: &'a [PathBuf],
    /// Set bad files aside (and warn) instead of failing on the first one.
    pub keep_going: bool,
    /// Inputs that give nothing to link are an error, not an empty graph (the `link` command:
    /// the user named the inputs). A build's own files may legitimately be none.
    pub require_usable: bool,
    /// Descriptions of the configurations the crates name, from the run that built them.
    pub configurations: &'a [Configuration],
}

/// The linked graph and the files that were set aside, with why.
pub struct Linked {
    pub graph: LinkedGraph,
    pub skipped: Vec<(PathBuf, LoadError)>,
}

/// The units of the inputs, merged but not linked across (the first half of [`link`]).
pub struct Merged {
    pub units: BTreeMap<String, CrateGraph>,
    /// The configurations the units name: the run's, and those of linked-graph inputs.
    pub configurations: Vec<Configuration>,
    pub skipped: Vec<(PathBuf, LoadError)>,
    /// The renaming that joined copies of a package (`painter_linker::Units::aliases`).
    pub aliases: Aliases,
    /// The units that are their one crate as prepared (`painter_linker::Units::as_prepared`).
    pub as_prepared: BTreeSet<String>,
}

/// Load, check and link `inputs`.
pub fn link(inputs: LinkInputs<'_>) -> Result<Linked> {
    let merged = merge(inputs)?;
    Ok(Linked {
        graph: link_units(merged.units, &merged.configurations),
        skipped: merged.skipped,
    })
}

/// Load, check and merge `inputs` into units; what is left out is said (a warning each).
pub fn merge(inputs: LinkInputs<'_>) -> Result<Merged> {
    let loaded = if inputs.files.is_empty() {
        Loaded::default()
    } else {
        load_inputs(inputs.files, inputs.keep_going)?
    };
    if inputs.require_usable && inputs.parsed.is_empty() {
        check_usable(inputs.files, &loaded)?;
    }
    // Each error starts with the file it is about.
    for (_, error) in &loaded.skipped {
        crate::diag::warning(format_args!("left out of the graph: {error}"));
    }
    let mut known = inputs.configurations.to_vec();
    known.extend(loaded.configurations);
    let mut crates = inputs.parsed;
    crates.extend(loaded.crates);
    let units = merge_units(crates);
    Ok(Merged {
        units: units.units,
        configurations: known,
        skipped: loaded.skipped,
        aliases: units.aliases,
        as_prepared: units.as_prepared,
    })
}

/// Write `graph` to `path`: a dataset directory, or the JSON document when `path` ends in
/// `.json`. Either way every file is replaced whole (atomic), and a dataset rewrite leaves the
/// files of unchanged units untouched.
pub fn write(graph: &LinkedGraph, path: &Path) -> Result<()> {
    if path.extension().is_some_and(|e| e == "json") {
        return write_graph(graph, path).context("cannot write the linked graph");
    }
    painter_dataset::write_dataset(graph, path)
        .with_context(|| format!("cannot write the dataset {}", path.display()))?;
    Ok(())
}

/// Free a graph on a thread of its own. Its millions of small strings take a tenth of a second
/// and more to free one by one (`bench/tree`: 0.2 s after the write), on the path to the
/// report; the command ends soon after, and if it ends first the memory goes with the process.
pub fn free_in_background<T: Send + 'static>(value: T) {
    std::thread::spawn(move || drop(value));
}
