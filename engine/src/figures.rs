//! The figures of docs/figures.md computed by SQL over the dataset, returned as
//! `painter_query::figures::Figures`, so `cargo painter stats` prints the same value whichever
//! way it was computed. The SQL files compute per-unit facts (`figures_*.sql`) and the four
//! reachability questions run the reach loop; this module only gathers the population's rows
//! and hands them to `Figures::from_rows`, the one aggregation `painter_query` uses too.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use painter_query::Edges;
use painter_query::figures::{CalledUnsafeFn, CrateFigures, Figures};

use crate::columns::{strings, u64s};
use crate::reach::ReachTarget;
use crate::{Engine, EngineError};

/// Which crates the figures count (as `painter_query::figures::Population`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Population {
    /// Every unit of the dataset.
    #[default]
    All,
    /// The units marked primary (workspace members, an ecosystem list's entries).
    Primary,
}

/// Per unit, after one reach loop: reaches a target through a call; public API functions
/// reaching one.
type ReachRows = HashMap<String, (bool, u64)>;

impl Engine {
    /// Every figure of `population`, equal to `painter_query::figures` on the same graph.
    pub fn figures(&self, population: Population) -> Result<Figures, EngineError> {
        self.ensure_linked()?;
        let q = "figures_per_crate";
        let facts = self.run_file(q)?;
        let keys: Vec<String> = strings(q, &facts, "unit")?.into_iter().flatten().collect();
        let flag = |name| -> Result<Vec<bool>, EngineError> {
            Ok(u64s(q, &facts, name)?
                .into_iter()
                .map(|v| v.unwrap_or(0) > 0)
                .collect())
        };
        let count = |name| -> Result<Vec<u64>, EngineError> {
            Ok(u64s(q, &facts, name)?
                .into_iter()
                .map(Option::unwrap_or_default)
                .collect())
        };
        let (primary, uses) = (flag("is_primary")?, flag("uses_unsafe")?);
        let (blocks, ops) = (count("user_unsafe_blocks")?, count("unsafe_ops")?);
        let (imports, api) = (count("ffi_imports")?, count("public_functions")?);
        // uses_unsafe of every unit, population or not: a dependency is a call target too.
        let using_unsafe: BTreeSet<&str> = keys
            .iter()
            .zip(&uses)
            .filter(|(_, u)| **u)
            .map(|(k, _)| k.as_str())
            .collect();
        let calls_into = self.calls_into(&using_unsafe)?;
        let unsafe_exact = self.reach_rows(ReachTarget::Unsafe, Edges::Exact)?;
        let unsafe_all = self.reach_rows(ReachTarget::Unsafe, Edges::WithCandidates)?;
        let ffi_exact = self.reach_rows(ReachTarget::Ffi, Edges::Exact)?;
        let ffi_all = self.reach_rows(ReachTarget::Ffi, Edges::WithCandidates)?;

        let mut rows = Vec::new();
        for (i, key) in keys.iter().enumerate() {
            if population == Population::Primary && !primary[i] {
                continue;
            }
            let reach = |r: &ReachRows| r.get(key).copied().unwrap_or_default();
            rows.push(CrateFigures {
                key: key.clone(),
                uses_unsafe: uses[i],
                user_unsafe_blocks: blocks[i],
                unsafe_ops: ops[i],
                calls_unsafe_crates: calls_into.get(key).cloned().unwrap_or_default(),
                reaches_ffi: reach(&ffi_exact).0,
                reaches_ffi_with_candidates: reach(&ffi_all).0,
                ffi_imports: imports[i],
                public_functions: api[i],
                public_functions_reaching_unsafe: reach(&unsafe_exact).1,
                public_functions_reaching_unsafe_with_candidates: reach(&unsafe_all).1,
            });
        }
        let members: BTreeSet<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        let by = self.unsafe_ops_by(&members)?;
        let most_called = self.most_called_unsafe_fns(&members)?;
        Ok(Figures::from_rows(rows, by, most_called))
    }

