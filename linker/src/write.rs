//! Writing a linked graph: canonical (same inputs in any order give the same bytes) and atomic
//! ([`painter_schema::atomic`]: readers never see half a graph, a crash leaves the previous one).

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

use painter_schema::atomic::{self, Temp};
use painter_schema::{CrateGraph, LinkedGraph};
use rayon::prelude::*;

use crate::canon;
use crate::error::LinkError;

/// Serialise `graph` as compact JSON (plus a final newline), in canonical order.
pub fn to_json_bytes(graph: &LinkedGraph) -> Vec<u8> {
    let mut bytes = Vec::new();
    serialize(canonical(graph).as_ref(), &mut bytes).expect("writing to memory cannot fail");
    bytes
}

/// Write `graph` to `path` atomically and in canonical order; creates missing parent
/// directories. Errors name `path`.
pub fn write_graph(graph: &LinkedGraph, path: &Path) -> Result<(), LinkError> {
    let start = std::time::Instant::now();
    let graph = canonical(graph);
    let written =
        atomic::write_atomic(path, Temp::PerProcess, |out| serialize(graph.as_ref(), out));
    log::debug!("wrote {} in {:.2?}", path.display(), start.elapsed());
    written.map_err(|source| LinkError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Crates serialised at once: enough to keep every thread busy, few enough that only a small
/// part of the graph is ever held as bytes.
const CRATES_PER_BATCH: usize = 64;

/// Write exactly what `serde_json::to_writer(graph)` writes, plus a newline, but serialise the
/// crates in parallel: serialisation, not I/O, dominates writing a large graph.
fn serialize(graph: &LinkedGraph, out: &mut impl Write) -> std::io::Result<()> {
    // The graph without its crates, serialised by serde, so that everything around the crates
    // map follows the schema's own field order (a new field fails to compile here).
    let shell = LinkedGraph {
        schema_version: graph.schema_version,
        painter_version: graph.painter_version.clone(),
        format: graph.format.clone(),
        crates: Default::default(),
        external_functions: graph.external_functions.clone(),
        candidate_sets: graph.candidate_sets.clone(),
        configurations: graph.configurations.clone(),
        stats: graph.stats.clone(),
    };
    let shell = serde_json::to_vec(&shell)?;
    let marker = br#""crates":{}"#;
    let at = shell
        .windows(marker.len())
        .position(|w| w == marker)
        .expect("a linked graph serialises a crates field")
        + marker.len()
        - 1;
    out.write_all(&shell[..at])?;
    let crates: Vec<(&String, &CrateGraph)> = graph.crates.iter().collect();
    for (batch_index, batch) in crates.chunks(CRATES_PER_BATCH).enumerate() {
        let parts: Vec<Vec<u8>> = batch
            .par_iter()
            .enumerate()
            .map(|(i, (key, krate))| {
                let mut part = Vec::new();
                if batch_index > 0 || i > 0 {
                    part.push(b',');
                }
                serde_json::to_writer(&mut part, key)?;
                part.push(b':');
                serde_json::to_writer(&mut part, krate)?;
                Ok(part)
            })
            .collect::<serde_json::Result<_>>()?;
        for part in parts {
            out.write_all(&part)?;
        }
    }
    out.write_all(&shell[at..])?;
    out.write_all(b"\n")
}

/// `graph` itself when already canonical (the linker's output always is), else a sorted copy.
fn canonical(graph: &LinkedGraph) -> Cow<'_, LinkedGraph> {
    if canon::is_canonical(graph) {
        Cow::Borrowed(graph)
    } else {
        let mut copy = graph.clone();
        canon::canonicalize(&mut copy);
        Cow::Owned(copy)
    }
}
