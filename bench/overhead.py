#!/usr/bin/env python3
"""Overhead of `cargo painter` against plain `cargo check` on a real dependency tree, per-crate
driver cost, and linker throughput (docs/design.md#budgets). One command, from a fresh clone:

    python3 bench/overhead.py [--rounds 5] [--json bench/results.json]

1. Whole builds. Both commands run with the pinned toolchain on a copy of `bench/tree`
   (Cargo.lock committed), each in its own fresh target directory, alternating which goes first
   round by round so that drift on the machine hits both. Per round: cold (fresh target dir),
   then `--repeat` times each: no-op (the same command again, nothing changed), touched
   (`src/main.rs` touched: its mtime moves, its text does not) and edited (a function at the
   end of `src/main.rs` changes). The short phases are also run as `cargo-painter painter`
   directly, and cargo's dispatch of a plugin is timed on its own (`--version`). Medians,
   spread and the ratio of every round. Both commands run as a user types them (`cargo check`,
   `cargo painter`, through rustup's proxy). `cargo painter` leaves the link across crates to
   the first command that reads the dataset: after each cold run, `cargo painter stats` is timed
   too (the "first read" line).
2. Per crate. One more cold build of each, serially (`-j 1`, so crates do not compete for the
   cores), with every compiler process run under `bench/rusage_wrapper.py`: wall time and peak
   RSS of painter-driver against rustc for the same crate, and the analysis time the driver
   records in each per-crate file (`analysis_ms`).
3. Linker. `bench_link` (linker/examples) on the tree's per-crate files and on a synthetic set
   of 1M functions (500 crates × 2000): link throughput against merely parsing the same files,
   and peak memory of each.

Dependencies are fetched first so the network is never measured. The load average is recorded
before and after: the figures are only as good as the machine was quiet.
"""
import argparse
import itertools
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WRAPPER = os.path.join(REPO, "bench", "rusage_wrapper.py")


def toolchain():
    with open(os.path.join(REPO, "rust-toolchain.toml")) as f:
        for line in f:
            if line.strip().startswith("channel"):
                return line.split("=", 1)[1].strip().strip('"')
    sys.exit("no channel in rust-toolchain.toml")


def bench_env():
    """The caller's environment without what would change the builds (wrappers, flags, another
    target directory), with the pinned toolchain."""
    env = dict(os.environ)
    for var in ("RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER", "CARGO_TARGET_DIR", "RUSTFLAGS", "RUSTC"):
        env.pop(var, None)
    env["RUSTUP_TOOLCHAIN"] = toolchain()
    env["CARGO_TERM_COLOR"] = "never"
    return env


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(cmd, cwd, env, with_cpu=False):
    """Wall time (and CPU time of the whole process tree: cargo reaps its rustcs, we reap cargo)."""
    cpu = children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    if with_cpu:
        return elapsed, children_cpu() - cpu
    return elapsed, proc.stdout


def build_tools(env):
    # Two builds: `--example` in the same command would restrict every package to its examples,
    # and the binaries would only be there if an earlier build had left them.
    for args in (["-p", "painter-driver", "-p", "cargo-painter"],
                 ["-p", "painter-linker", "--example", "bench_link"]):
        subprocess.run(["cargo", "build", "--release", "--locked", *args],
                       cwd=REPO, env=env, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    release = os.path.join(target, "release")
    return (os.path.join(release, "cargo-painter"), os.path.join(release, "painter-driver"),
            os.path.join(release, "examples", "bench_link"))


def spread(xs):
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs)}


def quantiles(xs):
    xs = sorted(xs)
    pick = lambda q: xs[min(len(xs) - 1, int(q * len(xs)))]
    return {"median": statistics.median(xs), "p90": pick(0.9), "max": xs[-1], "n": len(xs)}


SMALL_PHASES = ("noop", "touched", "edited")
DIRECT = "cargo-painter direct"


