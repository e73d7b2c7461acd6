#!/usr/bin/env python3
"""Compare two builds of cargo painter, alternating them so that the machine's drift hits both.

    python3 bench/ab.py link OLD_RELEASE_DIR NEW_RELEASE_DIR INPUT_DIR [--runs 21] [--threads 2]
    python3 bench/ab.py cold OLD_RELEASE_DIR NEW_RELEASE_DIR [--tree bench/small-tree] [--runs 6]

A release directory is a target's `release/` of each build (`cargo build --release -p
painter-driver -p cargo-painter`, and `--example bench_link -p painter-linker` for `link`).
`link` runs `examples/bench_link INPUT_DIR --json` of each build and compares the link time
(load, merge, resolve, candidates); `cold` runs `cargo-painter painter` on a copy of the tree
with an empty target directory and compares wall and CPU time (docs/callgraph-benchmark.md,
"Instantiation costs", has both). Medians, and new / old.
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time


def link_run(release, input_dir, threads):
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads), RUST_LOG="off", RUST_BACKTRACE="0")
    out = subprocess.run([os.path.join(release, "examples", "bench_link"), input_dir, "--json"],
                         env=env, capture_output=True, text=True, check=True).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    return {"link_s": figures["link_s"], "parse_s": figures["parse_s"]}


def cold_run(release, tree):
    shutil.rmtree(os.path.join(tree, "target"), ignore_errors=True)
    env = dict(os.environ, PATH=release + os.pathsep + os.environ["PATH"])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run([os.path.join(release, "cargo-painter"), "painter"], cwd=tree, env=env,
                   check=True, capture_output=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["link", "cold"])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("input", nargs="?", help="link: a directory of per-crate files")
    parser.add_argument("--runs", type=int)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--tree", default=os.path.join(os.path.dirname(__file__), "small-tree"))
    args = parser.parse_args()
    builds = {"old": os.path.abspath(args.old), "new": os.path.abspath(args.new)}
    if args.mode == "link":
        if not args.input:
            parser.error("link needs INPUT_DIR")
        runs = args.runs or 21
        run = lambda release: link_run(release, args.input, args.threads)
    else:
        runs = args.runs or 6
        work = tempfile.mkdtemp(prefix="painter-ab-")
        tree = os.path.join(work, "tree")
        shutil.copytree(args.tree, tree, ignore=shutil.ignore_patterns("target"))
        run = lambda release: cold_run(release, tree)
    results = {name: [] for name in builds}
    for i in range(runs):
        order = list(builds) if i % 2 == 0 else list(reversed(builds))
        for name in order:
            figures = run(builds[name])
            results[name].append(figures)
            print(name, " ".join(f"{k} {v:.3f}" for k, v in figures.items()), flush=True)
    for key in results["old"][0]:
        old = statistics.median(r[key] for r in results["old"])
        new = statistics.median(r[key] for r in results["new"])
        print(f"{key}: old median {old:.3f}, new median {new:.3f}, new / old {new / old:.3f}")


if __name__ == "__main__":
    main()
