#!/bin/bash
HERE="$(cd "$(dirname "$0")" && pwd)"  # bench/engine-eval; data, targets and logs go here
# usage: run.sh <engine> <mode> [tag]   (env: DATA, MEM / MEM_GIB, POOL passed through)
set -u
E=$1; M=$2; TAG=${3:-}
B=${BIN:-$HERE/target-$E-nightly-2026-10-30-release/release/${E}_eval}
L=$HERE/logs/run-$E-$M$TAG
rm -rf $HERE/spill/duckdb_tmp $HERE/spill/datafusion_tmp
mkdir -p $HERE/spill/datafusion_tmp
{ date; echo "uptime before: $(uptime)"; echo "DATA=${DATA:-default} MEM=${MEM:-} MEM_GIB=${MEM_GIB:-} POOL=${POOL:-}"; } > $L.meta
# sample spill dir size every 2 s
( while sleep 2; do du -sb $HERE/spill 2>/dev/null | cut -f1; done ) > $L.spill &
SP=$!
nice -n 19 /usr/bin/time -v -o $L.time timeout ${TIMEOUT:-1500} $B $M > $L.out 2> $L.err
echo "rc=$?" >> $L.meta
kill $SP
{ echo "uptime after: $(uptime)"; date; echo "max spill bytes: $(sort -n $L.spill | tail -1)"; } >> $L.meta
grep -E "Elapsed|Maximum resident" $L.time
cat $L.meta | tail -4