def whole_builds(args, project, work, env, cargo_painter):
    touched = os.path.join(project, "src", "main.rs")
    with open(touched) as f:
        original = f.read()
    edits = itertools.count()

    def edit():
        # A real edit, different from the one any command last compiled: rustc re-checks one
        # function, the driver's reuse key (driver/src/reuse.rs) no longer matches.
        with open(touched, "w") as f:
            f.write(original + f"\n#[allow(dead_code)]\nfn painter_bench_edit() -> u32 {{\n    {next(edits)}\n}}\n")

    # Both as a user types them: through rustup's `cargo` proxy, and `cargo painter` through
    # cargo's dispatch of an external subcommand (the release `cargo-painter` first on PATH).
    # The short phases are also run as `cargo-painter painter` (no proxy, no dispatch: what the
    # issue's budgets were first measured with), so cargo's share of a plugin's start is seen.
    env = dict(env, PATH=os.path.dirname(cargo_painter) + os.pathsep + env.get("PATH", ""))
    commands = {
        "cargo check": lambda t: ["cargo", "check", "--locked", "--target-dir", t],
        # cargo painter builds in <target-dir>/painter.
        "cargo painter": lambda t: ["cargo", "painter", "--locked", "--target-dir", t],
    }
    names = [*commands, DIRECT]
    phase_names = ("cold", *SMALL_PHASES)
    times = {name: {p: [] for p in phase_names} for name in names}
    cpu = {name: {p: [] for p in phase_names} for name in names}
    first_read = []

    def measure(name, phase, cmd):
        if phase == "touched":
            os.utime(touched)
        elif phase == "edited":
            edit()
        wall, cpu_s = run(cmd, project, env, with_cpu=True)
        times[name][phase].append(wall)
        cpu[name][phase].append(cpu_s)

    for round_ in range(args.rounds):
        order = list(commands) if round_ % 2 == 0 else list(reversed(commands))
        for name in order:
            target = os.path.join(work, "target-" + name.replace(" ", "-"))
            shutil.rmtree(target, ignore_errors=True)
            cmd = commands[name](target)
            measure(name, "cold", cmd)
            if name == "cargo painter":
                # The link across crates, left pending by the run, paid by its first reader.
                graph = os.path.join(target, "painter", "graph")
                first_read.append(run(["cargo", "painter", "stats", graph, "--format", "json"],
                                      project, env, with_cpu=True)[0])
            # The short phases last tens of milliseconds: several of each per round.
            for _ in range(args.repeat):
                for phase in SMALL_PHASES:
                    measure(name, phase, cmd)
                    if name == "cargo painter":
                        measure(DIRECT, phase, [cargo_painter, "painter", "--locked", "--target-dir", target])
            print(f"round {round_ + 1} {name}: " + ", ".join(
                f"{k} {statistics.median(v[-args.repeat:]):.3f}s" for k, v in times[name].items()), flush=True)

    def compare(painter_name, phase):
        check, painter = times["cargo check"][phase], times[painter_name][phase]
        per = len(check) // args.rounds
        round_median = lambda xs, r: statistics.median(xs[r * per:(r + 1) * per])
        return {
            "cargo_check_s": check,
            "cargo_painter_s": painter,
            "cargo_check": spread(check),
            "cargo_painter": spread(painter),
            "median_ratio": statistics.median(painter) / statistics.median(check),
            "round_ratios": [round_median(painter, r) / round_median(check, r) for r in range(args.rounds)],
            # CPU time of all processes: less sensitive than wall time to a busy machine.
            "cargo_check_cpu_s": cpu["cargo check"][phase],
            "cargo_painter_cpu_s": cpu[painter_name][phase],
            "median_cpu_ratio": statistics.median(cpu[painter_name][phase])
            / statistics.median(cpu["cargo check"][phase]),
        }

    phases = {phase: compare("cargo painter", phase) for phase in phase_names}
    phases["direct"] = {phase: compare(DIRECT, phase) for phase in SMALL_PHASES}
    phases["first_read"] = {"stats_s": first_read, "stats": spread(first_read)}
    return phases


def dispatch(project, env, cargo_painter, n=21):
    """What reaching `cargo-painter` through rustup's proxy and cargo costs by itself (any
    `cargo <plugin>` pays it): `cargo painter --version` against `cargo-painter --version`."""
    env = dict(env, PATH=os.path.dirname(cargo_painter) + os.pathsep + env.get("PATH", ""))
    median = lambda cmd: statistics.median(run(cmd, project, env, with_cpu=True)[0] for _ in range(n))
    via, direct = median(["cargo", "painter", "--version"]), median([cargo_painter, "--version"])
    return {"via_cargo_s": via, "direct_s": direct, "dispatch_s": via - direct}


def read_log(path):
    units = {}
    with open(path) as f:
        for line in f:
            u = json.loads(line)
            units[(u["package"], u["version"], u["crate"], u["crate_type"], u["test"], u["features"])] = u
    return units


