#!/bin/sh
# Wall time of the default reproduction as ./quickstart reproduce runs it
# (`secsim reproduce nahum95 --jobs $(nproc) --check`: every scenario at
# the default fidelity, the plots and the claim checks), in a scratch
# directory as on a fresh clone, so the host profile's quick calibration
# is included. Target: under 2 minutes of wall time, what a user
# measures. Processor time and the load average are printed with it: on
# a machine that other work shares, the wall time is longer than the
# processor time over the cores suggests.
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
# Processor time of this shell's children so far (no subshell: `times`
# reports the shell's own children).
times > times.txt
cpu=$(awk 'NR == 2 { n = split($0, f, " "); s = 0; for (i = 1; i <= n; i++) { split(f[i], ms, "m"); s += ms[1] * 60 + ms[2] } print s }' times.txt)
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
awk -v a="$start" -v b="$end" -v j="$JOBS" -v c="$cpu" -v l="$load" 'BEGIN {
  w = b - a
  printf "secsim reproduce nahum95 --jobs %d --check: %.1f s wall (target < 120 s): %s\n", j, w, w < 120 ? "PASS" : "FAIL"
  printf "  %.1f s of processor time on %d core(s); load average %s\n", c, j, l
  exit !(w < 120) }'
