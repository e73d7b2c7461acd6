//! The link's answers as graph-wide tables, so that per-unit files hold facts only:
//! `crate_ids` (which unit each crate part of a function id names: where a call lands) and
//! `call_candidates` (which candidate set answers a call). Written from a linked graph, and put
//! back into its calls when a dataset is read.

use std::collections::{BTreeMap, HashMap};

use arrow_array::RecordBatch;

use super::build::TableBuilder;
use super::columns::Columns;
use super::error::DatasetError;
use painter_schema::{CrateGraph, LinkedGraph, Sym, crate_prefix};

/// Where calls land: crate id text → unit key, sorted by crate id. Each unit's own stable id,
/// then every prefix a linked call was resolved through (copies of one package merged under
/// one key bring their own stable ids; see `painter_linker::resolve`).
pub fn crate_ids(graph: &LinkedGraph) -> BTreeMap<&str, &str> {
    let mut ids = BTreeMap::new();
    for (key, krate) in &graph.crates {
        ids.entry(krate.krate.stable_id.as_str())
            .or_insert(key.as_str());
    }
    for krate in graph.crates.values() {
        for call in &krate.calls {
            if let (Some(callee), Some(target)) = (&call.callee, &call.target_crate) {
                ids.entry(crate_prefix(callee)).or_insert(target.as_str());
            }
        }
    }
    ids
}

pub fn write_crate_ids(ids: &BTreeMap<&str, &str>) -> RecordBatch {
    let rows: Vec<(&str, &str)> = ids.iter().map(|(&id, &unit)| (id, unit)).collect();
    let mut t = TableBuilder::new(&rows);
    t.text("stable_id", |r| r.0);
    // The integer the `…crate_id` columns of id fields hold, for joins without string work.
    t.opt_u64("crate_id", |r| super::ids::parse_crate(r.0));
    t.text("unit", |r| r.1);
    t.finish()
}

pub fn read_crate_ids(c: &Columns) -> Result<Vec<(String, String)>, DatasetError> {
    let (id, unit) = (c.text("stable_id")?, c.text("unit")?);
    (0..c.rows())
        .map(|i| Ok((id.string(i)?, unit.string(i)?)))
        .collect()
}

/// One row per call that has a candidate set: `(unit, call_index, set)`, in unit order.
pub fn write_call_candidates(graph: &LinkedGraph) -> RecordBatch {
    let rows: Vec<(&str, u32, u32)> = graph
        .crates
        .iter()
        .flat_map(|(key, krate)| {
            krate.calls.iter().enumerate().filter_map(move |(i, call)| {
                call.candidates.map(|set| (key.as_str(), i as u32, set))
            })
        })
        .collect();
    let mut t = TableBuilder::new(&rows);
    t.text("unit", |r| r.0);
    t.u32("call_index", |r| r.1);
    t.u32("set", |r| r.2);
    t.finish()
}

pub fn read_call_candidates(c: &Columns) -> Result<Vec<(String, u32, u32)>, DatasetError> {
    let (unit, index, set) = (c.text("unit")?, c.u32("call_index")?, c.u32("set")?);
    (0..c.rows())
        .map(|i| Ok((unit.string(i)?, index.get(i)?, set.get(i)?)))
        .collect()
}

/// Put the link's answers back into the calls: a callee whose crate part is in `crate_ids`
/// lands in that unit, any other callee is external (`painter_linker::resolve_calls` gives the
/// same); then each listed call gets its candidate set.
pub fn apply(
    crates: &mut BTreeMap<String, CrateGraph>,
    crate_ids: &[(String, String)],
    candidates: &[(String, u32, u32)],
    path: &std::path::Path,
) -> Result<(), DatasetError> {
    let units: HashMap<&str, Sym> = crate_ids
        .iter()
        .map(|(id, unit)| (id.as_str(), Sym::intern(unit)))
        .collect();
    for krate in crates.values_mut() {
        for call in &mut krate.calls {
            let Some(callee) = &call.callee else { continue };
            call.target_crate = units.get(crate_prefix(callee)).cloned();
            call.external = call.target_crate.is_none();
        }
    }
    for (row, (unit, index, set)) in candidates.iter().enumerate() {
        let call = crates
            .get_mut(unit)
            .and_then(|k| k.calls.get_mut(*index as usize));
        let Some(call) = call else {
            return Err(DatasetError::Value {
                path: path.to_path_buf(),
                column: "call_index".into(),
                row,
                reason: format!("unit `{unit}` has no call {index}"),
            });
        };
        call.candidates = Some(*set);
    }
    Ok(())
}
