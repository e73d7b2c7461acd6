#!/bin/bash
HERE="$(cd "$(dirname "$0")" && pwd)"  # bench/engine-eval; data, targets and logs go here
# samples progress of the bundled DuckDB C++ compile: time, .o count, CPU seconds of finished compiles
while sleep 30; do
  P=$(pgrep -f "target-duckdb-stable-debug/debug/build/libduckdb-sys/.*/build_script_build" | head -1)
  [ -z "$P" ] && { echo "$(date +%T) no build script"; continue; }
  N=$(find $HERE/target-duckdb-stable-debug/debug/build/libduckdb-sys/ -name '*.o' | wc -l)
  echo "$(date +%T) objs=$N $(awk '{print "cpu_s=" ($16+$17)/100}' /proc/$P/stat) load=$(cut -d' ' -f1 /proc/loadavg)"
done
