//! The cargo painter dataset (docs/schema.md, "The dataset (Parquet)") queried out of core with
//! an embedded SQL engine, DataFusion (chosen by measurement: docs/engine-choice.md).
//!
//! [`Engine::open`] registers every table directory of a dataset; [`Engine::link`] resolves
//! calls across units in SQL, [`Engine::figures`] computes the figures of
//! `painter_query::figures`, [`Engine::reaches`] answers "which functions reach unsafe code /
//! FFI / this function" and [`Engine::shortest_path`] finds one shortest call path. All of them
//! run the SQL files of `query/sql/` (the same text DuckDB runs); the Rust here only sequences
//! statements, loops and formats results.
//!
//! Memory: DataFusion's pool bounds sorts and aggregations (they spill) but not hash-join build
//! sides nor `CREATE TABLE` results, so the SQL keeps both small: reachability is an iterative
//! semi-join loop whose state is one row per node found, never `WITH RECURSIVE`.

mod columns;
mod error;
mod figures;
mod find;
mod link;
pub mod procedures;
mod reach;
pub mod split;
pub mod sql;
mod tables;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::common::ScalarValue;
use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};
use painter_dataset::Manifest;
use serde::{Deserialize, Serialize};

pub use self::error::EngineError;
pub use self::figures::Population;
pub use self::link::LinkSummary;
pub use self::reach::{PathStep, ReachOutput, ReachSummary, ReachTarget};
/// The DataFusion (and so arrow and parquet) the engine is built on, for callers' own queries.
pub use datafusion;
pub use painter_query::Edges;

/// How the engine runs: one JSON-able value, so the CLI and the benchmarks pass it as is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EngineOptions {
    /// Bytes the memory pool grants sorts, aggregations and joins; `None`: unbounded. Hash-join
    /// build sides and in-memory tables are not bounded by it (docs/engine-choice.md).
    pub memory_limit: Option<u64>,
    /// Where spill files and scratch tables go; `None`: the system temp directory.
    pub spill_dir: Option<PathBuf>,
    /// Worker threads and partitions; `None`: the number of cores.
    pub threads: Option<usize>,
    /// Read every file's footer at open and compare its rows with the manifest.
    pub verify_files: bool,
    /// Let the planner choose hash joins (`false`: sort-merge joins, which spill).
    pub prefer_hash_join: bool,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            memory_limit: None,
            spill_dir: None,
            threads: None,
            verify_files: true,
            prefer_hash_join: true,
        }
    }
}

/// An open dataset: a DataFusion session with every table registered, and the runtime it runs
/// on. Methods block; one engine runs one query at a time.
pub struct Engine {
    runtime: tokio::runtime::Runtime,
    ctx: SessionContext,
    dir: PathBuf,
    manifest: Manifest,
    /// Scratch Parquet files (materialised intermediate tables), removed on drop.
    scratch: tempfile::TempDir,
    /// Whether `crate_ids` and `external_functions` hold a link's answers: the dataset's own
    /// link tables, or [`Engine::link`]'s.
    linked: std::cell::Cell<bool>,
}

impl Engine {
    /// Open the dataset in `dir`: check its manifest (and, with `verify_files`, every file),
    /// register each table directory as a table.
    pub fn open(dir: &Path, options: &EngineOptions) -> Result<Engine, EngineError> {
        let manifest = painter_dataset::read_manifest(dir)?;
        let threads = options
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
            .map_err(EngineError::Runtime)?;
        let scratch_parent = options.spill_dir.clone().unwrap_or_else(std::env::temp_dir);
        std::fs::create_dir_all(&scratch_parent).map_err(|source| EngineError::Io {
            path: scratch_parent.clone(),
            source,
        })?;
        let scratch = tempfile::Builder::new()
            .prefix("painter-engine-")
            .tempdir_in(&scratch_parent)
            .map_err(|source| EngineError::Io {
                path: scratch_parent.clone(),
                source,
            })?;
        let mut runtime_env = RuntimeEnvBuilder::new().with_disk_manager_builder(
            DiskManagerBuilder::default()
                .with_mode(DiskManagerMode::Directories(vec![scratch.path().into()])),
        );
        if let Some(limit) = options.memory_limit {
            runtime_env =
                runtime_env.with_memory_pool(Arc::new(FairSpillPool::new(limit as usize)));
        }
        let runtime_env = runtime_env
            .build_arc()
            .map_err(|e| EngineError::sql("open", e))?;
        let config = SessionConfig::new()
            .with_target_partitions(threads)
            .set_bool(
                "datafusion.optimizer.prefer_hash_join",
                options.prefer_hash_join,
            );
        let ctx = SessionContext::new_with_config_rt(config, runtime_env);
        let engine = Engine {
            runtime,
            ctx,
            dir: dir.to_path_buf(),
            manifest,
            scratch,
            linked: std::cell::Cell::new(false),
        };
        for table in tables::all_tables() {
            engine.register_table(table, options.verify_files)?;
        }
        let has_link_tables = !tables::table_files(dir, "crate_ids")?.is_empty();
        // A dataset written by an incremental run may have its link pending (`linked: false`):
        // its link tables are then stale, and the engine links before answering.
        engine.linked.set(has_link_tables && engine.manifest.linked);
        Ok(engine)
    }

