#!/usr/bin/env python3
"""A RUSTC_WRAPPER that measures each compiler process: wall time, CPU time and peak RSS.

Cargo runs it as `rusage_wrapper.py <rustc> ARGS…`. It runs `$BENCH_INNER_WRAPPER <rustc> ARGS…`
when that variable is set (painter-driver, for `cargo painter`), else `<rustc> ARGS…` (plain
`cargo check`), waits for it with wait4() so the figures are the child's own (this script's
start-up is not counted), and appends one JSON line per crate compilation to `$BENCH_LOG`.
Probes (`-vV`, `--print`, stdin) are run but not logged. Used by `bench/overhead.py`.
"""
import json
import os
import sys
import time


def crate_of(args, env):
    """What the compilation is, or None for a probe."""
    if "-" in args or "--crate-name" not in args:
        return None
    name = args[args.index("--crate-name") + 1]
    types = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--crate-type"]
    # A crate built twice (e.g. for a proc-macro and for the target, with other features) is
    # two units: the features tell them apart.
    cfgs = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--cfg"]
    features = sorted(c[len('feature="'):-1] for c in cfgs if c.startswith('feature="'))
    return {
        "package": env.get("CARGO_PKG_NAME", name),
        "version": env.get("CARGO_PKG_VERSION", ""),
        "crate": name,
        "crate_type": ",".join(types) or ("test" if "--test" in args else "bin"),
        "test": "--test" in args,
        "features": ",".join(features),
    }


def main():
    argv = sys.argv[1:]
    inner = os.environ.get("BENCH_INNER_WRAPPER")
    cmd = ([inner] if inner else []) + argv
    start = time.perf_counter()
    pid = os.posix_spawnp(cmd[0], cmd, os.environ)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    unit = crate_of(argv[1:], os.environ)
    log = os.environ.get("BENCH_LOG")
    if unit and log:
        unit.update(
            wall_s=wall,
            cpu_s=usage.ru_utime + usage.ru_stime,
            max_rss_kb=usage.ru_maxrss,
            exit=code,
        )
        # One write of one short line with O_APPEND: lines of parallel rustcs never interleave.
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (json.dumps(unit) + "\n").encode())
        finally:
            os.close(fd)
    sys.exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main()
