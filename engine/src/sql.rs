//! The SQL files of `query/sql/`, compiled into the engine so that `cargo painter` needs no
//! file next to its binary. The files are the interface: DuckDB, Spark or a notebook run the
//! same text (docs/dataset.md), and each file says what it expects and returns.

macro_rules! sql_file {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("../../query/sql/", $name, ".sql")),
        )
    };
}

/// `(name, text)` of every file the engine runs, by file name without `.sql`.
pub const FILES: &[(&str, &str)] = &[
    sql_file!("link_crate_ids"),
    sql_file!("link_external_functions"),
    sql_file!("reach_instance_edges"),
    sql_file!("reach_edges_exact"),
    sql_file!("reach_candidate_edges"),
    sql_file!("reach_edges_with_candidates"),
    sql_file!("reach_targets_unsafe"),
    sql_file!("reach_targets_ffi"),
    sql_file!("reach_targets_function"),
    sql_file!("reach_seed"),
    sql_file!("reach_step"),
    sql_file!("reach_count"),
    sql_file!("reach_advance"),
    sql_file!("reach_finish"),
    sql_file!("reach_result"),
    sql_file!("path_seed"),
    sql_file!("path_step"),
    sql_file!("path_count"),
    sql_file!("path_hit"),
    sql_file!("path_advance"),
    sql_file!("path_parent"),
    sql_file!("node_path"),
    sql_file!("figures_per_crate"),
    sql_file!("figures_calls_into"),
    sql_file!("figures_reach_per_crate"),
    sql_file!("figures_unsafe_ops"),
    sql_file!("figures_called_unsafe_fns"),
    sql_file!("find_functions"),
];

/// The text of the SQL file `name`.
pub fn text(name: &str) -> Option<&'static str> {
    FILES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}
