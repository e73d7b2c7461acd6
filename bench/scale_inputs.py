#!/usr/bin/env python3
"""The measured inputs of docs/scale.md, from one finished `cargo painter ecosystem` run.

Reads DIR/results/*.json (status, timings, units of every entry), DIR/crates/ (the distinct
units analysed), DIR/graph/ (the dataset: rows and bytes of every table, with pyarrow) and,
when given, the wall time of the run and the number of cores it had. Prints what docs/scale.md
extrapolates from, and writes it as JSON (`--json`):

- entries by status, and why the failed ones failed (first error line);
- sharing: units per entry (sum over entries of the units their build used) against distinct
  units analysed (the shared cache), i.e. how many entries one unit serves;
- time: per-entry build wall time (median, p90, max) and the driver's analysis time, and with
  `--wall-s` and `--cores` the machine time per distinct unit;
- the dataset: rows, bytes and bytes per row of every table, per distinct unit.

    python3 bench/scale_inputs.py target/bench-ecosystem/painter-0 --wall-s 1234 --cores 2 \\
        --json bench/top-crates.json
"""
import argparse
import collections
import json
import os
import statistics
import sys


def results(out):
    rows = []
    for name in sorted(os.listdir(os.path.join(out, "results"))):
        with open(os.path.join(out, "results", name)) as f:
            rows.append(json.load(f))
    return rows


def quantile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0


def marginal(entries, list_file):
    """Units an entry adds that no entry before it in the list used, averaged per quarter of
    the list: how fast the shared dependencies stop being new (the last quarter is the rate a
    longer list would continue at)."""
    order = []
    with open(list_file) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                order.append(line.split()[0])
    by_entry = {r["entry"]: r for r in entries}
    ordered = [by_entry[e] for e in order if e in by_entry]
    seen, new = set(), []
    for r in ordered:
        units = set(r.get("units", []))
        new.append(len(units - seen))
        seen |= units
    quarter = max(1, len(new) // 4)
    return [round(statistics.mean(new[i:i + quarter]), 2) for i in range(0, len(new), quarter)][:4]


def dataset(graph):
    import pyarrow.parquet as pq

    tables = {}
    for table in sorted(os.listdir(graph)):
        path = os.path.join(graph, table)
        if not os.path.isdir(path):
            continue
        rows = size = files = 0
        for name in os.listdir(path):
            if name.endswith(".parquet"):
                file = os.path.join(path, name)
                rows += pq.ParquetFile(file).metadata.num_rows
                size += os.path.getsize(file)
                files += 1
        tables[table] = {"files": files, "rows": rows, "bytes": size}
    return tables


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="the ecosystem run's output directory")
    ap.add_argument("--wall-s", type=float, help="wall time of the whole run, in seconds")
    ap.add_argument("--cores", type=int, help="cores of the machine the run had")
    ap.add_argument("--list", help="the run's list: the new units per entry in list order")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()

    entries = results(args.out)
    by_status = collections.Counter(r["status"] for r in entries)
    failures = {r["entry"]: (r.get("failed_package"), (r.get("error") or "").splitlines()[0][:200])
                for r in entries if r["status"] != "ok"}
    distinct = len([n for n in os.listdir(os.path.join(args.out, "crates")) if n.endswith(".json")])
    used = sum(len(r.get("units", [])) for r in entries)
    build_s = [r["timings"].get("build_ms", 0) / 1000 for r in entries if r["status"] == "ok"]
    analysis_s = sum(r["timings"].get("analysis_ms", 0) for r in entries) / 1000
    tables = dataset(os.path.join(args.out, "graph"))

    figures = {
        "entries": len(entries),
        "entries_by_status": dict(by_status),
        "failures": failures,
        "distinct_units": distinct,
        "units_used_by_entries": used,
        "entries_per_unit": round(used / distinct, 3) if distinct else 0,
        "build_s": {
            "sum": round(sum(build_s), 1),
            "median": round(statistics.median(build_s), 2) if build_s else 0,
            "p90": round(quantile(build_s, 0.9), 2),
            "max": round(max(build_s, default=0), 2),
        },
        "driver_analysis_s": round(analysis_s, 1),
        "dataset": tables,
        "dataset_bytes": sum(t["bytes"] for t in tables.values()),
    }
    if args.list:
        figures["new_units_per_entry_by_quarter"] = marginal(entries, args.list)
    if args.wall_s and args.cores:
        figures["wall_s"] = args.wall_s
        figures["cores"] = args.cores
        figures["core_s_per_distinct_unit"] = round(args.wall_s * args.cores / distinct, 3)
        figures["core_s_per_entry"] = round(args.wall_s * args.cores / len(entries), 3)

    print(f"{len(entries)} entries: {dict(by_status)}")
    for entry, (package, error) in sorted(failures.items()):
        print(f"  {entry}: {package or '-'}: {error}")
    print(f"{distinct} distinct units; entries used {used} units: {figures['entries_per_unit']} entries per unit")
    print(f"build wall per ok entry: {figures['build_s']}; driver analysis {analysis_s:.1f} s in all")
    if "new_units_per_entry_by_quarter" in figures:
        print(f"new units per entry, by quarter of the list: {figures['new_units_per_entry_by_quarter']}")
    if "core_s_per_distinct_unit" in figures:
        print(f"{figures['core_s_per_distinct_unit']} core-seconds per distinct unit,"
              f" {figures['core_s_per_entry']} per entry")
    print(f"{'table':<22} {'files':>7} {'rows':>12} {'bytes':>14} {'B/row':>7} {'rows/unit':>10}")
    for name, t in tables.items():
        per_row = t["bytes"] / t["rows"] if t["rows"] else 0
        print(f"{name:<22} {t['files']:>7} {t['rows']:>12} {t['bytes']:>14} {per_row:>7.1f}"
              f" {t['rows'] / distinct if distinct else 0:>10.1f}")
    print(f"dataset: {figures['dataset_bytes']} bytes, {figures['dataset_bytes'] / max(distinct, 1):.0f} per unit")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=2, sort_keys=True)
            f.write("\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    sys.exit(main())
