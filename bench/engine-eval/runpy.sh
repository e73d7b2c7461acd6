#!/bin/bash
HERE="$(cd "$(dirname "$0")" && pwd)"  # bench/engine-eval; data, targets and logs go here
# usage: runpy.sh <mode>  -- DuckDB Python package, same SQL files, 3 GB limit
M=$1; L=$HERE/logs/py-$M${2:-}
rm -rf $HERE/spill/py.db* $HERE/spill/duckdb_py_tmp
{ date; echo "uptime before: $(uptime)"; } > $L.meta
( while sleep 2; do du -sb $HERE/spill 2>/dev/null | cut -f1; done ) > $L.spill &
SP=$!
nice -n 19 /usr/bin/time -v -o $L.time timeout 1500 $HERE/venv/bin/python $HERE/pycheck.py $HERE/data $M > $L.out 2>&1
echo "rc=$?" >> $L.meta; kill $SP
{ echo "uptime after: $(uptime)"; date; echo "max spill bytes: $(sort -n $L.spill | tail -1)"; } >> $L.meta
