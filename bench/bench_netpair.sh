#!/bin/sh
# Speed of the netpair model: bench/netpair1g.cfg, 10 simulated seconds
# of a saturated 1 Gbit/s IPsec stream (X1 -> X2, ESP AES128 SHA1), one
# run through `secsim run`. Target: under 2 s of wall time, printed as
# the ratio wall / 2 s (below 1 passes), with the processor time and the
# load average (on a shared machine the wall time follows the load).
# Usage: bench_netpair.sh BUILDDIR. Fails when the run fails or is slower.
set -u
BLD=$(cd "${1:-.}" && pwd)
SRC=${SECSIM_DATADIR:-$BLD}
T=$(mktemp -d /tmp/ss_bench_netpair.XXXXXX)
trap 'rm -rf "$T"' EXIT
start=$(date +%s.%N)
SECSIM_DATADIR="$SRC" "$BLD/secsim" run "$SRC/bench/netpair1g.cfg" -o "$T/b.db" --verbose > "$T/out" 2> "$T/err"
rc=$?
end=$(date +%s.%N)
if [ $rc -ne 0 ]; then
  cat "$T/out" "$T/err"
  echo "secsim run bench/netpair1g.cfg: exit status $rc: FAIL"
  exit 1
fi
times > "$T/times"
cpu=$(awk 'NR == 2 { n = split($0, f, " "); s = 0; for (i = 1; i <= n; i++) { split(f[i], ms, "m"); s += ms[1] * 60 + ms[2] } print s }' "$T/times")
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
tput=$("$BLD/secsim" show "$T/b.db" --metric throughput 2>/dev/null | awk '$0 ~ /throughput/ { for (i = 1; i <= NF; i++) if ($i == "throughput") { print $(i + 2); exit } }')
awk -v a="$start" -v b="$end" -v c="$cpu" -v l="$load" -v t="${tput:-?}" 'BEGIN {
  w = b - a
  printf "netpair X1->X2 1 Gbit/s ESP AES128 SHA1, 10 simulated s (%s Mbit/s): %.2f s wall, %.2f x the 2 s target: %s\n", t, w, w / 2, w < 2 ? "PASS" : "FAIL"
  printf "  %.2f s of processor time; load average %s\n", c, l
  exit !(w < 2) }'
