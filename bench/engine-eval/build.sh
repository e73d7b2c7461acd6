#!/bin/bash
HERE="$(cd "$(dirname "$0")" && pwd)"  # bench/engine-eval; data, targets and logs go here
# usage: build.sh <engine> <toolchain> <profile: debug|release>
# clean build with its own target dir, -j 2, nice 19; logs in logs/
set -u
E=$1; TC=$2; P=$3
cd $HERE/$E
T=$HERE/target-$E-$TC-$P
rm -rf "$T"
mkdir -p $HERE/logs
L=$HERE/logs/build-$E-$TC-$P
FLAG=""; [ "$P" = release ] && FLAG="--release"
{ date; echo "uptime before: $(uptime)"; } > $L.meta
nice -n 19 /usr/bin/time -v -o $L.time rustup run $TC cargo build $FLAG -j 2 --target-dir "$T" > $L.log 2>&1
echo "rc=$?" >> $L.meta
{ echo "uptime after: $(uptime)"; date; ls -l $T/$P/${E}_eval; } >> $L.meta 2>&1
