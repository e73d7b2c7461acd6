//! The names of the files and directories cargo painter writes, in one place: the driver
//! writes them, the CLI collects and sweeps them, tests and researchers' scripts find them.

/// What the driver appends to rustc's own output stem (`<crate><-C extra-filename>`) for the
/// per-crate graph file it writes next to the crate's outputs.
pub const CRATE_FILE_SUFFIX: &str = ".painter.json";

/// Beside a per-crate file, the key of the analysis it holds (the driver's reuse of an
/// unchanged crate): `<crate><-C extra-filename>.painter.key`.
pub const KEY_FILE_SUFFIX: &str = ".painter.key";

/// The per-crate files of a run, under its output directory.
pub const CRATES_DIR: &str = "crates";

/// The linked graph, under a run's output directory: a dataset directory (Parquet tables and
/// a manifest; docs/schema.md, "The dataset (Parquet)").
pub const GRAPH_DIR: &str = "graph";

/// The linked graph as one JSON document: what `export --format json` writes, and what runs
/// before the dataset wrote under their output directory (removed there when found).
pub const GRAPH_FILE: &str = "graph.json";
