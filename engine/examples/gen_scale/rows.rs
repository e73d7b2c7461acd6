//! The rows of the synthetic dataset: the plan (crate sizes, ids), one unit's tables in chunks,
//! the graph-wide candidate tables, and a JSON sample of the same records for the
//! bytes-per-record comparison.

use std::collections::BTreeMap;
use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, BooleanArray, ListArray, StringArray, UInt32Array, UInt64Array, new_null_array,
};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::datatypes::{DataType, Field};
use painter_schema::{Call, CrateInfo, Function, Span, Sym};

use crate::CHUNK;

/// SplitMix64: small, fast, deterministic; the data only has to look random.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// An index below `n`, skewed to small ones: ⌊n·u^power⌋ (a power-law popularity).
    pub fn skewed(&mut self, n: u64, power: i32) -> u64 {
        ((n as f64 * self.unit().powi(power)) as u64).min(n.saturating_sub(1))
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

pub struct Crate {
    pub crate_id: u64,
    /// Ordinary functions; the foreign ones come after them.
    pub regular: u64,
    pub foreign: u64,
    pub calls: u64,
}

pub struct Plan {
    pub crates: Vec<Crate>,
    /// Candidate sets: each a few (crate, function) targets.
    pub sets: Vec<Vec<(usize, u64)>>,
}

/// Functions of the std pool outside the graph (external callees).
const EXTERNALS: u64 = 20_000;
const STD_CRATES: [&str; 3] = ["core", "alloc", "std"];

impl Plan {
    pub fn new(functions: u64, calls: u64, crates: usize, seed: u64) -> Plan {
        let mut rng = Rng(seed);
        let weights: Vec<f64> = (1..=crates).map(|k| (k as f64).powf(-0.9)).collect();
        let total: f64 = weights.iter().sum();
        let crates: Vec<Crate> = weights
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let regular = ((functions as f64 * w / total) as u64).max(1);
                let foreign = if rng.unit() < 0.03 {
                    1 + rng.next() % 20
                } else {
                    0
                };
                Crate {
                    crate_id: mix(seed ^ (i as u64 + 1)),
                    regular,
                    foreign,
                    calls: (calls as f64 * w / total) as u64,
                }
            })
            .collect();
        let sets = (0..crates.len().max(1) * 4)
            .map(|_| {
                (0..1 + rng.next() % 6)
                    .map(|_| {
                        let t = rng.skewed(crates.len() as u64, 2) as usize;
                        (t, rng.skewed(crates[t].regular, 3))
                    })
                    .collect()
            })
            .collect();
        Plan { crates, sets }
    }

    fn hash(&self, c: usize, f: u64) -> u64 {
        mix(self.crates[c].crate_id ^ f.wrapping_mul(0x2545_f491_4f6c_dd1d))
    }
}

fn path(c: usize, f: u64) -> String {
    format!("synthetic_{c}::m{}::f{f}", f % 64)
}

/// The writer's value for a column the generator does not model.
pub fn absent(field: &Field, n: usize) -> ArrayRef {
    if field.is_nullable() {
        return new_null_array(field.data_type(), n);
    }
    match field.data_type() {
        DataType::Utf8 => Arc::new(StringArray::from_iter_values(std::iter::repeat_n("", n))),
        DataType::UInt32 => Arc::new(UInt32Array::from(vec![0; n])),
        DataType::UInt64 => Arc::new(UInt64Array::from(vec![0; n])),
        DataType::Boolean => Arc::new(BooleanArray::from(vec![false; n])),
        DataType::List(item) => Arc::new(ListArray::new(
            item.clone(),
            OffsetBuffer::new_zeroed(n),
            new_null_array(item.data_type(), 0),
            None,
        )),
        other => panic!("no absent value for {other}"),
    }
}

type Columns = BTreeMap<&'static str, ArrayRef>;

