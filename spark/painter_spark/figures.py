"""The figures of docs/figures.md and the reachability tables on Spark: the same per-unit SQL
and reach loops as painter-engine (`query/sql/`), assembled per crate and per population by
`spark/sql/figures_*.sql`, each result written as a Parquet table under the output location.
docs/spark.md lists the tables and their columns."""

import time

# painter_query::figures::TOP: how many entries a ranking keeps.
TOP = 20

# The four reach loops of the figures (engine/src/figures.rs runs the same four): the reach
# result of each is written as `reach_<target>_<edges>`.
REACH_RUNS = [
    ("unsafe", "exact"),
    ("unsafe", "with_candidates"),
    ("ffi", "exact"),
    ("ffi", "with_candidates"),
]


class Writer:
    """Writes DataFrames as Parquet tables under `out`: one directory per table, replaced."""

    def __init__(self, out):
        self.out = out.rstrip("/")
        self.tables = []

    def __call__(self, frame, table, small=False):
        if small:
            # A row per unit or per population: one file, in the query's order.
            frame = frame.coalesce(1)
        frame.write.mode("overwrite").parquet(f"{self.out}/{table}")
        self.tables.append(table)


def compute(runner, write):
    """Everything the job answers; returns a summary (per reach run: nodes and steps)."""
    summary = {"reach": {}, "seconds": {}}
    started = time.monotonic()
    runner.materialize("fig_units", "figures_per_crate")
    runner.materialize("fig_calls_into", "figures_calls_into")
    runner.materialize("fig_unsafe_ops", "figures_unsafe_ops")
    runner.materialize("fig_called_unsafe_fns", "figures_called_unsafe_fns")
    summary["seconds"]["per_unit"] = round(time.monotonic() - started, 2)

    for target, edges in REACH_RUNS:
        started = time.monotonic()
        runner.prepare("edges", edges)
        runner.prepare("targets", target)
        steps = runner.reach_loop()
        name = f"{target}_{edges}"
        write(runner.reach_result(), f"reach_{name}")
        functions = runner.spark.sql("SELECT count(*) FROM reach_seen").first()[0]
        runner.materialize(f"fig_reach_{name}", "figures_reach_per_crate")
        summary["reach"][name] = {"functions": functions, "steps": steps}
        summary["seconds"][f"reach_{name}"] = round(time.monotonic() - started, 2)

    started = time.monotonic()
    runner.materialize("figures_crates", "figures_crates")
    write(runner.spark.table("figures_crates").orderBy("unit"), "figures_per_crate", small=True)
    write(runner.run_file("figures_population"), "figures", small=True)
    write(runner.run_file("figures_unsafe_ops_by"), "figures_unsafe_ops_by", small=True)
    args = {"top": TOP}
    write(runner.run_file("figures_top", args), "figures_top", small=True)
    write(
        runner.run_file("figures_most_called_unsafe_fns", args),
        "figures_most_called_unsafe_fns",
        small=True,
    )
    summary["seconds"]["assemble"] = round(time.monotonic() - started, 2)
    return summary
