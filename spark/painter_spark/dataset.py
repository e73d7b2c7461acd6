"""Registering a dataset (docs/schema.md, "The dataset (Parquet)") with a Spark session: each
table a temporary view over exactly the files its manifest lists, or an empty view with the
columns of `query/sql/tables.json` when no unit has a row of it. The location is anything
Spark reads: a local path, `file://`, `hdfs://`, `s3a://`, `gs://`, `abfss://`."""

import json

from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DecimalType,
    DoubleType,
    IntegerType,
    LongType,
    ShortType,
    StringType,
    StructField,
    StructType,
)


class DatasetError(Exception):
    """A dataset that cannot be read as one: the message names the file or table."""


# tables.json's type names as Spark reads the Parquet types the writer uses: unsigned integers
# widen (UINT_64 to DECIMAL(20,0), UINT_32 to BIGINT, ...), as Spark's Parquet reader does.
_SPARK_TYPES = {
    "string": StringType(),
    "bool": BooleanType(),
    "uint8": ShortType(),
    "uint16": IntegerType(),
    "uint32": LongType(),
    "uint64": DecimalType(20, 0),
    "int8": ShortType(),
    "int16": ShortType(),
    "int32": IntegerType(),
    "int64": LongType(),
    "float64": DoubleType(),
}


def spark_type(name):
    if name.startswith("list<") and name.endswith(">"):
        return ArrayType(spark_type(name[5:-1]))
    return _SPARK_TYPES[name]


def _join(location, *parts):
    return "/".join([location.rstrip("/"), *parts])


class Dataset:
    """A dataset registered with a session: `tables` maps every table name to its file count."""

    def __init__(self, spark, location, tables_json):
        self.spark = spark
        self.location = location.rstrip("/")
        self.manifest = self._read_manifest()
        self.columns = json.loads(tables_json)
        self.files = self._files()
        # The link is pending (an incremental run) or absent: the job links before answering,
        # as painter-engine does.
        self.linked = bool(self.manifest.get("linked", True)) and bool(self.files["crate_ids"])

    def _read_manifest(self):
        path = _join(self.location, "manifest.json")
        try:
            text = self.spark.read.text(path, wholetext=True).first()[0]
            manifest = json.loads(text)
        except Exception as e:  # Spark's own error would be a page of Java stack
            raise DatasetError(f"{path}: not a readable dataset manifest ({e.__class__.__name__}: "
                               f"{str(e).splitlines()[0] if str(e) else ''})") from None
        if manifest.get("format") != "painter-dataset":
            raise DatasetError(f"{path}: not a painter dataset (format {manifest.get('format')!r})")
        return manifest

    def _files(self):
        """Per table, the files the manifest lists and their row counts."""
        files = {table: [] for table in self.columns}
        for unit in self.manifest["units"]:
            stem = unit["stem"]
            files.setdefault("units", []).append((_join(self.location, "units", stem + ".parquet"), 1))
            for table, rows in unit.get("rows", {}).items():
                if rows > 0 and table in files:
                    files[table].append((_join(self.location, table, stem + ".parquet"), rows))
        for table, rows in self.manifest.get("graph_rows", {}).items():
            if rows > 0 and table in files:
                files[table].append((_join(self.location, table, "graph.parquet"), rows))
        return files

    def schema(self, table):
        return StructType(
            [StructField(name, spark_type(t), nullable) for name, t, nullable in self.columns[table]]
        )

    def register(self, verify=True):
        """Register every table as a temporary view; with `verify`, compare each table's rows
        with the manifest (Spark counts from the Parquet footers, so this reads no data)."""
        for table, listed in self.files.items():
            if not listed:
                frame = self.spark.createDataFrame([], self.schema(table))
            else:
                paths = [path for path, _ in listed]
                try:
                    frame = self.spark.read.parquet(*paths)
                except Exception as e:
                    raise DatasetError(f"{_join(self.location, table)}: {first_line(e)}") from None
                if verify:
                    want = sum(rows for _, rows in listed)
                    got = frame.count()
                    if got != want:
                        raise DatasetError(
                            f"{_join(self.location, table)}: {got} rows, the manifest says {want} "
                            "(a file truncated or replaced)"
                        )
            frame.createOrReplaceTempView(table)


def first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else error.__class__.__name__
