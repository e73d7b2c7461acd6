"""`spark-submit spark/job.py DATASET --out OUT` (or `python3 spark/job.py …` with pyspark
installed): register the dataset, link it when its link is pending, compute the figures and
the reachability tables, write them as Parquet under OUT and print a JSON summary on stdout.
A failure is one `error:` line on stderr and exit status 1."""

import argparse
import json
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def parse(argv):
    p = argparse.ArgumentParser(
        prog="painter-spark",
        description="The cargo painter dataset's figures and reachability on Apache Spark.",
    )
    p.add_argument("dataset", help="the dataset: a local path or any URI Spark reads")
    p.add_argument("--out", required=True, help="where the result tables go (path or URI)")
    p.add_argument(
        "--scratch",
        help="where intermediate tables go (a URI every executor can write); "
        "default: a temporary directory with a local master, else OUT/_scratch",
    )
    p.add_argument("--master", help="Spark master (default: spark-submit's, else local[*])")
    p.add_argument(
        "--conf", action="append", default=[], metavar="KEY=VALUE", help="a Spark setting"
    )
    p.add_argument(
        "--sql", default=os.path.join(REPO, "query", "sql"), help="the SQL files (query/sql)"
    )
    p.add_argument(
        "--no-verify",
        action="store_true",
        help="do not compare each table's rows with the manifest",
    )
    p.add_argument("--verbose", action="store_true", help="time every query on stderr")
    return p.parse_args(argv)


def session(args):
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("cargo-painter")
    if args.master:
        builder = builder.master(args.master)
    for setting in args.conf:
        key, sep, value = setting.partition("=")
        if not sep:
            raise ValueError(f"--conf {setting!r}: expected KEY=VALUE")
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run(args, stop=True):
    from .dataset import Dataset
    from .figures import Writer, compute
    from .procedures import Runner

    started = time.monotonic()
    spark = session(args)
    local = spark.sparkContext.master.startswith("local")
    temp = None
    scratch = args.scratch
    if scratch is None:
        if local:
            temp = tempfile.TemporaryDirectory(prefix="painter-spark-")
            scratch = temp.name
        else:
            scratch = args.out.rstrip("/") + "/_scratch"
    session_s = time.monotonic() - started
    log = (lambda m: print(m, file=sys.stderr)) if args.verbose else None
    runner = Runner(spark, [args.sql, os.path.join(REPO, "spark", "sql")], scratch, log)
    try:
        dataset = Dataset(spark, args.dataset, runner.read("tables.json"))
        dataset.register(verify=not args.no_verify)
        write = Writer(args.out)
        linked_by_job = not dataset.linked
        if linked_by_job:
            for table in runner.link():
                write(spark.table(table), table, small=True)
        summary = compute(runner, write)
    finally:
        runner.close()
        if temp is not None:
            temp.cleanup()
    summary.update(
        dataset=args.dataset,
        out=args.out,
        units=len(dataset.manifest["units"]),
        linked_by_job=linked_by_job,
        tables=write.tables,
    )
    summary["seconds"]["session"] = round(session_s, 2)
    summary["seconds"]["total"] = round(time.monotonic() - started, 2)
    if stop:
        spark.stop()
    return summary


def run_reporting(args, stop=True):
    """`run`, with a failure reported as one `error:` line: (exit status, summary or None)."""
    try:
        return 0, run(args, stop)
    except Exception as e:  # one line, not a Java stack: the message names the file or table
        text = str(e).strip()
        line = text.splitlines()[0] if text else e.__class__.__name__
        print(f"error: {line}", file=sys.stderr)
        return 1, None


def main(argv=None):
    code, summary = run_reporting(parse(sys.argv[1:] if argv is None else argv))
    if summary is not None:
        print(json.dumps(summary, indent=1))
    return code
