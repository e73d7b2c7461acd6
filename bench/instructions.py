#!/usr/bin/env python3
"""The driver's cost inside rustc, in instructions: exact, and unaffected by the machine's load.

Wall-clock ratios of whole builds (`bench/overhead.py`) vary by +-15 % from round to round on a
shared 2-core machine, more than a change to the driver moves them. This counts instructions
instead, with valgrind's callgrind, for single compilations of real units:

1. Builds the release binaries (as `bench/overhead.py` does) and copies the tree.
2. Runs `cargo painter` on it with this script as `PAINTER_DRIVER`: every compiler invocation
   is recorded (arguments, cargo's environment, working directory) and handed to the real
   painter-driver, so the build is an ordinary one and leaves every unit's inputs in place.
3. For each chosen unit, runs its exact command line under `valgrind --tool=callgrind` twice,
   with rustc and with painter-driver (a copy with debug info stripped: valgrind cannot read
   its DWARF 5), the two side by side.
4. Prints the instructions of each and their ratio; `--json` writes them.

    python3 bench/instructions.py [--tree bench/small-tree] [--units serde_core,memchr] [--json FILE]
        [--keep DIR]

Needs `valgrind` (Debian: `apt-get install valgrind`). About 3 minutes for the default units.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from overhead import REPO, bench_env, build_tools, toolchain

# What the driver reads from cargo's environment, or the compiled code does (`env!`).
ENV_PREFIXES = ("CARGO", "OUT_DIR", "PAINTER_", "RUSTUP_", "DEP_")


def capture():
    """As PAINTER_DRIVER: record the invocation, then become the real driver."""
    argv = sys.argv[1:]
    if "--crate-name" in argv and "-" not in argv:
        record = {
            "crate": argv[argv.index("--crate-name") + 1],
            "argv": argv,
            "cwd": os.getcwd(),
            "env": {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIXES)},
        }
        fd = os.open(os.environ["BENCH_CAPTURE"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (json.dumps(record) + "\n").encode())
        finally:
            os.close(fd)
    driver = os.environ["BENCH_INNER_DRIVER"]
    os.execv(driver, [driver] + argv)


def instructions(program, record, out_file):
    """Instructions of one compilation of `record` by `program` (rustc or the driver)."""
    argv = record["argv"]
    # Cargo runs the driver as `painter-driver <rustc> ARGS…`; rustc itself as `<rustc> ARGS…`.
    cmd = [argv[0]] + argv[1:] if program is None else [program] + argv
    # Units that generate code (a build dependency's rlib) write objects named by the crate:
    # rustc and the driver, run side by side, each get an output directory of their own.
    if "--out-dir" in cmd:
        at = cmd.index("--out-dir") + 1
        cmd[at] = out_file + ".out"
        os.makedirs(cmd[at], exist_ok=True)
    # A workspace member is compiled incrementally: each side gets its own, empty cache, or the
    # second run would reuse the first's work (the driver measured 0.83x rustc that way).
    cmd = [f"incremental={out_file}.incr" if a.startswith("incremental=") else a for a in cmd]
    env = dict(os.environ)
    env.update(record["env"])
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}"] + cmd,
        cwd=record["cwd"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    collected = re.search(r"Collected : (\d+)", proc.stderr)
    if proc.returncode != 0 or not collected:
        sys.exit(f"failed under callgrind: {' '.join(cmd[:4])} …\n{proc.stderr[-3000:]}")
    return int(collected.group(1))


def main():
    if os.environ.get("BENCH_CAPTURE") and os.environ.get("BENCH_INNER_DRIVER"):
        return capture()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tree", default=os.path.join(REPO, "bench", "small-tree"))
    ap.add_argument("--units", default="serde_core,memchr",
                    help="crate names (comma-separated; the first compilation of each), or `all`")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--keep", metavar="DIR",
                    help="copy the callgrind files here (`callgrind_annotate DIR/<crate>.driver` "
                         "shows where the instructions go)")
    args = ap.parse_args()
    for tool in ("valgrind", "strip"):
        if not shutil.which(tool):
            sys.exit(f"error: `{tool}` is not installed (Debian: apt-get install {tool.replace('strip', 'binutils')})")

    env = bench_env()
    cargo_painter, driver, _ = build_tools(dict(env))

    work = tempfile.mkdtemp(prefix="painter-instructions-")
    project = os.path.join(work, "tree")
    shutil.copytree(args.tree, project, ignore=shutil.ignore_patterns("target"))
    subprocess.run(["cargo", "fetch", "--locked"], cwd=project, env=env, check=True)
    log = os.path.join(work, "invocations.jsonl")
    build_env = dict(env, PAINTER_DRIVER=os.path.abspath(__file__), BENCH_CAPTURE=log,
                     BENCH_INNER_DRIVER=driver)
    subprocess.run([cargo_painter, "painter", "--locked"], cwd=project, env=build_env, check=True,
                   stdout=subprocess.DEVNULL)
    with open(log) as f:
        records = [json.loads(line) for line in f]
    wanted = [r["crate"] for r in records] if args.units == "all" else args.units.split(",")
    chosen = []
    for name in dict.fromkeys(wanted):
        record = next((r for r in records if r["crate"] == name), None)
        if record is None:
            sys.exit(f"error: no compilation of a crate named `{name}` in {args.tree}")
        chosen.append(record)

    stripped = os.path.join(work, "painter-driver")
    shutil.copy2(driver, stripped)
    subprocess.run(["strip", "--strip-debug", stripped], check=True)

    rows = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        for i, record in enumerate(chosen):
            # Cargo's argv[0] for the driver is rustc's path: the driver gets it as its first
            # argument, as when cargo runs it.
            plain = pool.submit(instructions, None, record, os.path.join(work, f"cg.{i}.rustc"))
            ours = pool.submit(instructions, stripped, record, os.path.join(work, f"cg.{i}.driver"))
            row = {"crate": record["crate"], "rustc": plain.result(), "driver": ours.result()}
            row["ratio"] = row["driver"] / row["rustc"]
            rows.append(row)
            if args.keep:
                os.makedirs(args.keep, exist_ok=True)
                for side in ("rustc", "driver"):
                    shutil.copy2(os.path.join(work, f"cg.{i}.{side}"),
                                 os.path.join(args.keep, f"{record['crate']}.{side}"))
            print(f"{row['crate']:<24} rustc {row['rustc'] / 1e6:>10.1f} M   painter-driver "
                  f"{row['driver'] / 1e6:>10.1f} M   {row['ratio']:.4f}x", flush=True)
    total_rustc = sum(r["rustc"] for r in rows)
    total_driver = sum(r["driver"] for r in rows)
    print(f"{'total':<24} rustc {total_rustc / 1e6:>10.1f} M   painter-driver "
          f"{total_driver / 1e6:>10.1f} M   {total_driver / total_rustc:.4f}x")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({
                "date": time.strftime("%Y-%m-%d"),
                "toolchain": toolchain(),
                "command": "python3 bench/instructions.py " + " ".join(sys.argv[1:]),
                "tree": os.path.relpath(os.path.abspath(args.tree), REPO),
                "units": rows,
                "ratio": total_driver / total_rustc,
            }, f, indent=2)
        print(f"wrote {args.json}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
