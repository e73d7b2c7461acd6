#!/usr/bin/env python3
"""Cross-check `//~ NOTE: unsafe op `KIND`` annotations against rustc's own unsafety checker.

Usage: python3 ui-tests/tools/verify_unsafe.py [--ui-test-lines] ui-tests/unsafe/*.rs

For each file: the file as written must compile with no diagnostic at all. Then strip every
`unsafe {` block (-> `{`, also in auxiliary/), turn `allow(unsafe_op_in_unsafe_fn)` into
`deny(...)`, compile with --error-format=json, and collect every E0133 error/lint. Each is placed
at the line of its outermost macro call site (default), or with --ui-test-lines at the line
ui_test 0.30 would attribute it to; the multiset of (line, kind) must equal the annotations'.
Run it after bumping the nightly: rustc's checker is the definition of the expected facts.
"""
import json, os, re, subprocess, sys, tempfile, collections

def _toolchain():
    """`+<channel>` from the repo's rust-toolchain.toml."""
    here = os.path.dirname(os.path.abspath(__file__))
    text = open(os.path.join(here, "..", "..", "rust-toolchain.toml")).read()
    return "+" + re.search(r'channel\s*=\s*"([^"]+)"', text).group(1)

TOOLCHAIN = _toolchain()
KINDS = [
    ("call to unsafe function", "call_unsafe_fn"),
    ("use of inline assembly", "inline_asm"),
    ("initializing type with an unsafe field", "init_unsafe_field"),
    ("use of mutable static", "use_static_mut"),
    ("use of extern static", "use_extern_static"),
    ("use of unsafe field", "use_unsafe_field"),
    ("dereference of raw pointer", "deref_raw_pointer"),
    ("access to union field", "access_union_field"),
    ("mutation of layout constrained field", "mutate_layout_constrained_field"),
    ("borrow of layout constrained field", "borrow_layout_constrained_field"),
    ("unsafe binder cast", "unsafe_binder_cast"),
    ("call to function", "call_target_feature_fn"),  # `... with #[target_feature]`
    ("call `", "call_drop_explicitly"),
]

ANN = re.compile(r"//~(\^+|\||v+)?\s*WARN:?\s*(.*)$")

def annotations(lines, pat):
    out = collections.Counter()
    prev = None
    for i, line in enumerate(lines, 1):
        m = ANN.search(line)
        if not m:
            continue
        mod = m.group(1) or ""
        if mod.startswith("^"):
            tgt = i - len(mod)
        elif mod.startswith("v"):
            tgt = i + len(mod)
        elif mod == "|":
            tgt = prev
        else:
            tgt = i
        prev = tgt
        k = re.search(pat, m.group(2))
        if k:
            out[(tgt, k.group(1))] += 1
        else:
            out[(tgt, "?" + m.group(2))] += 1
    return out

def span_line(span, file, primary):
    exp = span.get("expansion")
    if exp:
        l = span_line(exp["span"], file, (not primary) or span["is_primary"])
        if l is not None:
            return l
        elif span["file_name"] != file:
            if (not primary) and span["is_primary"]:
                return span_line(exp["span"], file, False)
            return None
    if ((not primary) or span["is_primary"]) and span["file_name"] == file:
        return span["line_start"]
    return None

def callsite_line(d, file):
    """Line of the outermost macro call site of the primary span (rustc's `source_callsite()`):
    what a driver emitting its test-mode warning at the call site produces."""
    for s in d["spans"]:
        if s["is_primary"]:
            while s.get("expansion"):
                s = s["expansion"]["span"]
            return s["line_start"] if s["file_name"] == file else None
    return None

def diag_line(d, file):
    if MODE == "callsite":
        return callsite_line(d, file)
    for p in (True, False):
        for s in d["spans"]:
            l = span_line(s, file, p)
            if l is not None:
                return l
    return None

def kind_of(msg):
    for prefix, k in KINDS:
        if msg.startswith(prefix):
            return k
    return "??" + msg

def check(path):
    src = open(path).read()
    lines = src.split("\n")
    want = annotations(lines, r"unsafe op `(\w+)`")
    stripped = re.sub(r"\bunsafe\s*\{", "{", src)
    stripped = stripped.replace("allow(unsafe_op_in_unsafe_fn)", "deny(unsafe_op_in_unsafe_fn)")
    with tempfile.TemporaryDirectory() as td:
        f = os.path.join(td, os.path.basename(path))
        open(f, "w").write(stripped)
        aux = os.path.join(os.path.dirname(os.path.abspath(path)), "auxiliary")
        if os.path.isdir(aux):
            os.mkdir(os.path.join(td, "auxiliary"))
            for a in os.listdir(aux):
                t = open(os.path.join(aux, a)).read()
                open(os.path.join(td, "auxiliary", a), "w").write(re.sub(r"\bunsafe\s*\{", "{", t))
        r = subprocess.run(["rustc", TOOLCHAIN, "--crate-type=lib", "--edition=2024",
                            "--emit=metadata", "--error-format=json", "-A", "unused", "-o", os.path.join(td, "x.rmeta"), f],
                           capture_output=True, text=True, cwd=td)
        got = collections.Counter()
        other = []
        for l in r.stderr.splitlines():
            if not l.startswith("{"):
                continue
            d = json.loads(l)
            code = (d.get("code") or {}).get("code")
            if code == "E0133":
                got[(diag_line(d, f), kind_of(d["message"]))] += 1
            elif d["level"] in ("error", "warning") and not d["message"].startswith("aborting"):
                other.append(d["rendered"])
        # The original file must compile with no diagnostic at all (ui_test would want
        # annotations for ordinary rustc warnings too).
        r0 = subprocess.run(["rustc", TOOLCHAIN, "--crate-type=lib", "--edition=2024",
                             "--emit=metadata", "-o", os.path.join(td, "y.rmeta"), os.path.abspath(path)],
                            capture_output=True, text=True)
        if r0.returncode != 0 or r0.stderr.strip():
            other.append("ORIGINAL FILE: rc=%d\n%s" % (r0.returncode, r0.stderr))
    ok = got == want and not other
    print(("OK  " if ok else "BAD ") + path + f"  ({sum(want.values())} annotated)")
    if not ok:
        for k in sorted(set(got) | set(want), key=lambda x: (x[0] or 0, x[1])):
            if got[k] != want[k]:
                print(f"    line {k[0]} {k[1]}: rustc {got[k]}, annotated {want[k]}")
    for o in other:
        print("    other diagnostic in stripped file:\n" + o)
    return ok

MODE = "callsite"
if __name__ == "__main__":
    if sys.argv[1] == "--ui-test-lines":
        MODE = "ui_test"
        sys.argv.pop(1)
    res = [check(p) for p in sys.argv[1:]]
    sys.exit(0 if all(res) else 1)