    /// Per unit, the other units it calls exactly that use unsafe, sorted.
    fn calls_into(
        &self,
        using_unsafe: &BTreeSet<&str>,
    ) -> Result<HashMap<String, Vec<String>>, EngineError> {
        let q = "figures_calls_into";
        let pairs = self.run_file(q)?;
        let mut into: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (unit, target) in strings(q, &pairs, "unit")?
            .into_iter()
            .zip(strings(q, &pairs, "target")?)
        {
            if let (Some(unit), Some(target)) = (unit, target)
                && using_unsafe.contains(target.as_str())
            {
                into.entry(unit).or_default().insert(target);
            }
        }
        Ok(into
            .into_iter()
            .map(|(k, v)| (k, v.into_iter().collect()))
            .collect())
    }

    /// One reach loop and its per-unit summary (`figures_reach_per_crate.sql`).
    fn reach_rows(&self, target: ReachTarget, edges: Edges) -> Result<ReachRows, EngineError> {
        self.prepare_edges(edges)?;
        self.prepare_target(&target)?;
        self.reach_loop()?;
        let q = "figures_reach_per_crate";
        let rows = self.run_file(q)?;
        let units = strings(q, &rows, "unit")?;
        let by_call = u64s(q, &rows, "reaches_by_call")?;
        let public = u64s(q, &rows, "public_reaching")?;
        Ok(units
            .into_iter()
            .zip(by_call.into_iter().zip(public))
            .filter_map(|(unit, (c, p))| Some((unit?, (c.unwrap_or(0) > 0, p.unwrap_or_default()))))
            .collect())
    }

    /// unsafe_ops_by_kind and unsafe_ops_by_context of the members.
    #[allow(clippy::type_complexity)]
    fn unsafe_ops_by(
        &self,
        members: &BTreeSet<&str>,
    ) -> Result<(BTreeMap<String, u64>, BTreeMap<String, u64>), EngineError> {
        let q = "figures_unsafe_ops";
        let rows = self.run_file(q)?;
        let (units, kinds) = (strings(q, &rows, "unit")?, strings(q, &rows, "kind")?);
        let (contexts, ops) = (strings(q, &rows, "context_kind")?, u64s(q, &rows, "ops")?);
        let (mut by_kind, mut by_context) = (BTreeMap::new(), BTreeMap::new());
        for i in 0..units.len() {
            if !units[i].as_deref().is_some_and(|u| members.contains(u)) {
                continue;
            }
            let n = ops[i].unwrap_or_default();
            *by_kind
                .entry(kinds[i].clone().unwrap_or_default())
                .or_default() += n;
            *by_context
                .entry(contexts[i].clone().unwrap_or_default())
                .or_default() += n;
        }
        Ok((by_kind, by_context))
    }

    /// The unsafe fns the members' own code calls from the most crates (by callee id; the path
    /// when there is no id), printed by their shortest path.
    fn most_called_unsafe_fns(
        &self,
        members: &BTreeSet<&str>,
    ) -> Result<Vec<CalledUnsafeFn>, EngineError> {
        let q = "figures_called_unsafe_fns";
        let rows = self.run_file(q)?;
        let units = strings(q, &rows, "unit")?;
        let (krates, hashes) = (
            u64s(q, &rows, "callee_crate_id")?,
            u64s(q, &rows, "callee_hash")?,
        );
        let (texts, paths) = (
            strings(q, &rows, "callee_id_text")?,
            strings(q, &rows, "callee_path")?,
        );
        let sites = u64s(q, &rows, "call_sites")?;
        // Callee → (calling units, call sites, paths).
        type Calls = (BTreeSet<String>, u64, BTreeSet<String>);
        let mut by_callee: HashMap<String, Calls> = HashMap::new();
        for i in 0..units.len() {
            let Some(unit) = units[i].as_deref().filter(|u| members.contains(u)) else {
                continue;
            };
            let path = paths[i].clone().unwrap_or_default();
            let id = match (krates[i], hashes[i], &texts[i]) {
                (Some(k), Some(h), _) => painter_dataset::ids::format(k, h),
                (_, _, Some(text)) => text.clone(),
                _ => path.clone(),
            };
            let entry = by_callee.entry(id).or_default();
            entry.0.insert(unit.to_owned());
            entry.1 += sites[i].unwrap_or_default();
            entry.2.insert(path);
        }
        Ok(painter_query::figures::top_called_unsafe_fns(
            by_callee
                .into_values()
                .map(|(units, call_sites, paths)| (units.len(), call_sites, paths)),
        ))
    }
}
