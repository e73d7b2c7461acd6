//! Throughput benchmark for docs/design.md#budgets ("linker: at least half the throughput of merely
//! parsing its inputs"): times parsing the inputs alone against `link` + `write_graph`, with the
//! peak memory of each phase (Linux). Inputs are synthetic per-crate files (2000 functions and
//! 8000 calls each; 500 crates = 1M functions) or an existing directory of graph files:
//!
//! ```text
//! cargo run --release -p painter-linker --example bench_link [CRATES | DIR] [--json]
//! ```
//!
//! `--json` prints the figures as one JSON object instead of a table (for `bench/overhead.py`);
//! `--keep` keeps the synthetic inputs (to link the same files with another build);
//! `--graph-out FILE` keeps the linked graph there (to compare two builds' output).

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
    // Functions 1..=4 implement trait method 0 for four types; a quarter of the calls are
    // generic: an instantiating call `f::<T{k}>()` or, in the callee, `t.m()` on `#0`, so the
    // linker's instantiation worklist has work (docs/linker.md#instantiations).
    let ty = |k: usize| format!("crate_{i}::T{k}");
    let functions = (0..2000)
        .map(|f| Function {
            configs: Vec::new(),
            id: (id(i, f)).into(),
            path: format!("crate_{i}::module_{}::function_{f}", f % 17).into(),
            kind: FunctionKind::Fn,
            is_unsafe: f % 50 == 0,
            public: f % 3 == 0,
            span: span(f as u32),
            parent: None,
            unsafe_ops: 0,
            unsafe_blocks: 0,
            implements: (1..=4).contains(&f).then(|| id(i, 0)),
            impl_self_ty: (1..=4).contains(&f).then(|| ty(f)),
            impl_trait: (1..=4).contains(&f).then(|| format!("crate_{i}::Tr")),
            impl_args: if (1..=4).contains(&f) {
                vec![ty(f).into()]
            } else {
                Vec::new()
            },
            impl_generics: 0,
        })
        .collect();
    let calls = (0..8000)
        .map(|c| {
            let (krate, kind) = match c % 4 {
                0 => (i.saturating_sub(1), CallKind::Static),
                1 => (usize::MAX, CallKind::TraitResolved),
                3 if c % 8 == 3 => (i, CallKind::TraitGeneric),
                _ => (i, CallKind::Static),
            };
            let (callee, args): (usize, Vec<Sym>) = match c % 8 {
                2 => (5 + (c * 7) % 1995, vec![ty(1 + c % 4).into()]),
                3 => (0, vec!["#0".into()]),
                _ => ((c * 7) % 2000, Vec::new()),
            };
            Call {
                configs: Vec::new(),
                caller: (id(i, c % 2000)).into(),
                callee: Some((id(krate, callee)).into()),
                callee_path: format!("some::path::to::callee_{}", c % 2000).into(),
                callee_crate: format!("crate_{krate}").into(),
                kind,
                span: span(c as u32),
                trait_method: None,
                detail: Some(if kind == CallKind::TraitGeneric {
                    format!("<T as crate_{i}::Tr>").into()
                } else {
                    "<u32 as core::fmt::Debug>".into()
                }),
                from_macro: None,
                target_crate: None,
                external: false,
                candidates: None,
                args,
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

/// Peak resident memory of this process since the last [`reset_peak`], in MB (Linux only).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Start a new peak-memory measurement: writing 5 to `clear_refs` resets `VmHWM` (Linux ≥ 4.0).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let input = args
        .iter()
        .enumerate()
        .find(|(i, a)| !a.starts_with("--") && (*i == 0 || args[i - 1] != "--graph-out"))
        .map(|(_, a)| a);
    if !json {
        env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("debug")).init();
    }
    let given = input.map(PathBuf::from).filter(|p| p.is_dir());
    let (dir, files, synthetic_crates) = match given {
        Some(dir) => {
            let mut files = Vec::new();
            painter_linker::collect_json_files(&dir, &mut files).unwrap();
            (dir, files, None)
        }
        None => {
            let crates: usize = input.map_or(200, |n| n.parse().expect("a number or a directory"));
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
            (dir, files, Some(crates))
        }
    };
    let bytes: u64 = files.iter().map(|f| f.metadata().unwrap().len()).sum();

    // Best of two: the first run also pays for the allocator's first touch of the memory.
    reset_peak();
    let mut functions = 0;
    let parse = (0..2)
        .map(|_| {
            let start = Instant::now();
            let parsed: Vec<CrateGraph> = files
                .par_iter()
                .map(|f| serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap())
                .collect();
            let elapsed = start.elapsed();
            functions = parsed.iter().map(|g| g.functions.len()).sum::<usize>();
            drop(parsed);
            elapsed
        })
        .min()
        .unwrap();
    let parse_peak = peak_rss_mb();

    reset_peak();
    let out_dir = std::env::temp_dir().join(format!("painter-bench-out-{}", std::process::id()));
    let start = Instant::now();
    let outcome = painter_linker::link(&files, &Default::default()).unwrap();
    let link = start.elapsed();
    let start = Instant::now();
    let out_bytes = painter_linker::to_json_bytes(&outcome.graph).len();
    let serialise = start.elapsed();
    let start = Instant::now();
    painter_linker::write_graph(&outcome.graph, &out_dir.join("graph.json")).unwrap();
    let write = start.elapsed();
    let link_peak = peak_rss_mb();
    if let Some(i) = args.iter().position(|a| a == "--graph-out") {
        let keep = args.get(i + 1).expect("--graph-out FILE");
        std::fs::copy(out_dir.join("graph.json"), keep).unwrap();
    }

    let (mb, out_mb) = (bytes as f64 / 1e6, out_bytes as f64 / 1e6);
    let ratio = parse.as_secs_f64() / link.as_secs_f64();
    if json {
        let figures = serde_json::json!({
            "input": synthetic_crates.map_or_else(|| dir.display().to_string(), |n| format!("synthetic, {n} crates")),
            "crates": files.len(),
            "functions": functions,
            "input_mb": mb,
            "output_mb": out_mb,
            "parse_s": parse.as_secs_f64(),
            "link_s": link.as_secs_f64(),
            "serialise_s": serialise.as_secs_f64(),
            "write_s": write.as_secs_f64(),
            "link_throughput_vs_parse": ratio,
            "parse_peak_rss_mb": parse_peak,
            "link_peak_rss_mb": link_peak,
        });
        println!("{figures}");
    } else {
        let rate = |mb: f64, t: std::time::Duration| {
            format!(
                "{:>6.2}s {:>6.0} MB/s",
                t.as_secs_f64(),
                mb / t.as_secs_f64()
            )
        };
        let peak = |p: Option<f64>| p.map_or("?".to_string(), |p| format!("{p:.0} MB"));
        println!(
            "{} crates, {functions} functions, {mb:.0} MB in, {out_mb:.0} MB out",
            files.len()
        );
        println!(
            "parse only (baseline):     {}  peak {}",
            rate(mb, parse),
            peak(parse_peak)
        );
        println!(
            "link (load+merge+resolve): {}  peak {}",
            rate(mb, link),
            peak(link_peak)
        );
        println!("serialise (in memory):     {}", rate(out_mb, serialise));
        println!("write_graph (to disk):     {}", rate(out_mb, write));
        println!("link throughput / parse throughput: {ratio:.2} (budget: >= 0.5)");
    }
    let _ = std::fs::remove_dir_all(&out_dir);
    // `--keep`: leave the synthetic inputs for another build to link (`bench_link DIR`).
    if synthetic_crates.is_some() && !args.iter().any(|a| a == "--keep") {
        std::fs::remove_dir_all(&dir).unwrap();
    } else if synthetic_crates.is_some() {
        eprintln!("inputs kept in {}", dir.display());
    }
}