    fn register_table(&self, table: &str, verify: bool) -> Result<(), EngineError> {
        let files = tables::table_files(&self.dir, table)?;
        let schema = if verify {
            tables::verify(&self.dir, &self.manifest, table, &files)?
        } else {
            None
        };
        self.runtime.block_on(tables::register(
            &self.ctx, &self.dir, table, &files, schema,
        ))
    }

    /// The dataset's manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The DataFusion session, for callers with queries of their own.
    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }

    /// Run every statement of `text` (split on `;` outside comments and strings) and return
    /// the result of the last one. `name` says which query an error is about.
    pub fn run_sql(&self, name: &str, text: &str) -> Result<Vec<RecordBatch>, EngineError> {
        self.run_sql_with(name, text, &[])
    }

    /// [`Engine::run_sql`] with `$1`, `$2`, … bound to `params`.
    pub fn run_sql_with(
        &self,
        name: &str,
        text: &str,
        params: &[ScalarValue],
    ) -> Result<Vec<RecordBatch>, EngineError> {
        let started = std::time::Instant::now();
        let result = self.runtime.block_on(async {
            let mut last = Vec::new();
            for statement in split::statements(text) {
                let err = |e| EngineError::sql(name, e);
                let statement = split::for_datafusion(statement);
                let mut frame = self.ctx.sql(&statement).await.map_err(err)?;
                if !params.is_empty() {
                    frame = frame.with_param_values(params.to_vec()).map_err(err)?;
                }
                last = frame.collect().await.map_err(err)?;
            }
            Ok(last)
        });
        // Which query takes the time and which one raises the peak: the pool does not see
        // hash-join build sides, so the process's high-water mark is the honest number.
        log::debug!(
            "query {name}: {:.2} s, peak RSS {} MiB",
            started.elapsed().as_secs_f64(),
            peak_rss_mib()
        );
        result
    }

    /// Run the SQL file `name` of `query/sql/` (without `.sql`).
    pub fn run_file(&self, name: &str) -> Result<Vec<RecordBatch>, EngineError> {
        self.run_file_with(name, &[])
    }

    fn run_file_with(
        &self,
        name: &str,
        params: &[ScalarValue],
    ) -> Result<Vec<RecordBatch>, EngineError> {
        let text = sql::text(name).ok_or_else(|| EngineError::UnknownQuery(name.to_owned()))?;
        self.run_sql_with(name, text, params)
    }

    /// Write the result of the SQL file `name` to `path` as one Parquet file, streamed.
    fn write_file_result(&self, name: &str, path: &Path) -> Result<(), EngineError> {
        let text = sql::text(name).ok_or_else(|| EngineError::UnknownQuery(name.to_owned()))?;
        let statements = split::statements(text);
        let (last, before) = statements
            .split_last()
            .ok_or_else(|| EngineError::UnknownQuery(name.to_owned()))?;
        for statement in before {
            self.run_sql(name, statement)?;
        }
        self.runtime.block_on(async {
            let err = |e| EngineError::sql(name, e);
            let frame = self
                .ctx
                .sql(&split::for_datafusion(last))
                .await
                .map_err(err)?;
            let options =
                datafusion::dataframe::DataFrameWriteOptions::new().with_single_file_output(true);
            frame
                .write_parquet(&path.display().to_string(), options, None)
                .await
                .map_err(err)?;
            Ok(())
        })
    }

    /// Register the Parquet file `path` as table `name` (replacing a table of that name).
    fn register_file(&self, name: &str, path: &Path) -> Result<(), EngineError> {
        self.runtime.block_on(async {
            let err = |e| EngineError::sql(&format!("register {name}"), e);
            let _ = self.ctx.deregister_table(name).map_err(err)?;
            self.ctx
                .register_parquet(
                    name,
                    path.display().to_string(),
                    datafusion::prelude::ParquetReadOptions::default(),
                )
                .await
                .map_err(err)
        })
    }

    /// Register `batches` as the in-memory table `name` (replacing a table of that name).
    fn register_batches(
        &self,
        name: &str,
        schema: datafusion::arrow::datatypes::SchemaRef,
        batches: Vec<RecordBatch>,
    ) -> Result<(), EngineError> {
        let err = |e| EngineError::sql(&format!("register {name}"), e);
        let _ = self.ctx.deregister_table(name).map_err(err)?;
        let table =
            datafusion::datasource::MemTable::try_new(schema, vec![batches]).map_err(err)?;
        self.ctx
            .register_table(name, Arc::new(table))
            .map_err(err)?;
        Ok(())
    }

    /// A path in the engine's scratch directory.
    fn scratch_path(&self, name: &str) -> PathBuf {
        self.scratch.path().join(name)
    }
}

/// The process's peak resident set size so far (Linux `VmHWM`), in MiB; 0 where unknown.
pub fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
            line.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map_or(0, |kb| kb >> 10)
}
