//! Property test of the loader against damaged inputs: real graph files written by the driver
//! (`linker/tests/data/`), mutated — bytes flipped, truncated, fields deleted, values swapped for other
//! types, numbers made huge, strings made hostile, values nested beyond any parser's depth — must
//! load as `Ok` or fail with an error naming the file, never panic; and whatever loads must link,
//! serialise, summarise and become a call graph without a panic either, and with `keep_going`
//! a good file beside a damaged one is still loaded.

use std::path::{Path, PathBuf};

use painter_linker::{link_graphs, load_inputs};
use painter_query::summary::summary_rows;
use painter_query::table::render_table;
use painter_query::{CandidateMode, call_graph, call_graph_with};
use proptest::prelude::*;
use serde_json::Value;

const SEEDS: [&str; 5] = [
    "shapes.json",
    "app.json",
    "build-script-lib.json",
    "unsafe-heavy.json",
    "linked-cross-crate.json",
];

fn seed(index: usize) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../linker/tests/data")
        .join(SEEDS[index % SEEDS.len()]);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One damage done to a file.
#[derive(Debug, Clone)]
enum Mutation {
    FlipByte {
        at: usize,
        mask: u8,
    },
    Truncate {
        at: usize,
    },
    InsertBytes {
        at: usize,
        bytes: Vec<u8>,
    },
    /// Delete the object member (or array element) at the `pick`-th node.
    Delete {
        pick: usize,
    },
    /// Replace the `pick`-th node by a value of another type.
    Replace {
        pick: usize,
        with: Replacement,
    },
    /// Wrap the `pick`-th node in `depth` arrays.
    Nest {
        pick: usize,
        depth: usize,
    },
}

#[derive(Debug, Clone)]
enum Replacement {
    Null,
    Bool(bool),
    /// Written as raw JSON text: numbers no Rust integer holds, negatives, exponents.
    Number(&'static str),
    Text(String),
    EmptyArray,
    EmptyObject,
}

const NUMBERS: [&str; 8] = [
    "18446744073709551616",
    "-1",
    "4294967296",
    "1e400",
    "-9223372036854775809",
    "0.5",
    "18446744073709551615",
    "0",
];

fn replacement() -> impl Strategy<Value = Replacement> {
    prop_oneof![
        Just(Replacement::Null),
        any::<bool>().prop_map(Replacement::Bool),
        (0..NUMBERS.len()).prop_map(|i| Replacement::Number(NUMBERS[i])),
        // Hostile text for the parsers of paths and signatures: brackets, separators,
        // multi-byte characters next to ASCII, empty strings.
        "[<>()\\[\\]&*:, ;'éß→a-z0-9]{0,12}".prop_map(Replacement::Text),
        Just(Replacement::EmptyArray),
        Just(Replacement::EmptyObject),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    prop_oneof![
        (at, 1..=255u8).prop_map(|(at, mask)| Mutation::FlipByte { at, mask }),
        at.prop_map(|at| Mutation::Truncate { at }),
        (at, proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, bytes)| Mutation::InsertBytes { at, bytes }),
        any::<usize>().prop_map(|pick| Mutation::Delete { pick }),
        (any::<usize>(), replacement()).prop_map(|(pick, with)| Mutation::Replace { pick, with }),
        (any::<usize>(), prop_oneof![1..4usize, 120..300usize])
            .prop_map(|(pick, depth)| Mutation::Nest { pick, depth }),
    ]
}

/// JSON pointers of every node below the root (the root itself is never deleted).
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let path = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                out.push(path.clone());
                pointers(child, path, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let path = format!("{at}/{i}");
                out.push(path.clone());
                pointers(child, path, out);
            }
        }
        _ => {}
    }
}

