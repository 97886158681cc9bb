#!/bin/sh
# Wall time of the default reproduction as ./quickstart reproduce runs it
# (`secsim reproduce nahum95 --jobs $(nproc) --check`: every scenario at
# the default fidelity, the plots and the claim checks), in a scratch
# directory as on a fresh clone, so the host profile's quick calibration
# is included. Target: under 2 minutes; the README states this time.
# Fails when the reproduction fails or takes longer.
set -u
BLD=$(cd "${1:-.}" && pwd)
JOBS=$(nproc 2>/dev/null || echo 2)
T=$(mktemp -d /tmp/ss_bench_repro.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T"
start=$(date +%s.%N)
SECSIM_DATADIR="${SECSIM_DATADIR:-$BLD}" "$BLD/secsim" reproduce nahum95 --jobs "$JOBS" --check > out 2> err
rc=$?
end=$(date +%s.%N)
grep "simulated in" err
if [ $rc -ne 0 ]; then
  tail -20 out
  cat err
  echo "secsim reproduce nahum95 --jobs $JOBS --check: exit status $rc: FAIL"
  exit 1
fi
awk -v a="$start" -v b="$end" -v j="$JOBS" 'BEGIN { w = b - a; printf "secsim reproduce nahum95 --jobs %d --check: %.1f s wall (target < 120 s): %s\n", j, w, w < 120 ? "PASS" : "FAIL"; exit !(w < 120) }'
