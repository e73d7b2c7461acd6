#!/usr/bin/env python3
"""Score painter's call graph on the public rust-callgraph-benchmark (docs/callgraph-benchmark.md).

Takes the path of a checkout of https://github.com/ktrianta/rust-callgraph-benchmark (nothing of
it is copied into this repository), copies its packages into a scratch directory as one cargo
workspace, runs `cargo painter` there in both cfg configurations (`default`, and `foo` =
`--features foo`, the benchmark's only feature), and scores the linked graph the way the
benchmark's README counts calls: every call site the benchmark documents (a comment block whose
first line says `static|instance function|method call ...`, followed by the call) is one call,
of the category of its package; it is *resolved* when painter has an edge at that line to each
of its real targets.

The real targets of each documented call are in bench/public_callgraph_reference.json, in painter's naming (rustc's
`def_path_str`), written by hand from the benchmark's comments (which name the statically
known callee: the trait method for `dyn` and generic calls, the pointer type for fn-pointer
calls) and from what runs: the impls of the types really coerced to a `dyn` type or really
instantiated, the functions that really flow into a pointer. Each is `MODE callee`, MODE being
`exact` (an edge the types prove), `instance` (a target an instantiation of the generic caller
selects, `via: instantiation`) or `candidate` (a target of the call's candidate set); a target
found with another mode than written counts as found but is reported.

recall = found / expected; precision = found / (found + extra), extra = painter's edges at a
documented line that are no real target. Both per category and in total.

    cargo build -p cargo-painter -p painter-driver
    python3 bench/public_callgraph.py /path/to/rust-callgraph-benchmark [--json OUT]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The packages, as one workspace (paths under the checkout's `src/`), and each package's category.
PACKAGES = {
    "traits": "static dispatch",
    "structs": "static dispatch",
    "static_dispatch": "static dispatch",
    "dynamic_dispatch": "dynamic dispatch",
    "generics": "generic",
    "function_pointers": "function pointer",
    "conditionally_compiled": "conditionally compiled",
    "macros": "macro",
    "macros/macros-derive": "macro",
    "main": "function pointer",
}
CONFIGURATIONS = [("default", ""), ("foo", "--features foo")]
# The workspace's `main` enables the benchmark's feature through its own `foo` feature.
DOC_FIRST_LINE = re.compile(
    r"^\s*//\s*((static|instance)\s+(function|method)|function\s+pointer)\s+call\s*(\(.*\))?\s*$")

# The real targets of each documented call are in public_callgraph_reference.json, keyed by
# (file under `src/`, the call's line) at the benchmark's commit named there.


def load_reference():
    path = Path(__file__).with_name("public_callgraph_reference.json")
    data = json.loads(path.read_text())
    return {(e["file"], e["line"]): e for e in data["calls"]}


def make_workspace(checkout: Path, scratch: Path) -> Path:
    """The benchmark's packages under one workspace root (their own lock files dropped)."""
    ws = scratch / "rust-callgraph-benchmark"
    shutil.copytree(checkout / "src", ws, ignore=shutil.ignore_patterns("target", "Cargo.lock"))
    members = ", ".join(f'"{p}"' for p in PACKAGES)
    (ws / "Cargo.toml").write_text(f"[workspace]\nmembers = [{members}]\nresolver = \"2\"\n")
    return ws


