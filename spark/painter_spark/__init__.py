"""The cargo painter dataset on Apache Spark: the repository's SQL (`query/sql/`) through a
minimal dialect layer, the link, reach and figures procedures of `query/sql/procedures.json`,
and the figures and reachability tables written back as Parquet (docs/spark.md)."""
