//! Throughput benchmark for DESIGN.md §6 ("linker: at least half the throughput of merely
//! parsing its inputs"): writes synthetic per-crate files, then times parsing them alone against
//! `link` + `write_graph`. Run: `cargo run --release -p painter-linker --example bench_link [CRATES]`.

use std::path::PathBuf;
use std::time::Instant;

use painter_schema::*;
use rayon::prelude::*;

fn span(line: u32) -> Span {
    Span {
        file: "src/lib.rs".into(),
        line,
        col: 5,
        end_line: line,
        end_col: 30,
    }
}

/// Crate `i` has 2000 functions and 8000 calls: into itself, the previous crate, and std.
fn synthetic(i: usize) -> CrateGraph {
    let id = |krate: usize, f: usize| format!("{krate:016x}:{f:032x}");
    let info = CrateInfo {
        configurations: Vec::new(),
        name: format!("crate_{i}"),
        package: format!("crate-{i}"),
        version: "1.0.0".into(),
        kind: "lib".into(),
        stable_id: format!("{i:016x}"),
        features: vec!["default".into()],
        target: "x86_64-unknown-linux-gnu".into(),
        source: "registry".into(),
        primary: i == 0,
        edition: "2021".into(),
        links: None,
        manifest_dir: None,
    };
    let functions = (0..2000)
        .map(|f| Function {
            configs: Vec::new(),
            id: id(i, f),
            path: format!("crate_{i}::module_{}::function_{f}", f % 17),
            kind: FunctionKind::Fn,
            is_unsafe: f % 50 == 0,
            public: f % 3 == 0,
            span: span(f as u32),
            parent: None,
            unsafe_ops: 0,
            unsafe_blocks: 0,
            implements: None,
            impl_self_ty: None,
            impl_trait: None,
        })
        .collect();
    let calls = (0..8000)
        .map(|c| {
            let (krate, kind) = match c % 4 {
                0 => (i.saturating_sub(1), CallKind::Static),
                1 => (usize::MAX, CallKind::TraitResolved),
                _ => (i, CallKind::Static),
            };
            Call {
                configs: Vec::new(),
                caller: id(i, c % 2000),
                callee: Some(id(krate, (c * 7) % 2000)),
                callee_path: format!("some::path::to::callee_{}", c % 2000),
                callee_crate: format!("crate_{krate}"),
                kind,
                span: span(c as u32),
                trait_method: None,
                detail: Some("<u32 as core::fmt::Debug>".into()),
                from_macro: None,
                target_crate: None,
                external: false,
                candidates: None,
            }
        })
        .collect();
    let mut g = CrateGraph {
        schema_version: SCHEMA_VERSION,
        painter_version: PAINTER_VERSION.into(),
        toolchain: "rustc 1.101.0-nightly".into(),
        krate: info,
        status: Status::Ok,
        error: None,
        analysis_ms: 10,
        functions,
        unsafe_ops: vec![],
        unsafe_blocks: vec![],
        calls,
        ffi: Ffi::default(),
        declarations: vec![],
        address_taken: vec![],
        counts: Counts::default(),
    };
    g.recount();
    g
}

fn main() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("debug")).init();
    let crates: usize = std::env::args()
        .nth(1)
        .map_or(200, |n| n.parse().expect("a number"));
    let dir = std::env::temp_dir().join(format!("painter-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let files: Vec<PathBuf> = (0..crates)
        .into_par_iter()
        .map(|i| {
            let path = dir.join(format!("crate-{i}.json"));
            std::fs::write(&path, serde_json::to_vec(&synthetic(i)).unwrap()).unwrap();
            path
        })
        .collect();
    let bytes: u64 = files.iter().map(|f| f.metadata().unwrap().len()).sum();

    // Best of two: the first run also pays for the allocator's first touch of the memory.
    let parse = (0..2)
        .map(|_| {
            let start = Instant::now();
            let parsed: Vec<CrateGraph> = files
                .par_iter()
                .map(|f| serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap())
                .collect();
            let elapsed = start.elapsed();
            drop(parsed);
            elapsed
        })
        .min()
        .unwrap();

    let start = Instant::now();
    let outcome = painter_linker::link(std::slice::from_ref(&dir), &Default::default()).unwrap();
    let link = start.elapsed();
    let start = Instant::now();
    let out_bytes = painter_linker::to_json_bytes(&outcome.graph).len();
    let serialise = start.elapsed();
    let start = Instant::now();
    painter_linker::write_graph(&outcome.graph, &dir.join("out/graph.json")).unwrap();
    let write = start.elapsed();

    let rate = |mb: f64, t: std::time::Duration| {
        format!(
            "{:>6.2}s {:>6.0} MB/s",
            t.as_secs_f64(),
            mb / t.as_secs_f64()
        )
    };
    let (mb, out_mb) = (bytes as f64 / 1e6, out_bytes as f64 / 1e6);
    println!("{crates} crates, {mb:.0} MB in, {out_mb:.0} MB out");
    println!("parse only (baseline):     {}", rate(mb, parse));
    println!("link (load+merge+resolve): {}", rate(mb, link));
    println!("serialise (in memory):     {}", rate(out_mb, serialise));
    println!("write_graph (to disk):     {}", rate(out_mb, write));
    println!(
        "link / parse time: {:.2} (budget: <= 2)",
        link.as_secs_f64() / parse.as_secs_f64()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
