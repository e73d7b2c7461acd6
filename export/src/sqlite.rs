//! SQLite: one database with the tables `crates`, `functions`, `calls`, `unsafe_ops` and `ffi`,
//! indexed for the joins people write (calls by caller and callee, functions and ops by crate
//! and function). docs/exports.md has the schema and example queries; the tests run them.

use std::path::Path;

use painter_query::graph::CallGraph;
use painter_schema::{LinkedGraph, Span};
use rusqlite::{Connection, params};

use crate::{ExportError, crate_label};
use painter_schema::atomic::{self, Temp};

/// The schema, also printed in docs/exports.md.
pub const SCHEMA: &str = "
CREATE TABLE crates (
  key TEXT PRIMARY KEY, name TEXT NOT NULL, package TEXT NOT NULL, version TEXT NOT NULL,
  kind TEXT NOT NULL, source TEXT NOT NULL, is_primary INTEGER NOT NULL, status TEXT NOT NULL,
  functions INTEGER NOT NULL, unsafe_ops INTEGER NOT NULL, calls INTEGER NOT NULL
);
CREATE TABLE functions (
  id TEXT PRIMARY KEY, path TEXT NOT NULL, crate TEXT NOT NULL, kind TEXT,
  is_unsafe INTEGER, public INTEGER, external INTEGER NOT NULL, foreign_item INTEGER NOT NULL,
  unsafe_ops INTEGER NOT NULL, file TEXT, line INTEGER, col INTEGER
);
CREATE TABLE calls (
  id INTEGER PRIMARY KEY, caller TEXT NOT NULL, callee TEXT NOT NULL, crate TEXT NOT NULL,
  target_crate TEXT, kind TEXT NOT NULL, candidate INTEGER NOT NULL, reason TEXT,
  file TEXT NOT NULL, line INTEGER NOT NULL, col INTEGER NOT NULL
);
CREATE TABLE unsafe_ops (
  id INTEGER PRIMARY KEY, crate TEXT NOT NULL, function TEXT NOT NULL, kind TEXT NOT NULL,
  context TEXT NOT NULL, file TEXT NOT NULL, line INTEGER NOT NULL, col INTEGER NOT NULL
);
CREATE TABLE ffi (
  id INTEGER PRIMARY KEY, crate TEXT NOT NULL, direction TEXT NOT NULL, function TEXT,
  item TEXT, item_path TEXT, symbol TEXT NOT NULL, abi TEXT NOT NULL, library TEXT,
  link_kind TEXT, item_kind TEXT, file TEXT NOT NULL, line INTEGER NOT NULL, col INTEGER NOT NULL
);
";

/// Created after the rows are in: building an index once is faster than maintaining it.
pub const INDEXES: &str = "
CREATE INDEX functions_crate ON functions(crate);
CREATE INDEX functions_path ON functions(path);
CREATE INDEX calls_caller ON calls(caller);
CREATE INDEX calls_callee ON calls(callee);
CREATE INDEX calls_crates ON calls(crate, target_crate);
CREATE INDEX unsafe_ops_function ON unsafe_ops(function);
CREATE INDEX unsafe_ops_crate ON unsafe_ops(crate, kind);
CREATE INDEX ffi_function ON ffi(function);
CREATE INDEX ffi_crate ON ffi(crate);
";

/// Write the database to `path` (replacing it).
pub fn export(graph: &LinkedGraph, cg: &CallGraph<'_>, path: &Path) -> Result<(), ExportError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| ExportError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    }
    let temp = atomic::temp_path(path, Temp::PerProcess);
    if let Err(source) = fill(graph, cg, &temp) {
        let _ = std::fs::remove_file(&temp);
        return Err(ExportError::Sqlite {
            path: path.to_path_buf(),
            source,
        });
    }
    atomic::commit_temp(&temp, path).map_err(|source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn fill(graph: &LinkedGraph, cg: &CallGraph<'_>, path: &Path) -> rusqlite::Result<()> {
    let mut db = Connection::open(path)?;
    // A fresh file written once: no journal needed; a crash leaves only the temp file.
    db.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
    db.execute_batch(SCHEMA)?;
    let tx = db.transaction()?;
    {
        let mut insert =
            tx.prepare("INSERT INTO crates VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")?;
        for (key, k) in &graph.crates {
            let i = &k.krate;
            let status = if k.status == painter_schema::Status::Ok {
                "ok"
            } else {
                "failed"
            };
            insert.execute(params![
                key,
                i.name,
                i.package,
                i.version,
                i.kind,
                i.source,
                i.primary,
                status,
                k.counts.functions,
                k.unsafe_ops.len(),
                k.calls.len()
            ])?;
        }
        let mut insert = tx.prepare(
            "INSERT INTO functions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        for n in cg.graph.node_indices() {
            let node = cg.node(n);
            let f = node.function.map(|(f, _)| f);
            insert.execute(params![
                node.id,
                node.path,
                crate_label(node),
                f.map(|f| f.kind.as_str()),
                f.map(|f| f.is_unsafe),
                f.map(|f| f.public),
                node.external,
                node.foreign,
                node.unsafe_ops,
                f.map(|f| f.span.file.as_str()),
                f.map(|f| f.span.line),
                f.map(|f| f.span.col),
            ])?;
        }
        let mut insert = tx.prepare(
            "INSERT INTO calls (caller, callee, crate, target_crate, kind, candidate, reason, \
             file, line, col) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for e in cg.graph.edge_indices() {
            let (from, to) = cg.graph.edge_endpoints(e).expect("edge exists");
            let edge = cg.edge(e);
            let target_crate = match edge.candidate {
                Some(c) => Some(c.target_crate.as_str()),
                None => edge.call.target_crate.as_deref(),
            };
            let Span {
                file, line, col, ..
            } = &edge.call.span;
            insert.execute(params![
                cg.node(from).id,
                cg.node(to).id,
                edge.caller_crate,
                target_crate,
                edge.kind.as_str(),
                edge.is_candidate(),
                edge.candidate.map(|c| c.reason.as_str()),
                file.as_str(),
                line,
                col
            ])?;
        }
        let mut insert = tx.prepare(
            "INSERT INTO unsafe_ops (crate, function, kind, context, file, line, col) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for (key, k) in &graph.crates {
            for op in &k.unsafe_ops {
                insert.execute(params![
                    key,
                    op.function.as_str(),
                    op.kind.as_str(),
                    op.context.kind.as_str(),
                    op.span.file.as_str(),
                    op.span.line,
                    op.span.col
                ])?;
            }
        }
        let mut insert = tx.prepare(
            "INSERT INTO ffi (crate, direction, function, item, item_path, symbol, abi, library, \
             link_kind, item_kind, file, line, col) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?;
        for (key, k) in &graph.crates {
            for i in &k.ffi.imports {
                insert.execute(params![
                    key,
                    "import",
                    i.function,
                    i.item,
                    i.item_path,
                    i.symbol,
                    i.abi,
                    i.library,
                    i.link_kind,
                    i.item_kind,
                    i.span.file.as_str(),
                    i.span.line,
                    i.span.col
                ])?;
            }
            for x in &k.ffi.exports {
                insert.execute(params![
                    key,
                    "export",
                    x.function,
                    None::<&str>,
                    None::<&str>,
                    x.symbol,
                    x.abi,
                    None::<&str>,
                    None::<&str>,
                    "fn",
                    x.span.file.as_str(),
                    x.span.line,
                    x.span.col
                ])?;
            }
        }
    }
    tx.commit()?;
    db.execute_batch(INDEXES)?;
    db.execute_batch("ANALYZE;")?;
    Ok(())
}
