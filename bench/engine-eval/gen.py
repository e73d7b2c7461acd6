# Synthetic painter graph as Parquet (zstd + dictionary), written by pyarrow.
# usage: gen.py OUTDIR N_FUNCTIONS CALLS_PER_FUNCTION
import os
import sys, os, time, duckdb, pyarrow.parquet as pq
out, N, D = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(f"{out}/functions", exist_ok=True); os.makedirs(f"{out}/calls", exist_ok=True)
con = duckdb.connect(); con.execute("SET threads=2"); con.execute("SELECT setseed(0.42)").fetchall()
NCRATES = 2000
def write(tbl, path):
    pq.write_table(tbl, path, compression="zstd", use_dictionary=True, row_group_size=1_000_000)
t = time.time()
FCH = 5_000_000
for k in range(0, N, FCH):
    hi = min(N, k + FCH)
    tbl = con.sql(f"""
      SELECT hash(i)::UBIGINT AS id,
             least(floor({NCRATES} * pow(i / {N}, 2)), {NCRATES - 1})::UINTEGER AS crate,
             'crate_' || least(floor({NCRATES} * pow(i / {N}, 2)), {NCRATES - 1})::INT || '::module_' || (i % 97) || '::function_' || i AS path,
             random() < 0.3 AS public,
             (CASE WHEN random() < 0.005 THEN 1 + floor(random() * 5) ELSE 0 END)::INTEGER AS unsafe_ops
      FROM range({k}, {hi}) r(i)""").to_arrow_table()
    write(tbl, f"{out}/functions/part-{k // FCH:03}.parquet")
print("functions", time.time() - t, flush=True)
M = N * D; CCH = min(10_000_000, M // 10); nch = M // CCH
span = N // nch
for k in range(nch):
    tbl = con.sql(f"""
      SELECT hash(({k * span} + floor({span} * pow(random(), 1.3)))::BIGINT)::UBIGINT AS caller,
             hash(((floor({N} * pow(random(), 2.5))::BIGINT * 1000003 + 12345) % {N}))::UBIGINT AS callee,
             CASE WHEN u < 0.85 THEN 'static' WHEN u < 0.93 THEN 'dynamic' WHEN u < 0.98 THEN 'fnptr' ELSE 'ffi' END AS kind
      FROM (SELECT random() AS u FROM range({CCH}))
      ORDER BY caller""").to_arrow_table()
    write(tbl, f"{out}/calls/part-{k:03}.parquet")
    print("calls chunk", k, time.time() - t, flush=True)
