#!/usr/bin/env python3
"""Usage: python3 ui-tests/tools/verify_calls.py ui-tests/calls/*.rs

Cross-check `//~ NOTE: call KIND` annotations against the Call and Drop terminators of the
MIR the driver reads (`mir_promoted`, dumped after `SimplifyCfg-promote-consts`): every
terminator on a normal (non-cleanup) path must sit on a line with exactly as many annotations.
Prints each terminator's callee so the kinds can be reviewed by eye. Cleanup-path drops are
listed separately (the files are written to have none)."""
import collections, glob, os, re, subprocess, sys, tempfile

def toolchain():
    """`+<channel>` from the repo's rust-toolchain.toml."""
    here = os.path.dirname(os.path.abspath(__file__))
    text = open(os.path.join(here, "..", "..", "rust-toolchain.toml")).read()
    return "+" + re.search(r'channel\s*=\s*"([^"]+)"', text).group(1)


ANN = re.compile(r"//~(\^+|\|)?\s*WARN:?\s*(.*)$")

def annotations(lines):
    out = collections.Counter(); prev = None; kinds = collections.defaultdict(list)
    for i, line in enumerate(lines, 1):
        m = ANN.search(line)
        if not m: continue
        mod = m.group(1) or ""
        tgt = i - len(mod) if mod.startswith("^") else (prev if mod == "|" else i)
        prev = tgt
        k = re.search(r"call (\w+)", m.group(2))
        out[tgt] += 1; kinds[tgt].append(k.group(1) if k else "?")
    return out, kinds

TERM = re.compile(r"^\s*(?:(_\d+) = )?(.*) -> (?:\[|bb\d|unwind).*// scope \d+ at (\S+?):(\d+):(\d+): (\d+):(\d+)")
def check(path):
    src = open(path).read(); lines = src.split("\n")
    want, kinds = annotations(lines)
    name = os.path.basename(path)
    with tempfile.TemporaryDirectory() as td:
        r = subprocess.run(["rustc", toolchain(), "--crate-type=lib", "--edition=2024",
            "--emit=metadata", "-o", td + "/x.rmeta", "-Zdump-mir=SimplifyCfg-promote-consts",
            "-Zdump-mir-dir=" + td + "/mir", "-Zmir-include-spans=on", os.path.abspath(path)],
            capture_output=True, text=True)
        if r.returncode or r.stderr.strip():
            # The file must compile with no diagnostic at all (ui_test wants every warning annotated).
            print("BAD " + path + "\n" + r.stderr); return False
        got = collections.Counter(); detail = collections.defaultdict(list); cleanup = []
        for f in sorted(glob.glob(td + "/mir/*.after.mir")):
            body = os.path.basename(f)
            in_cleanup = False
            for l in open(f):
                bb = re.match(r"\s*bb\d+( \(cleanup\))?: \{", l)
                if bb: in_cleanup = bool(bb.group(1)); continue
                m = TERM.match(l)
                if not m: continue
                rhs = m.group(2)
                if rhs.startswith(("goto", "switchInt", "assert(", "falseEdge", "falseUnwind", "yield", "asm!")):
                    continue
                if os.path.basename(m.group(3)) != name: continue
                line = int(m.group(4))
                if in_cleanup:
                    cleanup.append((line, rhs, body)); continue
                got[line] += 1; detail[line].append(rhs)
    ok = got == want and not cleanup
    print(("OK  " if ok else "BAD ") + path)
    for line in sorted(set(got) | set(want)):
        flag = "   " if got[line] == want[line] else "!! "
        print(f"  {flag}{line:3}: annotated {kinds.get(line, [])} mir {detail.get(line, [])}")
    for c in cleanup: print("  !! cleanup-path terminator:", c)
    return ok

if __name__ == "__main__":
    sys.exit(0 if all([check(p) for p in sys.argv[1:]]) else 1)
