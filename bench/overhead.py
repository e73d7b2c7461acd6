#!/usr/bin/env python3
"""Overhead of `cargo painter` against plain `cargo check` on a real dependency tree.

Both run with the pinned toolchain, on a copy of `bench/tree` (Cargo.lock committed), with their
own fresh target directories, alternating order round by round so that drift on the machine
hits both. Per round it measures:

- cold: a fresh target dir;
- no-op: the same command again with nothing changed;
- touched: one source file of the project touched, then the command again.

It prints a table of medians, spread and ratios and writes it as JSON (`--json`). Dependencies
are fetched first so the network is never measured. Run from anywhere:

    python3 bench/overhead.py --rounds 3 [--json bench/results.json]
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def toolchain():
    with open(os.path.join(REPO, "rust-toolchain.toml")) as f:
        for line in f:
            if line.strip().startswith("channel"):
                return line.split("=", 1)[1].strip().strip('"')
    sys.exit("no channel in rust-toolchain.toml")


def run(cmd, cwd, env, quiet=True):
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def build_tools(env):
    subprocess.run(
        ["cargo", "build", "--release", "--locked", "-p", "painter-driver", "-p", "cargo-painter"],
        cwd=REPO, env=env, check=True,
    )
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    return os.path.join(target, "release", "cargo-painter"), os.path.join(target, "release", "painter-driver")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--tree", default=os.path.join(REPO, "bench", "tree"))
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()

    env = dict(os.environ)
    for var in ("RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER", "CARGO_TARGET_DIR", "RUSTFLAGS"):
        env.pop(var, None)
    env["RUSTUP_TOOLCHAIN"] = toolchain()
    env["CARGO_TERM_COLOR"] = "never"
    cargo_painter, driver = build_tools(dict(env, RUSTUP_TOOLCHAIN=toolchain()))
    env["PAINTER_DRIVER"] = driver

    work = tempfile.mkdtemp(prefix="painter-bench-")
    project = os.path.join(work, "tree")
    shutil.copytree(args.tree, project, ignore=shutil.ignore_patterns("target"))
    subprocess.run(["cargo", "fetch", "--locked"], cwd=project, env=env, check=True)
    touched = os.path.join(project, "src", "main.rs")

    commands = {
        "cargo check": lambda t: ["cargo", "check", "--locked", "--target-dir", t],
        # cargo painter builds in <target-dir>/painter.
        "cargo painter": lambda t: [cargo_painter, "painter", "--locked", "--target-dir", t],
    }
    times = {name: {"cold": [], "noop": [], "touched": []} for name in commands}
    for round_ in range(args.rounds):
        order = list(commands) if round_ % 2 == 0 else list(reversed(commands))
        for name in order:
            target = os.path.join(work, "target-" + name.replace(" ", "-"))
            shutil.rmtree(target, ignore_errors=True)
            cmd = commands[name](target)
            times[name]["cold"].append(run(cmd, project, env))
            times[name]["noop"].append(run(cmd, project, env))
            os.utime(touched)
            times[name]["touched"].append(run(cmd, project, env))
            print(f"round {round_ + 1} {name}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in times[name].items()), flush=True)

    units = sum(1 for _ in os.scandir(os.path.join(work, "target-cargo-painter", "painter", "crates")))
    results = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "toolchain": toolchain(),
        "tree": os.path.relpath(args.tree, REPO),
        "crates_analysed": units,
        "rounds": args.rounds,
        "phases": {},
    }
    print(f"\n{units} crates analysed; {args.rounds} rounds; medians (min-max)")
    print(f"{'phase':10} {'cargo check':>22} {'cargo painter':>22} {'ratio':>8}  per-round ratios")
    for phase in ("cold", "noop", "touched"):
        check, painter = times["cargo check"][phase], times["cargo painter"][phase]
        ratios = [p / c for p, c in zip(painter, check)]
        med = statistics.median(painter) / statistics.median(check)
        fmt = lambda xs: f"{statistics.median(xs):.2f}s ({min(xs):.2f}-{max(xs):.2f})"
        print(f"{phase:10} {fmt(check):>22} {fmt(painter):>22} {med:>7.3f}x  " + " ".join(f"{r:.3f}" for r in ratios))
        results["phases"][phase] = {"cargo_check_s": check, "cargo_painter_s": painter, "median_ratio": med, "round_ratios": ratios}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
        print(f"\nwrote {args.json}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
