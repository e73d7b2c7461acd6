//! A small program using each dependency once, so that every crate is linked into the graph.
use std::collections::HashMap;
use std::io::Write;

use flate2::{write::GzEncoder, Compression};
use indexmap::IndexMap;
use itertools::Itertools;
use regex::Regex;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

#[derive(Serialize, Deserialize, Debug)]
struct Entry {
    word: String,
    count: usize,
}

fn main() {
    let text = std::env::args().skip(1).join(" ");
    let re = Regex::new(r"\w+").unwrap();
    let mut counts: IndexMap<String, usize> = IndexMap::new();
    for m in re.find_iter(&text) {
        *counts.entry(m.as_str().to_lowercase()).or_default() += 1;
    }
    let entries: SmallVec<[Entry; 8]> = counts
        .into_iter()
        .map(|(word, count)| Entry { word, count })
        .collect();
    let json = serde_json::to_string(&entries.as_slice()).unwrap();
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(json.as_bytes()).unwrap();
    let compressed = gz.finish().unwrap();
    let by_len: HashMap<usize, usize> = entries.iter().map(|e| (e.word.len(), e.count)).collect();
    // SAFETY: getpid has no preconditions.
    let pid = unsafe { libc::getpid() };
    println!("{pid}: {} words, {} bytes gzipped, {by_len:?}", entries.len(), compressed.len());
}
