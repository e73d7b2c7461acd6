"""Running the SQL files of `query/sql/` on Spark, in the sequences `procedures.json` defines
(the file painter-engine follows too): the link, the edges and targets of reachability and
the reach loop. Intermediate tables are managed tables of a scratch database whose location
the caller chooses (any URI the executors can write), dropped with it at the end."""

import json
import os
import time
import uuid
from decimal import Decimal

from . import dialect


class Runner:
    """A session with the dialect layer applied, a scratch database in use, and the SQL files
    of the given directories."""

    def __init__(self, spark, sql_dirs, scratch, log=None):
        self.spark = spark
        # The repository's query/sql/ first, then the job's own assembly SQL (spark/sql/).
        self.sql_dirs = sql_dirs
        self.log = log or (lambda message: None)
        self.procedures = json.loads(self.read("procedures.json"))
        for key, value in dialect.SESSION_CONF.items():
            spark.conf.set(key, value)
        self.database = "painter_scratch_" + uuid.uuid4().hex[:12]
        location = scratch.rstrip("/") + "/" + self.database
        quoted = location.replace("\\", "\\\\").replace("'", "\\'")
        spark.sql(f"CREATE DATABASE {self.database} LOCATION '{quoted}'")
        spark.sql(f"USE {self.database}")
        self.materialized = set()

    def close(self):
        """Drop the scratch database and everything in it."""
        self.spark.sql("USE default")
        self.spark.sql(f"DROP DATABASE IF EXISTS {self.database} CASCADE")

    def read(self, name):
        for directory in self.sql_dirs:
            path = os.path.join(directory, name)
            if os.path.exists(path):
                with open(path, encoding="utf-8") as f:
                    return f.read()
        raise FileNotFoundError(f"no {name} in {', '.join(self.sql_dirs)}")

    def run_file(self, name, args=None):
        """Run every statement of `name.sql`; the DataFrame of the last one, which gets the
        named parameters `args` (`:top`)."""
        started = time.monotonic()
        frame = None
        texts = dialect.statements(self.read(name + ".sql"))
        for i, statement in enumerate(texts):
            last_args = args if i == len(texts) - 1 else None
            frame = self.spark.sql(dialect.to_spark(statement), args=last_args)
        self.log(f"query {name}: {time.monotonic() - started:.2f} s")
        return frame

    def count(self, name):
        """The one integer a counting file returns."""
        return int(self.run_file(name).first()[0])

    def materialize(self, table, query):
        """The rows of `query` as the table `table`, from now on: a managed table of the
        scratch database, under a view of that name (which replaces a dataset view of it)."""
        statements = dialect.statements(self.read(query + ".sql"))
        for statement in statements[:-1]:
            self.spark.sql(dialect.to_spark(statement))
        stored = "m_" + table
        self.spark.sql(f"DROP TABLE IF EXISTS {stored}")
        self.spark.sql(f"CREATE TABLE {stored} AS {dialect.to_spark(statements[-1])}")
        self.spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW {table} AS SELECT * FROM {stored}")
        self.materialized.add(table)

    # The procedures of procedures.json.

    def link(self):
        """Resolve calls across units (`link`): `crate_ids`, then `external_functions`."""
        for step in self.procedures["link"]:
            self.materialize(step["table"], step["query"])
        return [step["table"] for step in self.procedures["link"]]

    def prepare(self, kind, name, target_key=None):
        """Prepare edges (`kind` "edges") or a target (`kind` "targets") called `name`."""
        prepare = self.procedures[kind][name]
        for m in prepare.get("materialize", []):
            if m["table"] not in self.materialized:
                self.materialize(m["table"], m["query"])
        if prepare.get("input"):
            if target_key is None:
                raise ValueError(f"the target {name!r} needs a function id")
            crate_id, hash_, id_text = target_key
            schema = "crate_id DECIMAL(20,0), hash DECIMAL(20,0), id_text STRING"
            row = (Decimal(crate_id), Decimal(hash_), id_text)
            self.spark.createDataFrame([row], schema).createOrReplaceTempView(prepare["input"])
        for file in prepare["define"]:
            self.run_file(file)

    def reach_loop(self):
        """The reach loop; `reach_seen` then holds the answer. Returns the steps that found
        nodes (the largest distance)."""
        files = self.procedures["reach"]
        self.run_file(files["seed"])
        steps = 0
        while True:
            self.run_file(files["step"])
            if self.count(files["count"]) == 0:
                self.run_file(files["finish"])
                return steps
            steps += 1
            self.run_file(files["advance"])

    def reach_result(self):
        """`reach_seen` in the dataset's id columns, with distances."""
        return self.run_file(self.procedures["reach"]["result"])

