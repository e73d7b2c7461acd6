//! painter-query: the questions users ask of a linked graph — which functions reach unsafe code
//! or FFI and how ([`reach`], over the call-graph view of [`graph`]), the graph cut to what
//! matters ([`prune`]), the figures that describe a crate set ([`figures`], each defined once),
//! and the per-crate rows and tables ([`summary`], [`table`], [`ffi`]).
//!
//! This is the home of every answer computed from a linked graph; the CLI, the ecosystem report
//! and the exports only print what it returns. Builds on stable.
//!
//! ```no_run
//! # fn show(graph: &painter_schema::LinkedGraph) {
//! use painter_query::{figures, summary, table};
//! let figures = figures::figures(graph, figures::Population::All);
//! print!("{}", table::render_table(&summary::summary_rows(graph), Some(100)));
//! print!("{}", table::render_figures(&figures));
//! # }
//! ```

pub mod ffi;
pub mod figures;
pub mod forward;
pub mod graph;
pub mod prune;
pub mod reach;
pub mod summary;
pub mod table;

pub use forward::{Forward, forward};
pub use graph::{CallGraph, CandidateMode, call_graph, call_graph_with, is_instance};
pub use prune::{PruneOptions, Roots, prune};
pub use reach::{Edges, PathLimits, Reach, Target, reach, reach_from_targets};
