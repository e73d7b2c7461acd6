//! Reading the Spark job's Parquet tables (and painter-engine's) back for tests/spark.rs:
//! columns cast to one Rust type each (Spark writes ids as DECIMAL(20,0) and counts as BIGINT),
//! the figures tables as one `painter_query::figures::Figures`, reach and link tables as sorted
//! rows.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use painter_engine::datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use painter_engine::datafusion::arrow::compute::cast;
use painter_engine::datafusion::arrow::datatypes::{DataType, Float64Type, UInt64Type};
use painter_engine::datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use painter_query::figures::{CalledUnsafeFn, CrateFigures, Figures, Share};

/// Every Parquet file of a table directory (Spark writes `part-*.parquet`, the engine one file).
pub fn batches(path: &Path) -> Vec<RecordBatch> {
    let mut files: Vec<PathBuf> = if path.is_dir() {
        std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
            .collect()
    } else {
        vec![path.to_path_buf()]
    };
    files.sort();
    assert!(!files.is_empty(), "{}: no Parquet file", path.display());
    let mut out = Vec::new();
    for file in files {
        let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&file).unwrap())
            .unwrap()
            .build()
            .unwrap();
        out.extend(reader.map(Result::unwrap));
    }
    out
}

/// Column `name` of every batch cast to `to` (Spark's DECIMAL(20,0) ids and BIGINT counts to
/// UInt64, string views to Utf8).
pub fn column(batches: &[RecordBatch], name: &str, to: &DataType) -> Vec<ArrayRef> {
    batches
        .iter()
        .map(|b| {
            let c = b
                .column_by_name(name)
                .unwrap_or_else(|| panic!("no column {name}"));
            cast(c, to).unwrap_or_else(|e| panic!("column {name}: {e}"))
        })
        .collect()
}

pub fn u64s(b: &[RecordBatch], name: &str) -> Vec<Option<u64>> {
    let arrays = column(b, name, &DataType::UInt64);
    arrays
        .iter()
        .flat_map(|a| a.as_primitive::<UInt64Type>().iter().collect::<Vec<_>>())
        .collect()
}

pub fn u64s_required(b: &[RecordBatch], name: &str) -> Vec<u64> {
    u64s(b, name)
        .into_iter()
        .map(|v| v.unwrap_or_else(|| panic!("{name}: null")))
        .collect()
}

pub fn strings(b: &[RecordBatch], name: &str) -> Vec<Option<String>> {
    let arrays = column(b, name, &DataType::Utf8);
    arrays
        .iter()
        .flat_map(|a| {
            a.as_string::<i32>()
                .iter()
                .map(|v| v.map(str::to_owned))
                .collect::<Vec<_>>()
        })
        .collect()
}

pub fn texts(b: &[RecordBatch], name: &str) -> Vec<String> {
    strings(b, name)
        .into_iter()
        .map(|v| v.unwrap_or_else(|| panic!("{name}: null")))
        .collect()
}

