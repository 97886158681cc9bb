#!/bin/sh
# Speed of one model run through `secsim run`: CONFIG's single point
# against a wall-time target, printed as the ratio wall / target (below
# 1 passes), with the processor time and the load average (on a shared
# machine the wall time follows the load). The benchmarks:
#   bench/netpair1g.cfg: 10 simulated seconds of a saturated 1 Gbit/s
#     IPsec stream (X1 -> X2, ESP AES128 SHA1), target 2 s;
#   bench/sslacc7.cfg: 60 simulated seconds of a 7-node SSLACC 200
#     cluster under a saturating handshake load, target 5 s.
# Usage: bench_run.sh BUILDDIR CONFIG TARGET_S METRIC WHAT. Fails when
# the run fails or is slower.
set -u
BLD=$(cd "${1:-.}" && pwd)
SRC=${SECSIM_DATADIR:-$BLD}
CFG=$2
TARGET=$3
METRIC=$4
WHAT=$5
T=$(mktemp -d /tmp/ss_bench_run.XXXXXX)
trap 'rm -rf "$T"' EXIT
start=$(date +%s.%N)
SECSIM_DATADIR="$SRC" "$BLD/secsim" run "$SRC/$CFG" -o "$T/b.db" --verbose > "$T/out" 2> "$T/err"
rc=$?
end=$(date +%s.%N)
if [ $rc -ne 0 ]; then
  cat "$T/out" "$T/err"
  echo "secsim run $CFG: exit status $rc: FAIL"
  exit 1
fi
times > "$T/times"
cpu=$(awk 'NR == 2 { n = split($0, f, " "); s = 0; for (i = 1; i <= n; i++) { split(f[i], ms, "m"); s += ms[1] * 60 + ms[2] } print s }' "$T/times")
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
val=$("$BLD/secsim" show "$T/b.db" --metric "$METRIC" 2>/dev/null | awk -v m="$METRIC" '$0 ~ m { for (i = 1; i <= NF; i++) if ($i == m) { print $(i + 2); exit } }')
awk -v a="$start" -v b="$end" -v c="$cpu" -v l="$load" -v t="${val:-?}" -v g="$TARGET" -v what="$WHAT" -v m="$METRIC" 'BEGIN {
  w = b - a
  printf "%s (%s %s): %.2f s wall, %.2f x the %g s target: %s\n", what, m, t, w, w / g, g, w < g ? "PASS" : "FAIL"
  printf "  %.2f s of processor time; load average %s\n", c, l
  exit !(w < g) }'
