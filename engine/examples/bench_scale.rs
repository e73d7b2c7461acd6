//! The scale benchmark (docs/benchmarks.md, "The engine at scale"): on a dataset written by
//! `gen_scale`, time the SQL link, every figure and "reaches unsafe" for every function under a
//! memory limit, and report peak RSS and bytes per record on disk against the JSON form.
//!
//! `cargo run --release -p painter-engine --example bench_scale -- DIR [SPILL_DIR]`, options as
//! JSON in `PAINTER_ENGINE_OPTIONS` (default: 3 GiB pool, 2 threads). Prints one JSON object.

use std::path::{Path, PathBuf};
use std::time::Instant;

use painter_engine::{Edges, Engine, EngineOptions, Population, ReachOutput, ReachTarget};

/// Peak resident set size so far (VmHWM), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Bytes of the `*.parquet` files of one table directory.
fn table_bytes(dir: &Path, table: &str) -> u64 {
    std::fs::read_dir(dir.join(table))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    env_logger::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = PathBuf::from(args.first().ok_or("usage: bench_scale DIR [SPILL_DIR]")?);
    let spill = args.get(1).map(PathBuf::from);
    let options: EngineOptions = match std::env::var("PAINTER_ENGINE_OPTIONS") {
        Ok(json) => serde_json::from_str(&json)?,
        Err(_) => EngineOptions {
            memory_limit: Some(3 << 30),
            threads: Some(2),
            spill_dir: spill.clone(),
            ..EngineOptions::default()
        },
    };
    let mut steps = serde_json::Map::new();
    let mut step = |name: &str, started: Instant, extra: serde_json::Value| {
        let entry = serde_json::json!({
            "seconds": (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
            "peak_rss_mib_so_far": peak_rss() >> 20,
            "result": extra,
        });
        eprintln!("{name}: {entry}");
        steps.insert(name.to_owned(), entry);
    };
    let t = Instant::now();
    let engine = Engine::open(&dir, &options)?;
    step("open (verify every file)", t, serde_json::Value::Null);
    let t = Instant::now();
    let link = engine.link(None)?;
    step("link (SQL resolution)", t, serde_json::to_value(&link)?);
    let t = Instant::now();
    let figures = engine.figures(Population::All)?;
    let summary = serde_json::json!({
        "crates": figures.crates,
        "uses_unsafe": figures.uses_unsafe.crates,
        "has_unsafe_ops": figures.has_unsafe_ops.crates,
        "calls_unsafe_crate": figures.calls_unsafe_crate.crates,
        "reaches_ffi": figures.reaches_ffi.crates,
        "reaches_ffi_with_candidates": figures.reaches_ffi_with_candidates.crates,
        "public_functions": figures.public_functions,
        "public_functions_reaching_unsafe": figures.public_functions_reaching_unsafe,
        "public_functions_reaching_unsafe_with_candidates":
            figures.public_functions_reaching_unsafe_with_candidates,
    });
    step("figures (all, 4 reach loops)", t, summary);
    let t = Instant::now();
    let out = spill
        .clone()
        .unwrap_or_else(std::env::temp_dir)
        .join("reaches-unsafe.parquet");
    let reach = engine.reaches(
        &ReachTarget::Unsafe,
        Edges::Exact,
        ReachOutput::Parquet(&out),
    )?;
    let written = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    std::fs::remove_file(&out).ok();
    step(
        "reaches unsafe (every function, to Parquet)",
        t,
        serde_json::json!({"functions": reach.functions, "steps": reach.steps, "parquet_bytes": written}),
    );
    let manifest = engine.manifest();
    let rows = |table: &str| -> u64 {
        manifest
            .units
            .iter()
            .filter_map(|u| u.rows.get(table))
            .sum()
    };
    let sample: serde_json::Value = std::fs::read(dir.with_extension("gen.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let mut disk = serde_json::Map::new();
    for (table, json_key) in [
        ("functions", "json_bytes_per_function"),
        ("calls", "json_bytes_per_call"),
    ] {
        let (bytes, n) = (table_bytes(&dir, table), rows(table));
        disk.insert(
            table.to_owned(),
            serde_json::json!({
                "rows": n,
                "parquet_bytes": bytes,
                "parquet_bytes_per_row": (bytes as f64 / n.max(1) as f64 * 100.0).round() / 100.0,
                "json_bytes_per_row": sample.get(json_key),
            }),
        );
    }
    let report = serde_json::json!({
        "options": options,
        "steps": steps,
        "peak_rss_mib": peak_rss() >> 20,
        "disk": disk,
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
