#!/usr/bin/env python3
"""Measure `cargo painter audit` against version-only matching (docs/audit.md).

Each project is a published crate at an old version, analysed as the workspace (its own
functions are the roots), with some dependencies pinned to versions that RustSec advisories
affect. For every advisory matched by version (what `cargo audit` reports), the audit's
verdict for it (the strongest over its functions) says whether the alert is confirmed
(`reachable`), downgraded (`reachable_through_candidates`), dismissed (`not_reachable`,
`not_in_build`, `not_applicable`) or unchanged (`no_function_data`).

usage: bench/audit/measure.py --db ADVISORY_DB [--work DIR] [--out results.json] [--only CRATE...]
(cargo-painter and painter-driver from target/debug, or CARGO_PAINTER / PAINTER_DRIVER)
"""

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys

# (crate, version, {dependency: version to pin})
PROJECTS = [
    ("parking_lot", "0.11.0", {"lock_api": "0.4.1", "parking_lot_core": "0.8.0", "smallvec": "1.4.0"}),
    ("rand", "0.8.3", {"rand_core": "0.6.1"}),
    ("futures-executor", "0.3.5", {
        "futures-util": "0.3.5", "futures-task": "0.3.5", "futures-core": "0.3.5",
        "futures-channel": "0.3.5", "futures-io": "0.3.5", "futures-sink": "0.3.5",
        "futures-macro": "0.3.5"}),
    ("chrono", "0.4.19", {"time": "0.1.43"}),
    ("tokio-util", "0.6.7", {"tokio-stream": "0.1.7", "tokio": "1.8.0"}),
    ("rand_xorshift", "0.3.0", {"rand_core": "0.6.1"}),
    ("rand_isaac", "0.3.0", {"rand_core": "0.6.1"}),
    ("rand_hc", "0.3.0", {"rand_core": "0.6.1"}),
    ("syslog", "4.0.1", {"time": "0.1.42"}),
    ("rand_pcg", "0.3.0", {"rand_core": "0.6.1"}),
    ("proptest", "1.0.0", {"rand_core": "0.6.1"}),
    ("futures-util", "0.3.31", {"slab": "0.4.10"}),
]

CONFIRMED = {"reachable"}
DOWNGRADED = {"reachable_through_candidates"}
DISMISSED = {"not_reachable", "not_in_build", "not_applicable"}


def run(cmd, cwd, env=None, check=True):
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if check and out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed in {cwd}:\n{out.stderr[-3000:]}")
    return out


def fetch_source(name, version, work):
    """The crate's published sources, as a workspace of their own."""
    helper = os.path.join(work, "_fetch", f"{name}-{version}")
    os.makedirs(os.path.join(helper, "src"), exist_ok=True)
    with open(os.path.join(helper, "Cargo.toml"), "w") as f:
        f.write(f'[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n\n'
                f'[dependencies]\n{name} = "={version}"\n\n[workspace]\n')
    open(os.path.join(helper, "src/lib.rs"), "w").close()
    run(["cargo", "fetch"], helper)
    home = os.environ.get("CARGO_HOME") or os.path.expanduser("~/.cargo")
    [src] = glob.glob(os.path.join(home, f"registry/src/*/{name}-{version}"))[:1]
    dest = os.path.join(work, f"{name}-{version}")
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(src, dest)
    for lock in ("Cargo.lock",):
        if os.path.exists(os.path.join(dest, lock)):
            os.remove(os.path.join(dest, lock))
    manifest = os.path.join(dest, "Cargo.toml")
    text = open(manifest).read()
    if "\n[workspace]" not in text:
        with open(manifest, "a") as f:
            f.write("\n[workspace]\n")
    return dest


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--work", default="/tmp/painter-audit-measure")
    ap.add_argument("--out", default="-")
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    painter = os.environ.get("CARGO_PAINTER", os.path.join(repo, "target/debug/cargo-painter"))
    env = dict(os.environ)
    env.setdefault("PAINTER_DRIVER", os.path.join(repo, "target/debug/painter-driver"))
    os.makedirs(args.work, exist_ok=True)
    results = []
    for name, version, pins in PROJECTS:
        if args.only and name not in args.only:
            continue
        print(f"== {name} {version}", file=sys.stderr)
        dir = fetch_source(name, version, args.work)
        run(["cargo", "generate-lockfile"], dir)
        for dep, v in pins.items():
            # `--precise` also takes yanked versions (slab 0.4.10).
            out = run(["cargo", "update", "-p", dep, "--precise", v], dir, check=False)
            if out.returncode != 0:
                print(f"cannot pin {dep} {v}: {out.stderr.strip().splitlines()[-1:]}",
                      file=sys.stderr)
        report_file = os.path.join(dir, "audit.json")
        # Old crates `#![deny(...)]` lints that today's compiler adds (chrono 0.4.19:
        # dead_code); capped as cargo caps them for dependencies.
        env["RUSTFLAGS"] = "--cap-lints=warn"
        out = run([painter, "painter", "audit", "--locked", "--db", args.db, "--format", "json",
                   "-o", report_file, "--deny", "any"], dir, env=env, check=False)
        if not os.path.exists(report_file):
            print(out.stderr[-3000:], file=sys.stderr)
            results.append({"project": f"{name} {version}", "error": out.stderr[-500:]})
            continue
        report = json.load(open(report_file))
        per_advisory = {}
        for f in report["findings"]:
            key = (f["advisory"]["id"], f["package"], f["version"])
            entry = per_advisory.setdefault(key, {
                "advisory": f["advisory"]["id"], "package": f"{f['package']} {f['version']}",
                "informational": f["advisory"].get("informational"), "functions": []})
            entry["functions"].append({"function": f.get("function"), "verdict": f["verdict"],
                                       "detail": f["detail"],
                                       "path": [f"{s['caller']} -> {s['callee']} ({s['kind']}"
                                                f"{', candidate' if s.get('candidate') else ''})"
                                                for s in f["path"]]})
        order = ["reachable", "reachable_through_candidates", "no_function_data",
                 "not_reachable", "not_in_build", "not_applicable"]
        for entry in per_advisory.values():
            entry["verdict"] = min((fn["verdict"] for fn in entry["functions"]), key=order.index)
        results.append({"project": f"{name} {version}", "pins": pins,
                        "root_functions": report["root_functions"],
                        "advisories": sorted(per_advisory.values(), key=lambda e: e["advisory"])})
    if args.only and args.out != "-" and os.path.exists(args.out):
        # Re-measure some projects: keep the others' results, in the list's order.
        old = {p["project"]: p for p in json.load(open(args.out))["projects"]}
        old.update({r["project"]: r for r in results})
        order = [f"{n} {v}" for n, v, _ in PROJECTS]
        results = [old[k] for k in order if k in old]
    summary = {"confirmed": 0, "downgraded": 0, "dismissed": 0, "no_function_data": 0, "alerts": 0}
    for r in results:
        for a in r.get("advisories", []):
            summary["alerts"] += 1
            v = a["verdict"]
            summary["confirmed" if v in CONFIRMED else "downgraded" if v in DOWNGRADED
                    else "dismissed" if v in DISMISSED else "no_function_data"] += 1
    text = json.dumps({"summary": summary, "projects": results}, indent=2) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        open(args.out, "w").write(text)
    print(json.dumps(summary), file=sys.stderr)


if __name__ == "__main__":
    main()
