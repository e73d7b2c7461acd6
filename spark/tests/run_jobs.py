"""Test driver: the Spark job on several datasets in one Spark session (a session starts in
tens of seconds; tests/spark.rs runs two datasets and an error case). Usage:
`run_jobs.py [JOB OPTIONS] -- DATASET=OUT ...`; prints `session <seconds>` (the session's
start), then for each run one line, `ok <summary JSON>` or `error <message>`, as `job.py` would
print its summary or `error:` line."""

import io
import json
import os
import sys
import time
from contextlib import redirect_stderr

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from painter_spark import cli  # noqa: E402


def main(argv):
    split = argv.index("--")
    options, pairs = argv[:split], argv[split + 1 :]
    spark = None
    for pair in pairs:
        dataset, _, out = pair.partition("=")
        args = cli.parse([dataset, "--out", out, *options])
        if spark is None:
            started = time.monotonic()
            spark = cli.session(args)
            print(f"session {time.monotonic() - started:.2f}", flush=True)
        stderr = io.StringIO()
        with redirect_stderr(stderr):
            code, summary = cli.run_reporting(args, stop=False)
        if code == 0:
            print("ok " + json.dumps(summary), flush=True)
        else:
            # Spark's own log lines may come first; the job's is the `error:` line.
            lines = stderr.getvalue().splitlines()
            print("error " + next((l for l in lines if l.startswith("error: ")), ""), flush=True)
    if spark is not None:
        spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
