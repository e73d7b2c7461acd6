#!/usr/bin/env python3
"""Throughput of `cargo painter ecosystem` against plain `cargo check` of the same crates.

1. Builds the release binaries.
2. `cargo painter ecosystem --fetch-only`: resolves and downloads every crate of the list into
   one private CARGO_HOME (so neither measured run touches the network), and leaves one
   throwaway workspace with its Cargo.lock per crate.
3. Plain: for every fetched crate, `cargo check -p NAME@VERSION --lib --offline --locked` in a
   copy of its throwaway workspace, with the same number of parallel workers as the ecosystem
   run, each worker with its own target directory reused across its crates and taking the
   crates in the runner's order (its own part of the list, then others'): no driver, no
   sandbox, no pool of units shared between workers, no linking, no report.
4. Ecosystem: `cargo painter ecosystem --offline --jobs N` in a fresh output directory holding
   the fetched workspaces (as after `--fetch-only` on the same machine): the whole run
   (sandboxed builds through the driver, caching, linking of all units into graph.json, report).

Rounds alternate the order (plain first, then ecosystem first, ...), each with fresh target and
output directories, so that load from other work on the machine hits both. (CPU time cannot
stand in for wall time: bubblewrap does not wait for its PID namespace's processes, so their
CPU time never reaches this script.) Prints the medians and their ratio (target: <= 1.1x, issue 14) and
writes everything, with the load average, as JSON (`--json`).

    python3 bench/ecosystem.py --list ecosystem/popular-100.txt --jobs 2 --rounds 2 --json bench/ecosystem.json
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
import tomllib

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def toolchain():
    with open(os.path.join(REPO, "rust-toolchain.toml")) as f:
        for line in f:
            if line.strip().startswith("channel"):
                return line.split("=", 1)[1].strip().strip('"')
    sys.exit("no channel in rust-toolchain.toml")


def build_tools(env):
    subprocess.run(
        ["cargo", "build", "--release", "--locked", "-p", "painter-driver", "-p", "cargo-painter"],
        cwd=REPO, env=env, check=True,
    )
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    return os.path.join(target, "release", "cargo-painter"), os.path.join(target, "release", "painter-driver")


def list_order(path):
    """Position of each entry's slug (`name` or `name@version`, see list.rs) in the list file."""
    order = {}
    with open(path) as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if words:
                order.setdefault(words[0], len(order))
    return order


def fetched_crates(entries_dir, order):
    """(workspace dir, name@version) of every entry the fetch phase resolved, in list order."""
    crates = []
    slugs = sorted(os.listdir(entries_dir), key=lambda s: (order.get(s.split("+")[0], len(order)), s))
    for slug in slugs:
        ws = os.path.join(entries_dir, slug, "ws")
        lock = os.path.join(ws, "Cargo.lock")
        if not os.path.exists(lock):
            continue
        with open(os.path.join(ws, "Cargo.toml"), "rb") as f:
            deps = tomllib.load(f)["dependencies"]
        name = next(iter(deps))
        with open(lock, "rb") as f:
            packages = tomllib.load(f)["package"]
        root = next(p for p in packages if p["name"] == "painter-ecosystem-root")
        # The lock names a dependency `name` or, when several versions are locked, `name version`.
        dep = next(d for d in root.get("dependencies", []) if d.split(" ")[0] == name)
        if " " in dep:
            version = dep.split(" ")[1]
        else:
            version = next(p["version"] for p in packages if p["name"] == name)
        crates.append((ws, f"{name}@{version}"))
    return crates


