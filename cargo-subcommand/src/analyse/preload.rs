//! Parsing per-crate files while cargo is still building: each freshly analysed unit's file is
//! read on a worker thread as soon as cargo reports the unit, and (in a run of one
//! configuration) prepared as the merge would and encoded as its dataset files, so that the
//! link after the build only merges and writes bytes. (The build's last units keep one core
//! busy and the other idle; parsing and encoding tens of megabytes there is free, at the end
//! it is not.)

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Sender, channel};
use std::thread::JoinHandle;

use painter_dataset::EncodedUnit;
use painter_schema::{CrateGraph, GraphFile, read_graph_file};

/// A file's identity: `crates/` holds hard links to the driver's files, so the same inode.
pub type FileId = (u64, u64);

/// A file read during the build.
pub struct Preloaded {
    pub graph: CrateGraph,
    /// The unit this crate is on its own, encoded: valid only if the merge leaves the crate
    /// as it is (`painter_linker::Units::as_prepared`).
    pub encoded: Option<EncodedUnit>,
}

pub struct Preloader {
    tx: Sender<PathBuf>,
    worker: JoinHandle<HashMap<FileId, Preloaded>>,
}

impl Preloader {
    /// `encode`: prepare and encode each crate as a unit of its own (a run of one unnamed
    /// configuration; with several, the collect step adds configurations to each crate).
    pub fn start(encode: bool) -> Self {
        let (tx, rx) = channel::<PathBuf>();
        let worker = std::thread::spawn(move || {
            let mut parsed = HashMap::new();
            for path in rx {
                // A file that does not parse is left to the link step, which reports it.
                if let (Some(id), Ok(GraphFile::Crate(graph))) =
                    (file_id(&path), read_graph_file(&path))
                {
                    parsed.insert(id, preload(*graph, encode));
                }
            }
            parsed
        });
        Preloader { tx, worker }
    }

    pub fn add(&self, path: PathBuf) {
        let _ = self.tx.send(path);
    }

    /// Wait for the files sent so far; what was read by file identity.
    pub fn finish(self) -> HashMap<FileId, Preloaded> {
        drop(self.tx);
        self.worker.join().unwrap_or_default()
    }
}

fn preload(mut graph: CrateGraph, encode: bool) -> Preloaded {
    if !encode {
        return Preloaded {
            graph,
            encoded: None,
        };
    }
    painter_linker::prepare_unit(&mut graph);
    // An encoding that fails is made again by the write, which reports the error.
    let encoded = painter_dataset::encode_unit(&graph.krate.key(), &graph).ok();
    Preloaded { graph, encoded }
}

/// Parse `files` on as many threads as there are cores: the graphs of the per-crate files
/// that read, and the files that do not (the link step names them).
pub fn parse_all(files: &[PathBuf]) -> (Vec<(PathBuf, CrateGraph)>, Vec<PathBuf>) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = files.len().div_ceil(threads).max(1);
    let results: Vec<(PathBuf, Option<CrateGraph>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|path| match painter_linker::read_input(path) {
                            Ok(GraphFile::Crate(graph)) => (path.clone(), Some(*graph)),
                            _ => (path.clone(), None),
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut parsed = Vec::with_capacity(results.len());
    let mut unreadable = Vec::new();
    for (path, graph) in results {
        match graph {
            Some(graph) => parsed.push((path, graph)),
            None => unreadable.push(path),
        }
    }
    (parsed, unreadable)
}

#[cfg(unix)]
pub fn file_id(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
pub fn file_id(_: &Path) -> Option<FileId> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempDir;

    #[test]
    fn hard_links_share_the_parsed_graph_and_bad_files_are_left_out() {
        let dir = TempDir::new("preload");
        let good = dir.path().join("good.painter.json");
        let bad = dir.path().join("bad.painter.json");
        std::fs::write(&bad, b"{\"schema_version\": 1, \"crate\": ").unwrap();
        let graph = serde_json::json!({
            "schema_version": 1, "painter_version": "0", "toolchain": "t", "status": "ok",
            "crate": {"name": "a", "package": "a", "version": "1.0.0", "kind": "lib",
                      "stable_id": "00", "features": [], "target": "x", "source": "path",
                      "primary": true, "edition": "2024"}
        });
        std::fs::write(&good, graph.to_string()).unwrap();
        let link = dir.path().join("a-1.0.0-00.json");
        std::fs::hard_link(&good, &link).unwrap();

        for encode in [false, true] {
            let preloader = Preloader::start(encode);
            preloader.add(good.clone());
            preloader.add(bad.clone());
            let parsed = preloader.finish();
            assert_eq!(parsed.len(), 1);
            let via_link = &parsed[&file_id(&link).unwrap()];
            assert_eq!(via_link.graph.krate.name, "a");
            assert_eq!(
                via_link.encoded.as_ref().map(|e| e.key().to_owned()),
                encode.then(|| via_link.graph.krate.key())
            );
            assert!(!parsed.contains_key(&file_id(&bad).unwrap()));
        }
    }
}
