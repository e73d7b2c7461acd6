//! Reachability and shortest paths in SQL: which functions reach a target (unsafe code, the FFI
//! boundary, one function), and one shortest call path from a function to a target.
//!
//! Both are loops of small SQL files (`reach_*.sql`, `path_*.sql`), because `WITH RECURSIVE`
//! keeps its whole working set in hash tables DataFusion cannot spill and ran out of memory at
//! 100 M calls (docs/engine-choice.md). Each step streams the calls once and keeps one row per
//! node found. Which file plays which part is `query/sql/procedures.json`'s to say (the Spark
//! job follows the same file); this module only drives the loops.

use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::{RecordBatch, StringArray, UInt64Array};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::common::ScalarValue;
use painter_query::Edges;
use serde::Serialize;

use crate::columns::{self, single_count};
use crate::{Engine, EngineError, procedures};

/// What a reachability question looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReachTarget {
    /// Functions with an unsafe operation in their body.
    Unsafe,
    /// The FFI boundary: foreign items and the callees of `ffi` calls.
    Ffi,
    /// One function, by id (`<stable crate id>:<hash>` or any other id text).
    Function(String),
}

/// Where [`Engine::reaches`] puts its answer.
#[derive(Debug, Clone, Copy)]
pub enum ReachOutput<'a> {
    /// Only count.
    Count,
    /// Also write every reaching function to this Parquet file: `crate_id`, `hash`, `id_text`
    /// (the dataset's id columns) and `distance` (calls to the nearest target; 0 for a target).
    Parquet(&'a Path),
}

/// The answer of [`Engine::reaches`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReachSummary {
    /// Nodes (functions, external functions, callees known only from calls) that reach a
    /// target, targets included.
    pub functions: u64,
    /// Steps of the loop that found something: the largest distance.
    pub steps: u32,
}

/// One function on a call path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathStep {
    pub id: String,
    /// Its path (from `functions`, else `external_functions`, else a call's `callee_path`).
    pub path: String,
}

/// A node key as the reach SQL keys nodes: both integers of a canonical id and empty text, or
/// zeros and the text of any other id.
type NodeKey = (u64, u64, String);

fn node_key(id: &str) -> NodeKey {
    match painter_dataset::ids::parse(id) {
        Some((krate, hash)) => (krate, hash, String::new()),
        None => (0, 0, id.to_owned()),
    }
}

fn node_id(key: &NodeKey) -> String {
    if key.2.is_empty() {
        painter_dataset::ids::format(key.0, key.1)
    } else {
        key.2.clone()
    }
}

fn key_params(key: &NodeKey) -> [ScalarValue; 3] {
    [
        ScalarValue::UInt64(Some(key.0)),
        ScalarValue::UInt64(Some(key.1)),
        ScalarValue::Utf8(Some(key.2.clone())),
    ]
}

/// A one-row table holding `key`, in the columns the reach SQL joins on.
fn key_batch(key: &NodeKey) -> RecordBatch {
    let schema = Arc::new(Schema::new(vec![
        Field::new("crate_id", DataType::UInt64, false),
        Field::new("hash", DataType::UInt64, false),
        Field::new("id_text", DataType::Utf8, false),
    ]));
    RecordBatch::try_new(
        schema,
        vec![
            Arc::new(UInt64Array::from(vec![key.0])),
            Arc::new(UInt64Array::from(vec![key.1])),
            Arc::new(StringArray::from(vec![key.2.as_str()])),
        ],
    )
    .expect("three columns of one row")
}

impl Engine {
    /// Point the view `reach_edges` at the exact calls, or at exact and candidate edges, as
    /// `procedures.json` says (a materialised table, such as the candidate edges, is computed
    /// once per engine into a scratch Parquet file).
    pub(crate) fn prepare_edges(&self, edges: Edges) -> Result<(), EngineError> {
        let name = match edges {
            Edges::Exact => "exact",
            Edges::WithCandidates => "with_candidates",
        };
        self.prepare(procedures::edges(name))
    }

    /// Point the view `reach_targets` at `target`'s nodes.
    pub(crate) fn prepare_target(&self, target: &ReachTarget) -> Result<(), EngineError> {
        let (name, id) = match target {
            ReachTarget::Unsafe => ("unsafe", None),
            ReachTarget::Ffi => ("ffi", None),
            ReachTarget::Function(id) => ("function", Some(id)),
        };
        let prepare = procedures::target(name);
        if let Some(input) = &prepare.input {
            let id = id.ok_or_else(|| EngineError::UnknownQuery(input.clone()))?;
            let batch = key_batch(&node_key(id));
            self.register_batches(input, batch.schema(), vec![batch])?;
        }
        self.prepare(prepare)
    }

