# Same SQL files, run by DuckDB's Python package on the same Parquet files.
import os, sys, time, duckdb
data = sys.argv[1]; modes = sys.argv[2:]
S = lambda n: open(os.environ.get("SQL_DIR", os.path.dirname(os.path.abspath(__file__)) + "/sql") + f"/{n}.sql").read()
con = duckdb.connect(os.path.dirname(os.path.abspath(__file__)) + "/spill/py.db")
con.execute(f"SET memory_limit='{os.environ.get('MEM', '3GB')}'"); con.execute("SET threads=2")
con.execute("SET temp_directory='" + os.path.dirname(os.path.abspath(__file__)) + "/spill/duckdb_py_tmp'"); con.execute("SET preserve_insertion_order=false")
con.execute(f"CREATE OR REPLACE VIEW functions AS SELECT * FROM read_parquet('{data}/functions/*.parquet')")
con.execute(f"CREATE OR REPLACE VIEW calls AS SELECT * FROM read_parquet('{data}/calls/*.parquet')")
for m in modes:
    t = time.time()
    if m == "reach_iter":
        for s in ["seen", "frontier", "next_frontier"]:
            con.execute(f"DROP TABLE IF EXISTS {s}")
        con.execute(S("reach_init_seen")); con.execute(S("reach_init_frontier"))
        it = 0
        while True:
            it += 1
            con.execute(S("reach_step"))
            n = con.execute(S("reach_count_next")).fetchone()[0]
            if n == 0: break
            con.execute(S("reach_insert"))
            for st in S("reach_swap").split(";"): con.execute(st)
        print(m, "iterations", it, "reachable", con.execute(S("reach_count_seen")).fetchone()[0], f"{time.time()-t:.1f}s")
    else:
        print(m, con.execute(S(m)).fetchall(), f"{time.time()-t:.1f}s")
