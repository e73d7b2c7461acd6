//! The static HTML report (`cargo painter report --html DIR`, docs/review.md): a few fixed
//! pages and scripts ([`assets`], files of this crate's `assets/` compiled in), and the data
//! they show as JavaScript files under `data/` — one per crate, loaded by `<script>` tags when
//! a page needs them (a page opened from disk may not `fetch()` files), so that a tree of
//! hundreds of crates opens as fast as a small one.

mod assets;
pub mod data;
pub mod paths;
pub mod source;
pub mod treemap;

use std::path::{Path, PathBuf};

use painter_query::call_graph;
use painter_query::figures::{Population, figures};
use painter_schema::LinkedGraph;
use serde::Serialize;

use crate::ReviewError;
use crate::diff::Diff;
pub use source::SourceRoots;

/// What was written.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Written {
    pub files: u64,
    pub bytes: u64,
    pub crate_pages: u64,
}

/// Write the report of `graph` (and of `diff`, when given) into `dir`. `data/` is replaced
/// whole; other files in `dir` are left alone.
pub fn write_site(
    graph: &LinkedGraph,
    diff: Option<&Diff>,
    dir: &Path,
    roots: &SourceRoots,
) -> Result<Written, ReviewError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReviewError::Io { path, source }
    };
    let data_dir = dir.join("data");
    if data_dir.exists() {
        std::fs::remove_dir_all(&data_dir).map_err(io(&data_dir))?;
    }
    for sub in ["data/crates", "data/paths", "assets"] {
        std::fs::create_dir_all(dir.join(sub)).map_err(io(&dir.join(sub)))?;
    }
    let mut written = Written::default();
    let mut put = |relative: &str, bytes: &[u8]| -> Result<(), ReviewError> {
        let path: PathBuf = dir.join(relative);
        painter_schema::atomic::write_bytes_atomic(&path, bytes).map_err(io(&path))?;
        written.files += 1;
        written.bytes += bytes.len() as u64;
        Ok(())
    };
    for (name, text) in assets::files() {
        put(name, text.as_bytes())?;
    }
    let title = title(graph);
    let figures = figures(graph, Population::All);
    let keys: Vec<&str> = graph.crates.keys().map(String::as_str).collect();
    put(
        "data/index.js",
        &script(
            "index",
            &data::index(graph, &figures, &title, diff.is_some()),
        )?,
    )?;
    let cg = call_graph(graph);
    let reaches = paths::Reaches::new(&cg);
    for (i, (key, krate)) in graph.crates.iter().enumerate() {
        put(
            &format!("data/crates/{i}.js"),
            &script(&format!("crate:{i}"), &data::krate(key, krate, roots))?,
        )?;
        if krate.krate.primary {
            put(
                &format!("data/paths/{i}.js"),
                &script(&format!("paths:{i}"), &reaches.crate_paths(key))?,
            )?;
        }
    }
    put(
        "data/search.js",
        &script("search", &reaches.search_index(&keys))?,
    )?;
    if let Some(diff) = diff {
        put(
            "data/diff.js",
            &script(
                "diff",
                &serde_json::to_value(diff).map_err(|source| ReviewError::Json {
                    path: dir.join("data/diff.js"),
                    source,
                })?,
            )?,
        )?;
    }
    written.crate_pages = graph.crates.len() as u64;
    Ok(written)
}

/// `painter.load("name", {...});`: a data file the pages load with a `<script>` tag.
fn script(name: &str, value: &serde_json::Value) -> Result<Vec<u8>, ReviewError> {
    let json = serde_json::to_string(value).map_err(|source| ReviewError::Json {
        path: PathBuf::from(name),
        source,
    })?;
    Ok(format!("painter.load({:?}, {json});\n", name).into_bytes())
}

/// The workspace crates' names, or the number of crates.
fn title(graph: &LinkedGraph) -> String {
    let mut names: Vec<&str> = graph
        .crates
        .values()
        .filter(|k| k.krate.primary)
        .map(|k| k.krate.package.as_str())
        .collect();
    names.dedup();
    match names.len() {
        0 => format!("{} crates", graph.crates.len()),
        1..=4 => names.join(", "),
        n => format!("{}, … ({n} workspace crates)", names[..3].join(", ")),
    }
}
