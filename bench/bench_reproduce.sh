#!/bin/sh
# Wall time of `secsim reproduce nahum95 --jobs 2` at the default
# fidelity, in a scratch directory (target: under 2 minutes).
set -u
BLD=$(cd "${1:-.}" && pwd)
T=$(mktemp -d /tmp/ss_bench_repro.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T"
start=$(date +%s.%N)
SECSIM_DATADIR="${SECSIM_DATADIR:-$BLD}" "$BLD/secsim" reproduce nahum95 --jobs 2 --quiet > /dev/null 2> err || { cat err; exit 1; }
end=$(date +%s.%N)
grep "simulated in" err
awk -v a="$start" -v b="$end" 'BEGIN { w = b - a; printf "secsim reproduce nahum95 --jobs 2: %.1f s wall (target < 120 s): %s\n", w, w < 120 ? "PASS" : "FAIL"; exit !(w < 120) }'