    fn prepare(&self, prepare: &procedures::Prepare) -> Result<(), EngineError> {
        for m in &prepare.materialize {
            let path = self.scratch_path(&format!("{}.parquet", m.table));
            if !path.exists() {
                self.write_file_result(&m.query, &path)?;
                self.register_file(&m.table, &path)?;
            }
        }
        for file in &prepare.define {
            self.run_file(file)?;
        }
        Ok(())
    }

    /// Run the reach loop of `procedures.json` over the prepared edges and targets;
    /// `reach_seen` then holds every node that reaches a target with its distance. Returns the
    /// number of steps that found nodes.
    pub(crate) fn reach_loop(&self) -> Result<u32, EngineError> {
        let files = &procedures::get().reach;
        self.run_file(&files.seed)?;
        let mut steps = 0;
        loop {
            self.run_file(&files.step)?;
            let found = single_count(&files.count, &self.run_file(&files.count)?)?;
            if found == 0 {
                self.run_file(&files.finish)?;
                return Ok(steps);
            }
            steps += 1;
            self.run_file(&files.advance)?;
        }
    }

    /// Every function that reaches `target` through `edges` (targets included): counted, and
    /// written to Parquet when `output` says so.
    pub fn reaches(
        &self,
        target: &ReachTarget,
        edges: Edges,
        output: ReachOutput<'_>,
    ) -> Result<ReachSummary, EngineError> {
        self.ensure_linked()?;
        self.prepare_edges(edges)?;
        self.prepare_target(target)?;
        let steps = self.reach_loop()?;
        let functions = single_count(
            "reach_count",
            &self.run_sql("reach_count", "SELECT count(*) FROM reach_seen")?,
        )?;
        if let ReachOutput::Parquet(path) = output {
            self.write_file_result(&procedures::get().reach.result, path)?;
        }
        Ok(ReachSummary { functions, steps })
    }

    /// One shortest call path from the function `from` to a target through `edges`, from `from`
    /// to the target (just `from` when it is a target); `None` when it reaches none. Of several
    /// shortest paths, the one through the smallest ids.
    pub fn shortest_path(
        &self,
        from: &str,
        target: &ReachTarget,
        edges: Edges,
    ) -> Result<Option<Vec<PathStep>>, EngineError> {
        self.ensure_linked()?;
        self.prepare_edges(edges)?;
        self.prepare_target(target)?;
        let files = &procedures::get().path;
        let start = key_batch(&node_key(from));
        self.register_batches("path_start", start.schema(), vec![start])?;
        self.run_file(&files.seed)?;
        let end = loop {
            if let Some(end) = self.path_hit()? {
                break end;
            }
            self.run_file(&files.step)?;
            let found = single_count(&files.count, &self.run_file(&files.count)?)?;
            if found == 0 {
                return Ok(None);
            }
            self.run_file(&files.advance)?;
        };
        // Walk the parent pointers back to the start.
        let mut keys = vec![end];
        loop {
            let q = files.parent.as_str();
            let rows = self.run_file_with(q, &key_params(keys.last().unwrap()))?;
            let level = columns::u64s(q, &rows, "level")?;
            if level.first().copied().flatten().unwrap_or(0) == 0 {
                break;
            }
            let parent = (
                columns::u64s(q, &rows, "parent_crate_id")?[0].unwrap_or(0),
                columns::u64s(q, &rows, "parent_hash")?[0].unwrap_or(0),
                columns::strings(q, &rows, "parent_id_text")?[0]
                    .clone()
                    .unwrap_or_default(),
            );
            keys.push(parent);
        }
        keys.reverse();
        let mut steps = Vec::with_capacity(keys.len());
        for key in &keys {
            let q = files.node_path.as_str();
            let rows = self.run_file_with(q, &key_params(key))?;
            let path = columns::strings(q, &rows, "path")?;
            steps.push(PathStep {
                id: node_id(key),
                path: path.into_iter().next().flatten().unwrap_or_default(),
            });
        }
        Ok(Some(steps))
    }

    /// The target the last path level arrived at, if any.
    fn path_hit(&self) -> Result<Option<NodeKey>, EngineError> {
        let q = procedures::get().path.hit.as_str();
        let rows = self.run_file(q)?;
        let krate = columns::u64s(q, &rows, "crate_id")?;
        let Some(&Some(krate)) = krate.first() else {
            return Ok(None);
        };
        let hash = columns::u64s(q, &rows, "hash")?[0].unwrap_or(0);
        let text = columns::strings(q, &rows, "id_text")?[0]
            .clone()
            .unwrap_or_default();
        Ok(Some((krate, hash, text)))
    }
}
