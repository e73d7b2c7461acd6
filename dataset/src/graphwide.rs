//! The graph-wide tables, one file each (`<table>/graph.parquet`): `candidate_sets` and
//! `candidate_targets` (the linked graph's `candidate_sets`, flattened: one row per target with
//! its set's number), `external_functions`, and the per-unit `units` table (one row per unit, a
//! SQL-friendly copy of the manifest's unit entries; the reader takes units from the manifest).

use arrow_array::RecordBatch;

use super::build::TableBuilder;
use super::columns::Columns;
use super::error::DatasetError;
use super::manifest::Unit;
use painter_schema::{CandidateSet, CandidateTarget, ExternalFunction, Via};

pub fn write_sets(sets: &[CandidateSet]) -> RecordBatch {
    let mut t = TableBuilder::new(sets);
    t.index("set");
    t.text("kind", |s| s.kind.as_str());
    t.text("question", |s| &s.question);
    t.u32("targets", |s| s.targets.len() as u32);
    t.finish()
}

pub fn write_targets(sets: &[CandidateSet]) -> RecordBatch {
    let rows: Vec<(u32, &CandidateTarget)> = sets
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.targets.iter().map(move |t| (i as u32, t)))
        .collect();
    let mut t = TableBuilder::new(&rows);
    t.u32("set", |r| r.0);
    t.id("callee", |r| Some(&r.1.callee));
    t.text("callee_path", |r| &r.1.callee_path);
    t.text("target_crate", |r| &r.1.target_crate);
    t.text("reason", |r| &r.1.reason);
    t.opt_text("via", |r| r.1.via.map(Via::as_str));
    t.finish()
}

pub fn read_sets(c: &Columns, out: &mut Vec<CandidateSet>) -> Result<(), DatasetError> {
    let (kind, question) = (c.text("kind")?, c.text("question")?);
    for i in 0..c.rows() {
        out.push(CandidateSet {
            kind: c.parse(&kind, i)?,
            question: question.string(i)?,
            targets: Vec::new(),
        });
    }
    Ok(())
}

/// Appends each target to its set, in file order (which is the order within each set).
pub fn read_targets(c: &Columns, sets: &mut [CandidateSet]) -> Result<(), DatasetError> {
    let (set, callee, callee_path) = (c.u32("set")?, c.id("callee")?, c.text("callee_path")?);
    let (target_crate, reason) = (c.text("target_crate")?, c.text("reason")?);
    let via = c.added_text("via")?;
    for i in 0..c.rows() {
        let n = set.get(i)? as usize;
        let len = sets.len();
        let Some(owner) = sets.get_mut(n) else {
            return Err(DatasetError::Value {
                path: c.path.to_path_buf(),
                column: "set".into(),
                row: i,
                reason: format!("set {n} does not exist ({len} sets)"),
            });
        };
        owner.targets.push(CandidateTarget {
            callee: callee.get(i)?,
            callee_path: callee_path.string(i)?,
            target_crate: target_crate.string(i)?,
            reason: reason.string(i)?,
            via: match via.as_ref().and_then(|v| v.opt_string(i)) {
                None => None,
                Some(text) => Some(text.parse().map_err(|reason| DatasetError::Value {
                    path: c.path.to_path_buf(),
                    column: "via".into(),
                    row: i,
                    reason,
                })?),
            },
        });
    }
    Ok(())
}

pub fn write_externals(rows: &[ExternalFunction]) -> RecordBatch {
    let mut t = TableBuilder::new(rows);
    t.id("", |r| Some(&r.id));
    t.text("path", |r| &r.path);
    t.text("krate", |r| &r.krate);
    t.finish()
}

pub fn read_externals(c: &Columns) -> Result<Vec<ExternalFunction>, DatasetError> {
    let (id, path, krate) = (c.id("")?, c.text("path")?, c.text("krate")?);
    (0..c.rows())
        .map(|i| {
            Ok(ExternalFunction {
                id: id.get(i)?,
                path: path.string(i)?,
                krate: krate.string(i)?,
            })
        })
        .collect()
}

/// One unit's row of the `units` table (written to `units/<stem>.parquet`).
pub fn write_unit(unit: &Unit) -> RecordBatch {
    let rows = std::slice::from_ref(unit);
    let mut t = TableBuilder::new(rows);
    t.text("key", |u| &u.key);
    t.text("stem", |u| &u.stem);
    t.text("name", |u| &u.krate.name);
    t.text("package", |u| &u.krate.package);
    t.text("version", |u| &u.krate.version);
    t.text("kind", |u| &u.krate.kind);
    // The stable crate id as the integer the id columns of the other tables hold.
    t.opt_u64("crate_id", |u| super::ids::parse_crate(&u.krate.stable_id));
    t.text("stable_id", |u| &u.krate.stable_id);
    t.text("target", |u| &u.krate.target);
    t.text("source", |u| &u.krate.source);
    t.bool("primary", |u| u.krate.primary);
    t.text("edition", |u| &u.krate.edition);
    t.opt_text("links", |u| u.krate.links.as_deref());
    t.opt_text("manifest_dir", |u| u.krate.manifest_dir.as_deref());
    t.list("features", |u| &u.krate.features);
    t.list("configurations", |u| &u.krate.configurations);
    t.text("status", |u| u.status_str());
    t.opt_text("error", |u| u.error.as_deref());
    t.u64("analysis_ms", |u| u.analysis_ms);
    t.text("toolchain", |u| &u.toolchain);
    t.text("painter_version", |u| &u.painter_version);
    t.finish()
}
