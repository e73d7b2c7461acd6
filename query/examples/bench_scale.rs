//! Scale benchmark (the linker budget of docs/benchmarks.md): generates a synthetic ecosystem of per-crate files
//! whose sizes and record mixes are drawn from real analyses (`synth`), then measures, each in a
//! fresh child process so that peak memory is per phase:
//! - parse: reading and deserialising every file (the baseline the linker is compared with);
//! - link: `painter_linker::link` (load, merge, resolve, candidates, stats);
//! - write: `write_graph` of the result;
//! - query: building the call-graph view and answering "reaches unsafe?" for every function.
//!
//! Run: `cargo run --release -p painter-query --example bench_scale -- --crates 1000
//! --functions 1000000 --edges 10000000 [--dir DIR] [--keep]`.

mod synth;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use painter_schema::CrateGraph;
use rayon::prelude::*;

struct Args {
    crates: usize,
    functions: u64,
    edges: u64,
    dir: PathBuf,
    keep: bool,
    phase: Option<String>,
}

fn parse_args() -> Args {
    let mut args = Args {
        crates: 1000,
        functions: 1_000_000,
        edges: 10_000_000,
        dir: std::env::temp_dir().join("painter-bench-scale"),
        keep: false,
        phase: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--crates" => args.crates = value().parse().expect("a number"),
            "--functions" => args.functions = value().parse().expect("a number"),
            "--edges" => args.edges = value().parse().expect("a number"),
            "--dir" => args.dir = PathBuf::from(value()),
            "--phase" => args.phase = Some(value()),
            "--keep" => args.keep = true,
            other => panic!("unknown argument {other}"),
        }
    }
    args
}

/// Peak resident memory of this process so far, in bytes (Linux `VmHWM`).
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn input_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    painter_linker::collect_json_files(&dir.join("crates"), &mut files).unwrap();
    files
}

/// One phase, run in a child process; prints `seconds peak_bytes` on stdout.
fn run_phase(args: &Args, phase: &str) {
    let start = Instant::now();
    match phase {
        "generate" => {
            let mut rng = synth::Rng::new(2026);
            let sizes = synth::crate_sizes(args.crates, args.functions, &mut rng);
            let crates_dir = args.dir.join("crates");
            std::fs::create_dir_all(&crates_dir).unwrap();
            (0..args.crates).into_par_iter().for_each(|i| {
                let calls = args.edges * sizes[i] / args.functions.max(1);
                let graph = synth::crate_graph(i, &sizes, calls, 2026);
                let path = crates_dir.join(format!("crate_{i}-1.0.0-{i:08x}.json"));
                std::fs::write(path, serde_json::to_vec(&graph).unwrap()).unwrap();
            });
        }
        "parse" => {
            let parsed: Vec<CrateGraph> = input_files(&args.dir)
                .par_iter()
                .map(|f| serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap())
                .collect();
            let functions: usize = parsed.iter().map(|g| g.functions.len()).sum();
            let elapsed = start.elapsed().as_secs_f64();
            eprintln!("parsed {} crates, {functions} functions", parsed.len());
            println!("{elapsed} {}", peak_rss());
            // Freeing is not parsing: leave it to the exit.
            std::mem::forget(parsed);
            return;
        }
        "link" | "write" | "query" => {
            let outcome =
                painter_linker::link(&[args.dir.join("crates")], &Default::default()).unwrap();
            let link_time = start.elapsed().as_secs_f64();
            let graph = outcome.graph;
            eprintln!(
                "linked: {} functions, {} calls ({} cross-crate, {} external), {} candidate sets",
                graph.stats.functions,
                graph.stats.calls,
                graph.stats.calls_cross_crate_resolved,
                graph.stats.calls_external,
                graph.candidate_sets.len()
            );
            let elapsed = match phase {
                "link" => link_time,
                "write" => {
                    let start = Instant::now();
                    painter_linker::write_graph(&graph, &args.dir.join("graph.json")).unwrap();
                    start.elapsed().as_secs_f64()
                }
                _ => {
                    let start = Instant::now();
                    let cg = painter_query::call_graph(&graph);
                    let reach = painter_query::reach(
                        &cg,
                        &painter_query::Target::Unsafe,
                        painter_query::Edges::Exact,
                    );
                    eprintln!(
                        "{} of {} nodes reach unsafe code",
                        reach.count(),
                        cg.graph.node_count()
                    );
                    start.elapsed().as_secs_f64()
                }
            };
            println!("{elapsed} {}", peak_rss());
            std::mem::forget(graph);
            return;
        }
        other => panic!("unknown phase {other}"),
    }
    println!("{} {}", start.elapsed().as_secs_f64(), peak_rss());
}

/// Run `phase` in a child process and return (seconds, peak bytes).
fn child(args: &Args, phase: &str) -> (f64, u64) {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--phase", phase, "--dir"])
        .arg(&args.dir)
        .args(["--crates", &args.crates.to_string()])
        .args(["--functions", &args.functions.to_string()])
        .args(["--edges", &args.edges.to_string()])
        .stderr(std::process::Stdio::inherit())
        .output()
        .unwrap();
    assert!(output.status.success(), "phase {phase} failed");
    let text = String::from_utf8(output.stdout).unwrap();
    let mut parts = text.split_whitespace();
    (
        parts.next().unwrap().parse().unwrap(),
        parts.next().unwrap().parse().unwrap(),
    )
}

fn main() {
    // `RUST_LOG=debug` shows the linker's time per stage.
    env_logger::init();
    let args = parse_args();
    if let Some(phase) = &args.phase {
        run_phase(&args, phase);
        return;
    }
    let _ = std::fs::remove_dir_all(&args.dir);
    let (generate, _) = child(&args, "generate");
    let bytes: u64 = input_files(&args.dir)
        .iter()
        .map(|f| f.metadata().unwrap().len())
        .sum();
    let (parse, parse_peak) = child(&args, "parse");
    let (link, link_peak) = child(&args, "link");
    let (write, write_peak) = child(&args, "write");
    let (query, query_peak) = child(&args, "query");
    let mb = bytes as f64 / 1e6;
    let gib = |b: u64| b as f64 / (1u64 << 30) as f64;
    println!(
        "{} crates, {} functions, {} calls: {mb:.0} MB of per-crate files (generated in {generate:.1} s)",
        args.crates, args.functions, args.edges
    );
    println!(
        "parse only:  {parse:>7.2} s {:>6.0} MB/s  peak {:.2} GiB",
        mb / parse,
        gib(parse_peak)
    );
    println!(
        "link:        {link:>7.2} s {:>6.0} MB/s  peak {:.2} GiB",
        mb / link,
        gib(link_peak)
    );
    println!(
        "write graph: {write:>7.2} s (after a link; peak {:.2} GiB)",
        gib(write_peak)
    );
    println!(
        "reach query: {query:>7.2} s (view + unsafe reachability of every function; peak {:.2} GiB)",
        gib(query_peak)
    );
    println!(
        "link throughput / parse throughput: {:.2} (target >= 0.5)",
        parse / link
    );
    if !args.keep {
        std::fs::remove_dir_all(&args.dir).unwrap();
    }
}
