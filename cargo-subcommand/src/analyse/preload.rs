//! Parsing per-crate files while cargo is still building: each freshly analysed unit's file is
//! read on a worker thread as soon as cargo reports the unit, and (in a run of one
//! configuration) prepared as the merge would and encoded as its dataset files, so that the
//! link after the build only merges and writes bytes. (The build's last units keep one core
//! busy and the other idle; parsing and encoding tens of megabytes there is free, at the end
//! it is not.)

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
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

type Parsed = HashMap<FileId, Preloaded>;

/// The worker runs at the lowest priority: while cargo builds, the compilers have every core
/// and the worker takes what they leave idle (a build of two jobs often waits on one crate).
/// What it has not reached when the build ends is read by the caller too, at its own
/// priority, in `finish`.
pub struct Preloader {
    queue: Arc<Queue>,
    encode: bool,
    worker: JoinHandle<Parsed>,
}

#[derive(Default)]
struct Queue {
    state: Mutex<Pending>,
    ready: Condvar,
}

#[derive(Default)]
struct Pending {
    paths: VecDeque<PathBuf>,
    /// No more files will come (the build is over).
    closed: bool,
}

impl Queue {
    /// The next file; `wait`: block until there is one or the queue is closed.
    fn pop(&self, wait: bool) -> Option<PathBuf> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(path) = state.paths.pop_front() {
                return Some(path);
            }
            if state.closed || !wait {
                return None;
            }
            state = self
                .ready
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn push(&self, path: Option<PathBuf>) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match path {
            Some(path) => state.paths.push_back(path),
            None => state.closed = true,
        }
        self.ready.notify_all();
    }
}

impl Preloader {
    /// `encode`: prepare and encode each crate as a unit of its own (a run of one unnamed
    /// configuration; with several, the collect step adds configurations to each crate).
    pub fn start(encode: bool) -> Self {
        let queue = Arc::new(Queue::default());
        let worker = {
            let queue = Arc::clone(&queue);
            std::thread::spawn(move || {
                lowest_priority();
                let mut parsed = Parsed::new();
                while let Some(path) = queue.pop(true) {
                    read_into(&mut parsed, path, encode);
                }
                parsed
            })
        };
        Preloader {
            queue,
            encode,
            worker,
        }
    }

    pub fn add(&self, path: PathBuf) {
        self.queue.push(Some(path));
    }

    /// Read the files sent so far (those the worker has not reached, here); what was read,
    /// by file identity.
    pub fn finish(self) -> Parsed {
        self.queue.push(None);
        let mut parsed = Parsed::new();
        let mut here = 0;
        while let Some(path) = self.queue.pop(false) {
            read_into(&mut parsed, path, self.encode);
            here += 1;
        }
        let during = self.worker.join().unwrap_or_default();
        log::debug!(
            "per-crate files preloaded: {} during the build, {here} after it",
            during.len()
        );
        parsed.extend(during);
        parsed
    }
}

/// A file that does not parse is left to the link step, which reports it.
fn read_into(parsed: &mut Parsed, path: PathBuf, encode: bool) {
    if let (Some(id), Ok(GraphFile::Crate(graph))) = (file_id(&path), read_graph_file(&path)) {
        parsed.insert(id, preload(*graph, encode));
    }
}

/// Nice 19 for the calling thread alone (on Linux the nice value is per thread, setpriority(2)).
/// Best effort: where it fails the worker competes with the compilers as any thread does.
#[cfg(target_os = "linux")]
fn lowest_priority() {
    let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 19);
}

#[cfg(not(target_os = "linux"))]
fn lowest_priority() {}

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
    fn a_closed_queue_gives_what_is_left_then_stops_waiting() {
        let queue = Arc::new(Queue::default());
        let waiting = {
            let queue = Arc::clone(&queue);
            std::thread::spawn(move || std::iter::from_fn(|| queue.pop(true)).count())
        };
        queue.push(Some("a".into()));
        queue.push(Some("b".into()));
        queue.push(None);
        let left = std::iter::from_fn(|| queue.pop(false)).count();
        // Each file is taken once, by the worker or by `finish`; neither waits after the close.
        assert_eq!(waiting.join().unwrap() + left, 2);
        assert_eq!(queue.pop(true), None);
    }

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