fn apply(bytes: &[u8], mutation: &Mutation) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    if bytes.is_empty() {
        return bytes;
    }
    match mutation {
        Mutation::FlipByte { at, mask } => {
            let i = at % bytes.len();
            bytes[i] ^= mask;
            return bytes;
        }
        Mutation::Truncate { at } => {
            bytes.truncate(at % bytes.len());
            return bytes;
        }
        Mutation::InsertBytes { at, bytes: extra } => {
            let i = at % bytes.len();
            bytes.splice(i..i, extra.iter().copied());
            return bytes;
        }
        _ => {}
    }
    let mut root: Value = serde_json::from_slice(&bytes).expect("seeds are valid JSON");
    let mut all = Vec::new();
    pointers(&root, String::new(), &mut all);
    if all.is_empty() {
        return bytes;
    }
    let pick = |p: usize| all[p % all.len()].clone();
    match mutation {
        Mutation::Delete { pick: p } => {
            let target = pick(*p);
            let (parent, last) = target.rsplit_once('/').unwrap();
            match root.pointer_mut(parent).unwrap() {
                Value::Object(map) => {
                    map.remove(&last.replace("~1", "/").replace("~0", "~"));
                }
                Value::Array(items) => {
                    items.remove(last.parse::<usize>().unwrap());
                }
                _ => unreachable!("parents are containers"),
            }
            serde_json::to_vec(&root).unwrap()
        }
        Mutation::Replace { pick: p, with } => {
            let target = pick(*p);
            // Numbers go in as text (serde_json's Value cannot hold all of them).
            const MARK: &str = "\u{1}painter-fuzz-number\u{1}";
            *root.pointer_mut(&target).unwrap() = match with {
                Replacement::Null => Value::Null,
                Replacement::Bool(b) => Value::Bool(*b),
                Replacement::Number(_) => Value::String(MARK.into()),
                Replacement::Text(t) => Value::String(t.clone()),
                Replacement::EmptyArray => Value::Array(Vec::new()),
                Replacement::EmptyObject => Value::Object(Default::default()),
            };
            let text = serde_json::to_string(&root).unwrap();
            let mark = serde_json::to_string(MARK).unwrap();
            match with {
                Replacement::Number(n) => text.replacen(&mark, n, 1).into_bytes(),
                _ => text.into_bytes(),
            }
        }
        Mutation::Nest { pick: p, depth } => {
            let target = pick(*p);
            let node = root.pointer_mut(&target).unwrap();
            let mut nested = node.take();
            for _ in 0..*depth {
                nested = Value::Array(vec![nested]);
            }
            *node = nested;
            // serde_json's reader stops at 128 levels, with an error.
            serde_json::to_vec(&root).unwrap()
        }
        _ => unreachable!(),
    }
}

/// Load `bytes` as file `path` through both readers; on success, run the whole pipeline.
fn check(path: &Path, bytes: &[u8]) -> Result<(), TestCaseError> {
    std::fs::write(path, bytes).unwrap();
    let named = |e: &dyn std::fmt::Display| -> Result<(), TestCaseError> {
        let text = e.to_string();
        prop_assert!(
            text.starts_with(&path.display().to_string()),
            "error does not name the file: {text}"
        );
        Ok(())
    };
    match painter_schema::from_json_bytes(path, bytes) {
        Err(e) => named(&e)?,
        // A linked graph is also read as is (`cargo painter stats GRAPH`): its candidate
        // indices and keys are whatever the file says.
        Ok(painter_schema::GraphFile::Linked(graph)) => {
            let _ = render_table(&summary_rows(&graph), Some(100));
            let _ = call_graph_with(&graph, CandidateMode::Include);
        }
        Ok(painter_schema::GraphFile::Crate(_)) => {}
    }
    match load_inputs(&[path.to_path_buf()], false) {
        Err(e) => named(&e)?,
        Ok(loaded) => {
            let graph = link_graphs(loaded.crates);
            let bytes = painter_linker::to_json_bytes(&graph);
            prop_assert!(!bytes.is_empty());
            let _ = render_table(&summary_rows(&graph), Some(100));
            let _ = call_graph(&graph);
        }
    }
    // With --keep-going, a good file beside the damaged one is always linked.
    let good = path.with_file_name("good.json");
    std::fs::write(&good, seed(0)).unwrap();
    let both = load_inputs(&[good, path.to_path_buf()], true);
    let both = both.map_err(|e| TestCaseError::fail(format!("keep_going failed: {e}")))?;
    prop_assert!(both.crates.iter().any(|c| c.krate.package == "shapes"));
    prop_assert!(both.skipped.iter().all(|(p, _)| p == path));
    Ok(())
}

fn scratch() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mutated.json");
    (dir, path)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn one_damage(seed_index in 0..SEEDS.len(), m in mutation()) {
        let (_dir, path) = scratch();
        check(&path, &apply(&seed(seed_index), &m))?;
    }

    #[test]
    fn several_damages(seed_index in 0..SEEDS.len(),
                       ms in proptest::collection::vec(mutation(), 2..6)) {
        let (_dir, path) = scratch();
        let mut bytes = seed(seed_index);
        for m in &ms {
            // Value-level damage needs parseable JSON; once the text is broken, stop there.
            if serde_json::from_slice::<Value>(&bytes).is_err() {
                break;
            }
            bytes = apply(&bytes, m);
            if bytes.is_empty() {
                break;
            }
        }
        check(&path, &bytes)?;
    }
}

/// The seeds themselves load and link: the mutations start from good files.
#[test]
fn seeds_are_good_files() {
    let (_dir, path) = scratch();
    for index in 0..SEEDS.len() {
        let bytes = seed(index);
        std::fs::write(&path, &bytes).unwrap();
        let loaded = load_inputs(std::slice::from_ref(&path), false).expect("seed loads");
        assert!(!loaded.crates.is_empty());
        let graph = link_graphs(loaded.crates);
        assert!(!graph.crates.is_empty());
    }
}