class Schedule:
    """The runner's order (cargo-subcommand/src/ecosystem/schedule.rs): worker w takes its own
    contiguous part of the list in order, then the far end of the longest part left."""

    def __init__(self, n, workers):
        self.parts = [[n * w // workers, n * (w + 1) // workers] for w in range(workers)]
        self.lock = threading.Lock()

    def next(self, worker):
        with self.lock:
            own = self.parts[worker]
            if own[0] < own[1]:
                own[0] += 1
                return own[0] - 1
            longest = max(self.parts, key=lambda p: p[1] - p[0])
            if longest[0] < longest[1]:
                longest[1] -= 1
                return longest[1]
            return None


def plain_check(crates, work, jobs, env):
    """Wall time of `cargo check` of every crate, `jobs` at a time in the runner's order;
    failures are counted."""
    schedule = Schedule(len(crates), jobs)
    failed = []

    def worker(slot):
        target = os.path.join(work, "target", f"slot-{slot}")
        while True:
            index = schedule.next(slot)
            if index is None:
                return
            ws, spec = crates[index]
            copy = os.path.join(work, "entries", spec)
            shutil.copytree(ws, copy)
            proc = subprocess.run(
                ["cargo", "check", "-p", spec, "--lib", "--offline", "--locked", "--target-dir", target],
                cwd=copy, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            )
            if proc.returncode != 0:
                failed.append(spec)

    start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, failed


def compilations(logs):
    """What cargo compiled in the ecosystem run, from its stderr in the entries' logs: every
    `Compiling`/`Checking` line is a package compiled (and analysed) by a build; one compiled
    more often than its distinct versions is one that several workers' target directories each
    had to build."""
    total = 0
    packages = set()
    for name in os.listdir(logs):
        with open(os.path.join(logs, name), errors="replace") as f:
            for line in f:
                words = line.split()
                if words[:1] in (["Compiling"], ["Checking"]) and len(words) >= 3:
                    total += 1
                    packages.add(tuple(words[1:3]))
    return {"total": total, "package_versions": len(packages)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--list", default=os.path.join(REPO, "ecosystem", "popular-100.txt"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--work", default=os.path.join(REPO, "target", "bench-ecosystem"),
                    help="scratch directory (emptied first)")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--no-sandbox", action="store_true", help="pass --no-sandbox to the ecosystem run")
    args = ap.parse_args()

    env = dict(os.environ)
    for var in ("RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER", "CARGO_TARGET_DIR", "RUSTFLAGS"):
        env.pop(var, None)
    env["RUSTUP_TOOLCHAIN"] = toolchain()
    env["CARGO_TERM_COLOR"] = "never"
    cargo_painter, driver = build_tools(env)
    env["PAINTER_DRIVER"] = driver

    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    home = os.path.join(args.work, "cargo-home")
    eco = [cargo_painter, "painter", "ecosystem", "--crates", os.path.abspath(args.list),
           "--jobs", str(args.jobs), "--cargo-home", home]
    if args.no_sandbox:
        eco.append("--no-sandbox")
    fetch_out = os.path.join(args.work, "fetch")
    subprocess.run(eco + ["--out", fetch_out, "--fetch-only"], env=env, check=True)
    crates = fetched_crates(os.path.join(fetch_out, "work", "entries"), list_order(args.list))
    print(f"{len(crates)} crates fetched", flush=True)

    plain_env = dict(env, CARGO_HOME=home)
    times = {"plain": [], "painter": []}
    report, units, plain_failed, compiled = None, 0, [], {}
    for round_ in range(args.rounds):
        order = ["plain", "painter"] if round_ % 2 == 0 else ["painter", "plain"]
        for name in order:
            if name == "plain":
                work = os.path.join(args.work, f"plain-{round_}")
                wall, plain_failed = plain_check(crates, work, args.jobs, plain_env)
            else:
                out = os.path.join(args.work, f"painter-{round_}")
                shutil.copytree(os.path.join(fetch_out, "work", "entries"), os.path.join(out, "work", "entries"))
                start = time.perf_counter()
                subprocess.run(eco + ["--out", out, "--offline"], env=env, check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                wall = time.perf_counter() - start
                with open(os.path.join(out, "report.json")) as f:
                    report = json.load(f)
                units = len(os.listdir(os.path.join(out, "crates")))
                compiled = compilations(os.path.join(out, "logs"))
            times[name].append(wall)
            print(f"round {round_ + 1} {name}: {wall:.1f}s (load average {os.getloadavg()[0]:.1f})", flush=True)
            shutil.rmtree(os.path.join(args.work, f"plain-{round_}", "target"), ignore_errors=True)

    med = {n: statistics.median(t) for n, t in times.items()}
    ratio = med["painter"] / med["plain"]
    round_ratios = [p / c for p, c in zip(times["painter"], times["plain"])]
    print(f"plain cargo check:       {med['plain']:.1f}s median"
          f" ({len(plain_failed)} failed: {' '.join(plain_failed)})")
    print(f"cargo painter ecosystem: {med['painter']:.1f}s median"
          f" ({report['entries_by_status']}, {units} units analysed)")
    print(f"packages compiled by the ecosystem run's builds: {compiled.get('total', 0)} times for"
          f" {compiled.get('package_versions', 0)} distinct package versions ({units} units analysed)")
    print(f"ratio: {ratio:.3f}x (per round: {' '.join(f'{r:.3f}' for r in round_ratios)}; target <= 1.1x)")
    results = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average_at_end": os.getloadavg(),
        "toolchain": toolchain(),
        "list": os.path.relpath(os.path.abspath(args.list), REPO),
        "jobs": args.jobs,
        "rounds": args.rounds,
        "sandbox": not args.no_sandbox,
        "crates_fetched": len(crates),
        "plain_failed": plain_failed,
        "times_s": times,
        "median_ratio": round(ratio, 4),
        "round_ratios": [round(r, 4) for r in round_ratios],
        "entries_by_status": report["entries_by_status"],
        "units_analysed": units,
        "units_compiled": compiled,
    }
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
            f.write("\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