def per_crate(args, project, work, env, cargo_painter, driver):
    """One serial cold build each under the rusage wrapper; pairs of the same crate."""
    logs = {}
    for name in ("check", "painter"):
        log = os.path.join(work, f"rusage-{name}.jsonl")
        target = os.path.join(work, f"target-rusage-{name}")
        shutil.rmtree(target, ignore_errors=True)
        wenv = dict(env, BENCH_LOG=log)
        if name == "check":
            cmd = ["cargo", "check", "--locked", "-j", str(args.per_crate_jobs), "--target-dir", target]
            wenv["RUSTC_WRAPPER"] = WRAPPER
        else:
            # cargo painter runs PAINTER_DRIVER as RUSTC_WRAPPER; the wrapper runs the driver.
            cmd = [cargo_painter, "painter", "--locked", "-j", str(args.per_crate_jobs), "--target-dir", target]
            wenv["PAINTER_DRIVER"] = WRAPPER
            wenv["BENCH_INNER_WRAPPER"] = driver
        elapsed, _ = run(cmd, project, wenv)
        print(f"per-crate {name}: {elapsed:.1f}s", flush=True)
        logs[name] = read_log(log)
    check, painter = logs["check"], logs["painter"]
    common = sorted(set(check) & set(painter))
    crates_dir = os.path.join(work, "target-rusage-painter", "painter", "crates")
    analysis = []
    for entry in os.scandir(crates_dir):
        with open(entry.path) as f:
            graph = json.load(f)
        analysis.append((graph["crate"]["package"], graph["analysis_ms"] / 1000.0))
    pairs = []
    for key in common:
        c, p = check[key], painter[key]
        pairs.append({
            "crate": f"{key[0]} {key[1]} ({key[3]}{', test' if key[4] else ''})",
            "rustc_s": c["wall_s"], "driver_s": p["wall_s"],
            "rustc_cpu_s": c["cpu_s"], "driver_cpu_s": p["cpu_s"],
            "rustc_rss_mb": c["max_rss_kb"] / 1024, "driver_rss_mb": p["max_rss_kb"] / 1024,
        })
    # Tiny crates (build scripts, small libs) have noisy ratios; the big ones carry the time.
    significant = [x for x in pairs if x["rustc_s"] >= 0.5]
    total_rustc = sum(x["rustc_s"] for x in pairs)
    total_driver = sum(x["driver_s"] for x in pairs)
    total_analysis = sum(a for _, a in analysis)
    return {
        "jobs": args.per_crate_jobs,
        "units_paired": len(pairs),
        "units_only_in_one": len(set(check) ^ set(painter)),
        "sum_rustc_s": total_rustc,
        "sum_driver_s": total_driver,
        "sum_ratio": total_driver / total_rustc,
        "sum_cpu_ratio": sum(x["driver_cpu_s"] for x in pairs) / sum(x["rustc_cpu_s"] for x in pairs),
        "cpu_ratio": quantiles([x["driver_cpu_s"] / x["rustc_cpu_s"] for x in pairs]),
        "time_ratio": quantiles([x["driver_s"] / x["rustc_s"] for x in pairs]),
        "time_ratio_crates_over_0.5s": quantiles([x["driver_s"] / x["rustc_s"] for x in significant]) if significant else None,
        "rss_ratio": quantiles([x["driver_rss_mb"] / x["rustc_rss_mb"] for x in pairs]),
        "peak_rss_mb": {"rustc": max(x["rustc_rss_mb"] for x in pairs), "driver": max(x["driver_rss_mb"] for x in pairs)},
        "analysis_s": quantiles([a for _, a in analysis]),
        "analysis_share_of_driver_time": total_analysis / total_driver,
        "slowest": sorted(pairs, key=lambda x: x["driver_s"] - x["rustc_s"], reverse=True)[:5],
        "crates": pairs,
    }


def linker(args, work, bench_link):
    out = {}
    tree_crates = os.path.join(work, "target-rusage-painter", "painter", "crates")
    inputs = [("tree", tree_crates)]
    if args.synthetic_crates:
        inputs.append(("synthetic", str(args.synthetic_crates)))
    for name, arg in inputs:
        _, stdout = run([bench_link, arg, "--json"], REPO, dict(os.environ))
        out[name] = json.loads(stdout.strip().splitlines()[-1])
        print(f"linker {name}: {out[name]['link_throughput_vs_parse']:.2f} of parse throughput", flush=True)
    return out


