//! Loading inputs: per-crate files, directories of them, and already-linked graphs, parsed in
//! parallel. Bad files either stop the load (the first one, in input order) or are set aside.

use std::path::{Path, PathBuf};

use painter_schema::{
    Configuration, CrateGraph, GraphFile, LinkedGraph, LoadError, SCHEMA_VERSION, from_json_bytes,
};
use rayon::prelude::*;

/// The crates found in the inputs, and the files that could not be loaded (only with
/// `keep_going`; otherwise the first bad file is an error).
#[derive(Debug, Default)]
pub struct Loaded {
    /// In input order (directories expanded in sorted order), linked graphs' crates in key order.
    pub crates: Vec<CrateGraph>,
    pub skipped: Vec<(PathBuf, LoadError)>,
    /// How many graph files the inputs named (loaded or not).
    pub files: usize,
    /// How many of them were loaded.
    pub parsed: usize,
    /// The configurations described by linked inputs, in input order.
    pub configurations: Vec<Configuration>,
}

/// Expand `inputs` into graph files and parse them all.
///
/// A file given explicitly is loaded whatever its name; a dataset directory (its
/// `manifest.json` says `painter-dataset`) is read as the linked graph it holds; any other
/// directory contributes every `*.json` file below it. With `keep_going: false` the first failure in input order is returned, so the
/// error does not depend on which thread finished first.
pub fn load_inputs(inputs: &[PathBuf], keep_going: bool) -> Result<Loaded, LoadError> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for input in inputs {
        if input.is_dir() && !painter_dataset::is_dataset(input) {
            if let Err(e) = collect_json_files(input, &mut files) {
                if !keep_going {
                    return Err(e);
                }
                skipped.push((input.clone(), e));
            }
        } else {
            files.push(input.clone());
        }
    }
    // `collect` on an indexed parallel iterator keeps the input order.
    let parsed: Vec<Result<GraphFile, LoadError>> = files
        .par_iter()
        .map(|path| {
            let mut file = read_input(path)?;
            match &mut file {
                GraphFile::Crate(krate) => crate::merge::prepare(krate),
                GraphFile::Linked(linked) => {
                    linked.crates.values_mut().for_each(crate::merge::prepare)
                }
            }
            Ok(file)
        })
        .collect();

    let file_count = files.len();
    let mut crates = Vec::with_capacity(parsed.len());
    let mut configurations = Vec::new();
    let mut parsed_files = 0;
    for (path, result) in files.into_iter().zip(parsed) {
        parsed_files += usize::from(result.is_ok());
        match result {
            Ok(GraphFile::Crate(krate)) => crates.push(*krate),
            // A linked graph's crates are inputs again; its resolution is redone by the linker.
            Ok(GraphFile::Linked(linked)) => {
                crates.extend(linked.crates.into_values());
                configurations.extend(linked.configurations);
            }
            Err(e) if keep_going => skipped.push((path, e)),
            Err(e) => return Err(e),
        }
    }
    Ok(Loaded {
        crates,
        skipped,
        files: file_count,
        parsed: parsed_files,
        configurations,
    })
}

/// Read one graph file, or a dataset directory. The schema's reader parses a file twice (a header pass for the version
/// check, then the records); for the common case, a per-crate file of our version, one full
/// parse suffices, so that is tried first. Anything else (a linked graph, another version, a
/// bad file) goes through the schema's reader, which gives the precise error.
pub fn read_input(path: &Path) -> Result<GraphFile, LoadError> {
    if path.is_dir() {
        // Its units are inputs again, so the link tables are not needed (nor read): a
        // dataset whose link is pending is as good an input as a linked one.
        let (manifest, crates) = painter_dataset::read_units(path).map_err(dataset_error)?;
        return Ok(GraphFile::Linked(Box::new(LinkedGraph {
            schema_version: manifest.schema_version,
            painter_version: manifest.painter_version,
            format: manifest.graph_format,
            crates,
            external_functions: Vec::new(),
            candidate_sets: Vec::new(),
            configurations: manifest.configurations,
            stats: Default::default(),
        })));
    }
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    // A linked graph names its format near the start; skip the attempt rather than let the
    // per-crate parser skip over all of its crates before failing.
    let head = &bytes[..bytes.len().min(512)];
    let maybe_linked = head.windows(9).any(|w| w == b"\"format\":");
    if !maybe_linked {
        // One check of the whole file's UTF-8, instead of one per string (serde_json's slice
        // reader validates each string it reads; its str reader does not need to).
        let parsed = match std::str::from_utf8(&bytes) {
            Ok(text) => serde_json::from_str::<CrateGraph>(text),
            Err(_) => serde_json::from_slice::<CrateGraph>(&bytes),
        };
        match parsed {
            Ok(graph) if graph.schema_version == SCHEMA_VERSION => {
                return Ok(GraphFile::Crate(Box::new(graph)));
            }
            _ => {}
        }
    }
    from_json_bytes(path, &bytes)
}

fn dataset_error(e: painter_dataset::DatasetError) -> LoadError {
    LoadError::Dataset(Box::new(e))
}

/// The linked graph in `path`: a dataset directory, a linked JSON graph, or a per-crate file
/// (linked on its own). A dataset whose link is pending (`painter_dataset::update_units` left
/// it so) is linked now, and the link's tables are written back into it when the directory
/// is writable, so the next reader (or a SQL engine) finds them.
pub fn read_graph(path: &Path) -> Result<LinkedGraph, LoadError> {
    if path.is_dir() {
        return match painter_dataset::read_dataset(path) {
            Err(painter_dataset::DatasetError::NotLinked { .. }) => {
                let (manifest, units) = painter_dataset::read_units(path).map_err(dataset_error)?;
                let graph = crate::link_units(units, &manifest.configurations);
                if let Err(e) = painter_dataset::write_link(path, manifest, &graph) {
                    log::debug!("cannot write the link back into {}: {e}", path.display());
                }
                Ok(graph)
            }
            other => other.map_err(dataset_error),
        };
    }
    Ok(match painter_schema::read_graph_file(path)? {
        GraphFile::Linked(graph) => *graph,
        GraphFile::Crate(krate) => crate::link_graphs(vec![*krate]),
    })
}

/// Every `*.json` file below `dir`, in sorted order so that loading is deterministic.
/// Symlinked files are followed; symlinked directories are not (no cycles).
pub fn collect_json_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let file_type = entry.file_type().map_err(io)?;
        entries.push((entry.path(), file_type));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, file_type) in entries {
        if file_type.is_dir() {
            collect_json_files(&path, out)?;
        } else if path.extension().is_some_and(|ext| ext == "json")
            && (file_type.is_file() || path.is_file())
        {
            out.push(path);
        }
    }
    Ok(())
}