def run_painter(ws: Path, cargo_painter: Path, driver: Path, without_instantiations: bool) -> dict:
    args = [str(cargo_painter), "painter"]
    for name, flags in CONFIGURATIONS:
        args += ["--configuration", f"{name}={flags}"]
    env = dict(os.environ, PAINTER_DRIVER=str(driver))
    for var in ("RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER", "CARGO_TARGET_DIR"):
        env.pop(var, None)
    # Only `main` has the `foo` feature; the configuration is given to the whole workspace, so
    # select the package that has it and let cargo unify the rest.
    subprocess.run(args + ["-p", "main"], cwd=ws, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    graph = ws / "graph.json"
    inputs = ws / "target/painter/graph"
    if without_instantiations:
        # The same per-crate files without the generic arguments the driver records: the
        # linker then has no instantiation, as before it had them (the baseline).
        inputs = ws / "no-args"
        inputs.mkdir()
        for f in sorted((ws / "target/painter/crates").glob("*.json")):
            data = json.loads(f.read_text())
            for call in data.get("calls", []):
                call.pop("args", None)
            for fn in data.get("functions", []):
                fn.pop("impl_args", None)
                fn.pop("impl_generics", None)
            (inputs / f.name).write_text(json.dumps(data))
    subprocess.run([str(cargo_painter), "painter", "link", "-o", str(graph), str(inputs)],
                   cwd=ws, env=env, check=True, stdout=subprocess.DEVNULL)
    return json.loads(graph.read_text())


def documented_calls(ws: Path):
    """(file under src/, line, category, the benchmark's comment lines) per documented call."""
    calls = []
    for package, category in PACKAGES.items():
        for path in sorted((ws / package / "src").rglob("*.rs")):
            lines = path.read_text().splitlines()
            rel = str(path.relative_to(ws))
            i = 0
            while i < len(lines):
                if DOC_FIRST_LINE.match(lines[i]):
                    block = []
                    j = i
                    while j < len(lines) and lines[j].strip().startswith("//"):
                        block.append(lines[j].strip()[2:].strip())
                        j += 1
                    # The call: the first line after the block with a call in it (a binding
                    # may come between, `let mut one = One;`).
                    while j < len(lines) and "(" not in lines[j]:
                        j += 1
                    if j < len(lines):
                        calls.append((rel, j + 1, category, block))
                    i = j
                else:
                    i += 1
    return calls


def site_of(file, line, reference):
    """Where painter reports a documented call: its line, or (a call in a derive macro's
    generated code) the `#[derive]` the reference names."""
    entry = reference.get((file, line))
    if entry and entry.get("site"):
        f, l = entry["site"].rsplit(":", 1)
        return (f, int(l))
    return (file, line)


def painter_edges(graph: dict, ws: Path):
    """{(file under src/, line): {(mode, callee_path)}} for every call of the workspace."""
    edges = defaultdict(set)
    sets = graph.get("candidate_sets", [])
    for krate in graph["crates"].values():
        manifest = krate["crate"].get("manifest_dir")
        if not manifest:
            continue
        try:
            package = Path(manifest).resolve().relative_to(ws.resolve())
        except ValueError:
            continue
        for call in krate["calls"]:
            span = call["span"]
            if span["file"].startswith("/"):
                continue
            site = (str(package / span["file"]), span["line"])
            if call.get("callee_path"):
                edges[site].add(("exact", call["callee_path"]))
            if call.get("candidates") is not None:
                for t in sets[call["candidates"]]["targets"]:
                    mode = "instance" if t.get("via") == "instantiation" else "candidate"
                    edges[site].add((mode, t["callee_path"]))
    return edges


def score(calls, edges, reference):
    rows = defaultdict(lambda: {"calls": 0, "resolved": 0, "expected": 0, "found": 0, "extra": 0})
    details = []
    for file, line, category, block in calls:
        row = rows[category]
        row["calls"] += 1
        entry = reference.get((file, line))
        got = edges.get(site_of(file, line, reference), set())
        targets = entry["targets"] if entry else None
        if targets is None:
            details.append(f"no reference for {file}:{line} ({block[1] if len(block) > 1 else ''}); painter: {sorted(got)}")
            continue
        want = [tuple(t.split(" ", 1)) for t in targets]
        found_all = True
        matched = set()
        for mode, callee in want:
            row["expected"] += 1
            hit = [(m, c) for (m, c) in got if c == callee]
            if hit:
                row["found"] += 1
                matched.update(hit)
                if (mode, callee) not in hit:
                    details.append(f"{file}:{line}: {callee} found as {hit[0][0]}, written {mode}")
            else:
                found_all = False
                details.append(f"missing {file}:{line}: {mode} {callee}")
        for m, c in sorted(got - matched):
            row["extra"] += 1
            details.append(f"extra   {file}:{line}: {m} {c}")
        if found_all:
            row["resolved"] += 1
    return rows, details


def table(rows):
    out = ["| category | calls | resolved | expected edges | found | extra | resolved recall | precision |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]
    total = {"calls": 0, "resolved": 0, "expected": 0, "found": 0, "extra": 0}
    for category in sorted(rows):
        r = rows[category]
        for k in total:
            total[k] += r[k]
        out.append(line(category, r))
    out.append(line("total", total))
    return "\n".join(out)


def line(name, r):
    recall = 100.0 * r["resolved"] / r["calls"] if r["calls"] else 100.0
    denominator = r["found"] + r["extra"]
    precision = 100.0 * r["found"] / denominator if denominator else 100.0
    return (f"| {name} | {r['calls']} | {r['resolved']} | {r['expected']} | {r['found']} | "
            f"{r['extra']} | {recall:.1f}% | {precision:.1f}% |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("checkout", type=Path, help="a checkout of rust-callgraph-benchmark")
    ap.add_argument("--cargo-painter", type=Path, default=REPO / "target/debug/cargo-painter")
    ap.add_argument("--driver", type=Path, default=REPO / "target/debug/painter-driver")
    ap.add_argument("--json", type=Path, help="write the scores and details here")
    ap.add_argument("--dump", action="store_true",
                    help="print painter's edges at every documented call (to review the reference)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch workspace")
    ap.add_argument("--without-instantiations", action="store_true",
                    help="link the per-crate files without their generic arguments (the baseline)")
    a = ap.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="painter-public-bench-"))
    try:
        ws = make_workspace(a.checkout.resolve(), scratch)
        graph = run_painter(ws, a.cargo_painter.resolve(), a.driver.resolve(),
                            a.without_instantiations)
        calls = documented_calls(ws)
        edges = painter_edges(graph, ws)
        reference = load_reference()
        if a.dump:
            for file, line_no, category, block in calls:
                print(f"{file}:{line_no} [{category}] {' / '.join(block[:2])}")
                for m, c in sorted(edges.get(site_of(file, line_no, reference), set())):
                    print(f"    {m} {c}")
            return
        rows, details = score(calls, edges, reference)
        print(table(rows))
        print("\n".join(details))
        if a.json:
            a.json.write_text(json.dumps({"rows": rows, "details": details}, indent=1))
    finally:
        if a.keep:
            print(f"workspace kept in {scratch}", file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