pub fn bools(b: &[RecordBatch], name: &str) -> Vec<bool> {
    let arrays = column(b, name, &DataType::Boolean);
    arrays
        .iter()
        .flat_map(|a| {
            a.as_boolean()
                .iter()
                .map(|v| v.unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

pub fn floats(b: &[RecordBatch], name: &str) -> Vec<f64> {
    let arrays = column(b, name, &DataType::Float64);
    arrays
        .iter()
        .flat_map(|a| {
            a.as_primitive::<Float64Type>()
                .iter()
                .map(|v| v.unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

pub fn string_lists(b: &[RecordBatch], name: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for batch in b {
        let list = batch.column_by_name(name).unwrap().as_list::<i32>();
        for i in 0..list.len() {
            let values: Arc<dyn Array> = list.value(i);
            let values = cast(&values, &DataType::Utf8).unwrap();
            out.push(
                values
                    .as_string::<i32>()
                    .iter()
                    .map(|v| v.unwrap().to_owned())
                    .collect(),
            );
        }
    }
    out
}

/// The figures of `population` as the Spark job wrote them under `out`.
pub fn spark_figures(out: &Path, population: &str) -> Figures {
    let all = batches(&out.join("figures"));
    let row = texts(&all, "population")
        .iter()
        .position(|p| p == population)
        .unwrap_or_else(|| panic!("no figures row for {population}"));
    let n = |name: &str| u64s_required(&all, name)[row];
    let share = |name: &str| Share {
        crates: n(name),
        percent: floats(&all, &format!("{name}_percent"))[row],
    };
    let mine = |b: &[RecordBatch]| -> Vec<bool> {
        texts(b, "population")
            .iter()
            .map(|p| p == population)
            .collect()
    };

    let by = batches(&out.join("figures_unsafe_ops_by"));
    let (mut by_kind, mut by_context) = (BTreeMap::new(), BTreeMap::new());
    let (dims, names, ops) = (
        texts(&by, "dimension"),
        texts(&by, "name"),
        u64s_required(&by, "ops"),
    );
    for (i, keep) in mine(&by).into_iter().enumerate() {
        if keep {
            let map = if dims[i] == "kind" {
                &mut by_kind
            } else {
                &mut by_context
            };
            map.insert(names[i].clone(), ops[i]);
        }
    }

    let top = batches(&out.join("figures_top"));
    let (rankings, ranks) = (texts(&top, "ranking"), u64s_required(&top, "rank"));
    let (keys, counts) = (texts(&top, "key"), u64s_required(&top, "count"));
    let ranking = |which: &str| {
        let mut rows: Vec<(u64, String, u64)> = mine(&top)
            .into_iter()
            .enumerate()
            .filter(|&(i, keep)| keep && rankings[i] == which)
            .map(|(i, _)| (ranks[i], keys[i].clone(), counts[i]))
            .collect();
        rows.sort();
        rows.into_iter().map(|(_, k, c)| (k, c)).collect::<Vec<_>>()
    };

    let called = batches(&out.join("figures_most_called_unsafe_fns"));
    let (cranks, paths) = (u64s_required(&called, "rank"), texts(&called, "path"));
    let (ccrates, sites) = (
        u64s_required(&called, "crates"),
        u64s_required(&called, "call_sites"),
    );
    let mut most_called: Vec<(u64, CalledUnsafeFn)> = mine(&called)
        .into_iter()
        .enumerate()
        .filter(|&(_, keep)| keep)
        .map(|(i, _)| {
            let f = CalledUnsafeFn {
                path: paths[i].clone(),
                crates: ccrates[i],
                call_sites: sites[i],
            };
            (cranks[i], f)
        })
        .collect();
    most_called.sort_by_key(|(rank, _)| *rank);

    let per = batches(&out.join("figures_per_crate"));
    let primary = bools(&per, "is_primary");
    let units = texts(&per, "unit");
    let calls_into = string_lists(&per, "calls_unsafe_crates");
    let pc = |name: &str| u64s_required(&per, name);
    let (uses, blocks, unsafe_ops) = (
        bools(&per, "uses_unsafe"),
        pc("user_unsafe_blocks"),
        pc("unsafe_ops"),
    );
    let (ffi, ffi_all) = (
        bools(&per, "reaches_ffi"),
        bools(&per, "reaches_ffi_with_candidates"),
    );
    let (imports, api) = (pc("ffi_imports"), pc("public_functions"));
    let (reach, reach_all) = (
        pc("public_functions_reaching_unsafe"),
        pc("public_functions_reaching_unsafe_with_candidates"),
    );
    let per_crate = (0..units.len())
        .filter(|&i| population == "all" || primary[i])
        .map(|i| CrateFigures {
            key: units[i].clone(),
            uses_unsafe: uses[i],
            user_unsafe_blocks: blocks[i],
            unsafe_ops: unsafe_ops[i],
            calls_unsafe_crates: calls_into[i].clone(),
            reaches_ffi: ffi[i],
            reaches_ffi_with_candidates: ffi_all[i],
            ffi_imports: imports[i],
            public_functions: api[i],
            public_functions_reaching_unsafe: reach[i],
            public_functions_reaching_unsafe_with_candidates: reach_all[i],
        })
        .collect();

    Figures {
        crates: n("crates"),
        uses_unsafe: share("uses_unsafe"),
        user_unsafe_blocks: share("user_unsafe_blocks"),
        has_unsafe_ops: share("has_unsafe_ops"),
        calls_unsafe_crate: share("calls_unsafe_crate"),
        reaches_ffi: share("reaches_ffi"),
        reaches_ffi_with_candidates: share("reaches_ffi_with_candidates"),
        public_functions: n("public_functions"),
        public_functions_reaching_unsafe: n("public_functions_reaching_unsafe"),
        public_functions_reaching_unsafe_with_candidates: n(
            "public_functions_reaching_unsafe_with_candidates",
        ),
        unsafe_ops_by_kind: by_kind,
        unsafe_ops_by_context: by_context,
        top_by_unsafe_ops: ranking("unsafe_ops"),
        top_by_ffi_imports: ranking("ffi_imports"),
        most_called_unsafe_fns: most_called.into_iter().map(|(_, f)| f).collect(),
        per_crate,
    }
}

/// A reach table's rows, sorted: (crate_id, hash, id_text, distance).
pub type ReachRow = (Option<u64>, Option<u64>, Option<String>, u64);

pub fn reach_rows(path: &Path) -> Vec<ReachRow> {
    let b = batches(path);
    let (k, h, t, d) = (
        u64s(&b, "crate_id"),
        u64s(&b, "hash"),
        strings(&b, "id_text"),
        u64s_required(&b, "distance"),
    );
    let mut rows: Vec<ReachRow> = (0..d.len())
        .map(|i| (k[i], h[i], t[i].clone(), d[i]))
        .collect();
    rows.sort();
    rows
}

/// A link table's rows as text, sorted (ids as numbers, so both engines' types compare).
pub fn link_rows(path: &Path, columns: &[&str]) -> BTreeSet<Vec<Option<String>>> {
    let b = batches(path);
    let cols: Vec<Vec<Option<String>>> = columns.iter().map(|c| strings(&b, c)).collect();
    (0..cols[0].len())
        .map(|i| cols.iter().map(|c| c[i].clone()).collect())
        .collect()
}