def print_table(results):
    print(f"\n{results['crates_analysed']} crates analysed; {results['rounds']} rounds; medians (min-max)")
    print(f"{'phase':10} {'cargo check':>24} {'cargo painter':>24} {'ratio':>8} {'cpu ratio':>9}  per-round ratios")
    fmt = lambda s: f"{s['median']:.3f}s ({s['min']:.3f}-{s['max']:.3f})"

    def row(label, p):
        print(f"{label:10} {fmt(p['cargo_check']):>24} {fmt(p['cargo_painter']):>24} {p['median_ratio']:>7.3f}x"
              f" {p['median_cpu_ratio']:>8.3f}x  " + " ".join(f"{r:.3f}" for r in p["round_ratios"]))

    for phase in ("cold", *SMALL_PHASES):
        row(phase, results["phases"][phase])
    print(f"as `cargo-painter painter` (no rustup proxy, no cargo dispatch; {results['repeat']} per round):")
    for phase in SMALL_PHASES:
        row(phase, results["phases"]["direct"][phase])
    d = results["dispatch"]
    print(f"cargo's dispatch alone (`cargo painter --version` {1000 * d['via_cargo_s']:.1f} ms, "
          f"`cargo-painter --version` {1000 * d['direct_s']:.1f} ms): {1000 * d['dispatch_s']:.1f} ms")
    fr = results["phases"]["first_read"]["stats"]
    print(f"first `cargo painter stats` after a cold run (it links across crates): "
          f"{fr['median']:.2f}s ({fr['min']:.2f}-{fr['max']:.2f})")
    pc = results.get("per_crate")
    if pc:
        q = lambda d, f="{:.3f}": f"median {f.format(d['median'])}, p90 {f.format(d['p90'])}, max {f.format(d['max'])}"
        print(f"\nper crate (-j {pc['jobs']}, {pc['units_paired']} units): driver/rustc wall {q(pc['time_ratio'])};"
              f" sum {pc['sum_driver_s']:.1f}s / {pc['sum_rustc_s']:.1f}s = {pc['sum_ratio']:.3f}")
        print(f"  driver/rustc CPU {q(pc['cpu_ratio'])}; sum {pc['sum_cpu_ratio']:.3f}")
        if pc["time_ratio_crates_over_0.5s"]:
            print(f"  crates >= 0.5s: driver/rustc wall {q(pc['time_ratio_crates_over_0.5s'])}")
        print(f"  peak RSS driver/rustc {q(pc['rss_ratio'])}; largest {pc['peak_rss_mb']['driver']:.0f} MB"
              f" vs {pc['peak_rss_mb']['rustc']:.0f} MB")
        print(f"  analysis_ms per crate (s): {q(pc['analysis_s'], '{:.2f}')}; "
              f"{100 * pc['analysis_share_of_driver_time']:.1f}% of driver time")
        for s in pc["slowest"]:
            print(f"    {s['crate']:45} rustc {s['rustc_s']:.2f}s driver {s['driver_s']:.2f}s")
    for name, l in results.get("linker", {}).items():
        print(f"\nlinker, {name} ({l['crates']} crates, {l['functions']} functions, {l['input_mb']:.0f} MB):"
              f" parse {l['parse_s']:.2f}s, link {l['link_s']:.2f}s -> {l['link_throughput_vs_parse']:.2f} of parse"
              f" throughput (budget >= 0.5); peak RSS parse {l['parse_peak_rss_mb']:.0f} MB,"
              f" link {l['link_peak_rss_mb']:.0f} MB; write {l['write_s']:.2f}s")
    print(f"\nload average before/after: {results['load_before']} / {results['load_after']}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=5,
                    help="runs of each short phase (no-op, touched, edited) per command and round")
    ap.add_argument("--tree", default=os.path.join(REPO, "bench", "tree"))
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--per-crate-jobs", type=int, default=1, help="-j of the per-crate builds")
    ap.add_argument("--skip-per-crate", action="store_true")
    ap.add_argument("--synthetic-crates", type=int, default=500,
                    help="crates of 2000 functions for the linker's synthetic set (0: skip)")
    args = ap.parse_args()

    env = bench_env()
    cargo_painter, driver, bench_link = build_tools(dict(env))
    env["PAINTER_DRIVER"] = driver

    load_before = [round(x, 2) for x in os.getloadavg()]
    work = tempfile.mkdtemp(prefix="painter-bench-")
    project = os.path.join(work, "tree")
    shutil.copytree(args.tree, project, ignore=shutil.ignore_patterns("target"))
    subprocess.run(["cargo", "fetch", "--locked"], cwd=project, env=env, check=True)

    results = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "toolchain": toolchain(),
        "command": "python3 bench/overhead.py " + " ".join(sys.argv[1:]),
        "tree": os.path.relpath(args.tree, REPO),
        "rounds": args.rounds,
        "repeat": args.repeat,
        "phases": whole_builds(args, project, work, env, cargo_painter),
        "dispatch": dispatch(project, env, cargo_painter),
    }
    results["crates_analysed"] = sum(
        1 for _ in os.scandir(os.path.join(work, "target-cargo-painter", "painter", "crates")))
    if not args.skip_per_crate:
        results["per_crate"] = per_crate(args, project, work, env, cargo_painter, driver)
        results["linker"] = linker(args, work, bench_link)
    results["load_before"] = load_before
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print_table(results)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
        print(f"\nwrote {args.json}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