fn strings<S: AsRef<str>>(v: Vec<S>) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(v))
}
fn opt_strings(v: Vec<Option<String>>) -> ArrayRef {
    Arc::new(StringArray::from(v))
}
fn u64s(v: Vec<u64>) -> ArrayRef {
    Arc::new(UInt64Array::from(v))
}
fn opt_u64s(v: Vec<Option<u64>>) -> ArrayRef {
    Arc::new(UInt64Array::from(v))
}
fn u32s(v: Vec<u32>) -> ArrayRef {
    Arc::new(UInt32Array::from(v))
}
fn bools(v: Vec<bool>) -> ArrayRef {
    Arc::new(BooleanArray::from(v))
}
fn repeat(key: &str, n: usize) -> ArrayRef {
    strings(vec![key; n])
}

/// Emit every table of unit `c` through `emit(table, rows, columns)`, large ones in chunks;
/// `call_candidates` rows (graph-wide) come through it too.
pub fn unit_tables(
    plan: &Plan,
    c: usize,
    key: &str,
    rng: &mut Rng,
    json: &mut JsonSample,
    emit: &mut dyn FnMut(&'static str, usize, Columns),
) {
    let k = &plan.crates[c];
    let all = k.regular + k.foreign;
    let mut unsafe_fns = Vec::new();
    for start in (0..all).step_by(CHUNK) {
        let ids: Vec<u64> = (start..all.min(start + CHUNK as u64)).collect();
        let n = ids.len();
        let kinds: Vec<&str> = ids
            .iter()
            .map(|&f| match (f >= k.regular, f % 20) {
                (true, _) => "foreign_fn",
                (_, 0..=7) => "fn",
                (_, 8..=9) => "method",
                (_, 10..=16) => "impl_method",
                (_, 17) => "trait_method",
                _ => "closure",
            })
            .collect();
        let ops: Vec<u32> = ids
            .iter()
            .map(|&f| {
                let has = f < k.regular && rng.unit() < 0.005;
                if has { 1 + (rng.next() % 5) as u32 } else { 0 }
            })
            .collect();
        unsafe_fns.extend(
            ids.iter()
                .zip(&ops)
                .filter(|(_, o)| **o > 0)
                .map(|(f, o)| (*f, *o)),
        );
        let public: Vec<bool> = ids
            .iter()
            .map(|&f| f < k.regular && mix(f) % 10 < 3)
            .collect();
        let paths: Vec<String> = ids.iter().map(|&f| path(c, f)).collect();
        for i in 0..n.min(if c < 5 { 2000 } else { 0 }) {
            json.function(
                &plan.hash(c, ids[i]),
                k.crate_id,
                &paths[i],
                kinds[i],
                public[i],
                ops[i],
            );
        }
        let mut cols = Columns::new();
        cols.insert("unit", repeat(key, n));
        cols.insert("crate_id", u64s(vec![k.crate_id; n]));
        cols.insert("hash", u64s(ids.iter().map(|&f| plan.hash(c, f)).collect()));
        cols.insert("path", strings(paths));
        cols.insert("kind", strings(kinds));
        cols.insert(
            "unsafe",
            bools(ids.iter().map(|&f| mix(f) % 100 == 0).collect()),
        );
        cols.insert("public", bools(public));
        cols.insert(
            "span_file",
            strings(ids.iter().map(|f| format!("src/m{}.rs", f % 64)).collect()),
        );
        cols.insert(
            "span_line",
            u32s(ids.iter().map(|&f| (f % 2000) as u32 + 1).collect()),
        );
        cols.insert("unsafe_ops", u32s(ops.clone()));
        cols.insert(
            "unsafe_blocks",
            u32s(ops.iter().map(|&o| u32::from(o > 0)).collect()),
        );
        emit("functions", n, cols);
    }
    unsafe_tables(plan, c, key, &unsafe_fns, rng, emit);
    calls(plan, c, key, rng, json, emit);
}

fn unsafe_tables(
    plan: &Plan,
    c: usize,
    key: &str,
    fns: &[(u64, u32)],
    rng: &mut Rng,
    emit: &mut dyn FnMut(&'static str, usize, Columns),
) {
    let k = &plan.crates[c];
    let mut op_fn = Vec::new();
    let mut callee = Vec::new();
    let mut kinds = Vec::new();
    for &(f, n) in fns {
        for _ in 0..n {
            op_fn.push(f);
            let kind = [
                "deref_raw_pointer",
                "call_unsafe_fn",
                "call_unsafe_fn",
                "use_static_mut",
            ][(rng.next() % 4) as usize];
            kinds.push(kind);
            callee.push((kind == "call_unsafe_fn").then(|| rng.skewed(k.regular, 3)));
        }
    }
    let n = op_fn.len();
    let mut cols = Columns::new();
    cols.insert("unit", repeat(key, n));
    cols.insert("function_crate_id", u64s(vec![k.crate_id; n]));
    cols.insert(
        "function_hash",
        u64s(op_fn.iter().map(|&f| plan.hash(c, f)).collect()),
    );
    cols.insert("kind", strings(kinds));
    cols.insert("context_kind", strings(vec!["unsafe_block"; n]));
    cols.insert(
        "callee_crate_id",
        opt_u64s(callee.iter().map(|g| g.map(|_| k.crate_id)).collect()),
    );
    cols.insert(
        "callee_hash",
        opt_u64s(callee.iter().map(|g| g.map(|g| plan.hash(c, g))).collect()),
    );
    cols.insert(
        "callee_path",
        opt_strings(callee.iter().map(|g| g.map(|g| path(c, g))).collect()),
    );
    cols.insert(
        "callee_foreign",
        Arc::new(BooleanArray::from(
            callee.iter().map(|g| g.map(|_| false)).collect::<Vec<_>>(),
        )),
    );
    emit("unsafe_ops", n, cols);
    let n = fns.len();
    let mut cols = Columns::new();
    cols.insert("unit", repeat(key, n));
    cols.insert("function_crate_id", u64s(vec![k.crate_id; n]));
    cols.insert(
        "function_hash",
        u64s(fns.iter().map(|&(f, _)| plan.hash(c, f)).collect()),
    );
    cols.insert("ops", u32s(fns.iter().map(|&(_, o)| o).collect()));
    emit("unsafe_blocks", n, cols);
    if k.foreign > 0 {
        let items: Vec<u64> = (k.regular..k.regular + k.foreign).collect();
        let n = items.len();
        let mut cols = Columns::new();
        cols.insert("unit", repeat(key, n));
        cols.insert("item_crate_id", u64s(vec![k.crate_id; n]));
        cols.insert(
            "item_hash",
            u64s(items.iter().map(|&f| plan.hash(c, f)).collect()),
        );
        cols.insert(
            "item_path",
            strings(items.iter().map(|&f| path(c, f)).collect()),
        );
        cols.insert(
            "symbol",
            strings(items.iter().map(|f| format!("c_fn_{f}")).collect()),
        );
        cols.insert("abi", strings(vec!["C"; n]));
        cols.insert("item_kind", strings(vec!["fn"; n]));
        emit("ffi_imports", n, cols);
        let mut cols = Columns::new();
        cols.insert("unit", repeat(key, 1));
        cols.insert("kind", strings(vec!["extern_block"]));
        cols.insert("path", strings(vec![format!("synthetic_{c}::sys")]));
        emit("declarations", 1, cols);
    }
}

fn calls(
    plan: &Plan,
    c: usize,
    key: &str,
    rng: &mut Rng,
    json: &mut JsonSample,
    emit: &mut dyn FnMut(&'static str, usize, Columns),
) {
    let k = &plan.crates[c];
    let crates = plan.crates.len() as u64;
    for start in (0..k.calls).step_by(CHUNK) {
        let end = k.calls.min(start + CHUNK as u64);
        let n = (end - start) as usize;
        let (mut callee_c, mut callee_h) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let (mut paths, mut crate_names, mut kinds) =
            (Vec::with_capacity(n), Vec::new(), Vec::new());
        let (mut cand_index, mut cand_set) = (Vec::new(), Vec::new());
        for j in start..end {
            let r = rng.unit();
            let (kind, target): (&str, Option<(usize, u64)>) = if r < 0.02 {
                let e = rng.skewed(EXTERNALS, 3);
                let std = (e % 3) as usize;
                callee_c.push(Some(mix(0x57d ^ std as u64)));
                callee_h.push(Some(mix(e)));
                paths.push(format!("{}::x{}::f{e}", STD_CRATES[std], e % 32));
                crate_names.push(STD_CRATES[std]);
                kinds.push("static");
                continue;
            } else if r < 0.05 {
                let t = rng.skewed(crates, 2) as usize;
                ("static", Some((t, rng.skewed(plan.crates[t].regular, 3))))
            } else if r < 0.15 {
                let kind = [
                    "dyn",
                    "dyn",
                    "dyn",
                    "dyn",
                    "dyn",
                    "trait_generic",
                    "trait_generic",
                    "fn_ptr",
                    "fn_ptr",
                    "fn_ptr",
                ][(rng.next() % 10) as usize];
                if rng.unit() < 0.33 {
                    cand_index.push(j as u32);
                    cand_set.push(rng.skewed(plan.sets.len() as u64, 2) as u32);
                }
                (
                    kind,
                    (kind != "fn_ptr").then(|| (c, rng.skewed(k.regular, 3))),
                )
            } else if k.foreign > 0 && r < 0.16 {
                ("ffi", Some((c, k.regular + rng.next() % k.foreign)))
            } else {
                let kind = if r < 0.8 {
                    "static"
                } else if r < 0.9 {
                    "trait_resolved"
                } else {
                    "closure"
                };
                (kind, Some((c, rng.skewed(k.regular, 3))))
            };
            kinds.push(kind);
            match target {
                Some((t, f)) => {
                    callee_c.push(Some(plan.crates[t].crate_id));
                    callee_h.push(Some(plan.hash(t, f)));
                    paths.push(path(t, f));
                    crate_names.push("synthetic");
                }
                None => {
                    callee_c.push(None);
                    callee_h.push(None);
                    paths.push("<fn pointer>".into());
                    crate_names.push("");
                }
            }
        }
        // Callers spread evenly over the crate's ordinary functions, in order.
        let callers: Vec<u64> = (start..end)
            .map(|j| j * k.regular / k.calls.max(1))
            .collect();
        for i in 0..n.min(if c < 5 { 2000 } else { 0 }) {
            json.call(
                plan.hash(c, callers[i]),
                k.crate_id,
                callee_c[i],
                callee_h[i],
                &paths[i],
                crate_names[i],
                kinds[i],
            );
        }
        let mut cols = Columns::new();
        cols.insert("unit", repeat(key, n));
        cols.insert("call_index", u32s((start..end).map(|j| j as u32).collect()));
        cols.insert("caller_crate_id", u64s(vec![k.crate_id; n]));
        cols.insert(
            "caller_hash",
            u64s(callers.iter().map(|&f| plan.hash(c, f)).collect()),
        );
        cols.insert("callee_crate_id", opt_u64s(callee_c));
        cols.insert("callee_hash", opt_u64s(callee_h));
        cols.insert("callee_path", strings(paths));
        cols.insert("callee_crate", strings(crate_names));
        cols.insert("kind", strings(kinds));
        cols.insert(
            "span_file",
            strings(
                (start..end)
                    .map(|j| format!("src/m{}.rs", j % 64))
                    .collect(),
            ),
        );
        cols.insert(
            "span_line",
            u32s((start..end).map(|j| (j % 5000) as u32 + 1).collect()),
        );
        emit("calls", n, cols);
        let m = cand_index.len();
        let mut cols = Columns::new();
        cols.insert("unit", repeat(key, m));
        cols.insert("call_index", u32s(cand_index));
        cols.insert("set", u32s(cand_set));
        emit("call_candidates", m, cols);
    }
}

pub fn candidate_sets(plan: &Plan) -> (usize, Columns) {
    let n = plan.sets.len();
    let mut cols = Columns::new();
    cols.insert("set", u32s((0..n as u32).collect()));
    cols.insert("kind", strings(vec!["dyn"; n]));
    cols.insert(
        "question",
        strings((0..n).map(|s| format!("dyn Trait{s}::method")).collect()),
    );
    cols.insert(
        "targets",
        u32s(plan.sets.iter().map(|t| t.len() as u32).collect()),
    );
    (n, cols)
}

pub fn candidate_targets(plan: &Plan) -> (usize, Columns) {
    let rows: Vec<(u32, usize, u64)> = plan
        .sets
        .iter()
        .enumerate()
        .flat_map(|(s, t)| t.iter().map(move |&(c, f)| (s as u32, c, f)))
        .collect();
    let n = rows.len();
    let mut cols = Columns::new();
    cols.insert("set", u32s(rows.iter().map(|r| r.0).collect()));
    cols.insert(
        "callee_crate_id",
        u64s(rows.iter().map(|r| plan.crates[r.1].crate_id).collect()),
    );
    cols.insert(
        "callee_hash",
        u64s(rows.iter().map(|r| plan.hash(r.1, r.2)).collect()),
    );
    cols.insert(
        "callee_path",
        strings(rows.iter().map(|r| path(r.1, r.2)).collect()),
    );
    cols.insert(
        "target_crate",
        strings(
            rows.iter()
                .map(|r| format!("synthetic-{}@0.1.0", r.1))
                .collect(),
        ),
    );
    cols.insert("reason", strings(vec!["impl_of_dyn_trait"; n]));
    (n, cols)
}

pub fn unit_row(key: &str, stem: &str, info: &CrateInfo) -> Columns {
    let mut cols = Columns::new();
    cols.insert("key", repeat(key, 1));
    cols.insert("stem", repeat(stem, 1));
    cols.insert("name", repeat(&info.name, 1));
    cols.insert("package", repeat(&info.package, 1));
    cols.insert("version", repeat(&info.version, 1));
    cols.insert("kind", repeat(&info.kind, 1));
    cols.insert(
        "crate_id",
        opt_u64s(vec![u64::from_str_radix(&info.stable_id, 16).ok()]),
    );
    cols.insert("stable_id", repeat(&info.stable_id, 1));
    cols.insert("primary", bools(vec![info.primary]));
    cols.insert("status", repeat("ok", 1));
    cols
}

/// The project's JSON of a sample of the same functions and calls (`serde_json` of the schema's
/// records, as in a per-crate file), to compare bytes per record with the Parquet files.
#[derive(Default)]
pub struct JsonSample {
    functions: (u64, u64),
    calls: (u64, u64),
}

fn span(line: u32) -> Span {
    Span {
        file: Sym::intern("src/m1.rs"),
        line,
        col: 5,
        end_line: line,
        end_col: 30,
    }
}

fn id(krate: u64, hash: u64) -> Sym {
    Sym::intern(&painter_dataset::ids::format(krate, hash))
}

impl JsonSample {
    fn function(&mut self, hash: &u64, krate: u64, path: &str, kind: &str, public: bool, ops: u32) {
        let f = Function {
            id: id(krate, *hash),
            path: Sym::intern(path),
            kind: serde_json::from_value(kind.into()).unwrap(),
            is_unsafe: false,
            public,
            span: span(12),
            parent: None,
            unsafe_ops: ops,
            unsafe_blocks: u32::from(ops > 0),
            implements: None,
            impl_self_ty: None,
            impl_trait: None,
            configs: Vec::new(),
            impl_args: Vec::new(),
            impl_generics: 0,
        };
        self.functions.0 += serde_json::to_vec(&f).unwrap().len() as u64 + 1;
        self.functions.1 += 1;
    }

    #[allow(clippy::too_many_arguments)]
    fn call(
        &mut self,
        caller: u64,
        krate: u64,
        cc: Option<u64>,
        ch: Option<u64>,
        path: &str,
        callee_crate: &str,
        kind: &str,
    ) {
        let call = Call {
            caller: id(krate, caller),
            callee: cc.zip(ch).map(|(c, h)| id(c, h)),
            callee_path: Sym::intern(path),
            callee_crate: Sym::intern(callee_crate),
            kind: serde_json::from_value(kind.into()).unwrap(),
            span: span(40),
            trait_method: None,
            detail: None,
            from_macro: None,
            target_crate: None,
            external: false,
            candidates: None,
            configs: Vec::new(),
            args: Vec::new(),
        };
        self.calls.0 += serde_json::to_vec(&call).unwrap().len() as u64 + 1;
        self.calls.1 += 1;
    }

    pub fn per_function(&self) -> f64 {
        self.functions.0 as f64 / self.functions.1.max(1) as f64
    }
    pub fn per_call(&self) -> f64 {
        self.calls.0 as f64 / self.calls.1.max(1) as f64
    }
}
