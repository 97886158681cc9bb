#!/bin/sh
# Wall time of a default reproduction as ./quickstart reproduce runs it
# (`secsim reproduce STUDY --jobs $(nproc) --check`: every scenario at
# the default fidelity, the plots and the claim checks), in a scratch
# directory as on a fresh clone, so the host profile's quick calibration
# is included. Target: under TARGET seconds of wall time, what a user
# measures (nahum95: 2 minutes; iatrou: 3 minutes at --jobs 2; ocf, thekkath and sslacc: 1 minute). Processor time and the load average are printed with it: on
# a machine that other work shares, the wall time is longer than the
# processor time over the cores suggests.
# Fails when the reproduction fails or takes longer.
# Usage: bench_reproduce.sh BUILDDIR [STUDY [TARGET_S]]
set -u
BLD=$(cd "${1:-.}" && pwd)
STUDY=${2:-nahum95}
TARGET=${3:-120}
JOBS=$(nproc 2>/dev/null || echo 2)
T=$(mktemp -d /tmp/ss_bench_repro.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T"
start=$(date +%s.%N)
SECSIM_DATADIR="${SECSIM_DATADIR:-$BLD}" "$BLD/secsim" reproduce "$STUDY" --jobs "$JOBS" --check > out 2> err
rc=$?
end=$(date +%s.%N)
grep "simulated in" err
if [ $rc -ne 0 ]; then
  tail -20 out
  cat err
  echo "secsim reproduce $STUDY --jobs $JOBS --check: exit status $rc: FAIL"
  exit 1
fi
# Processor time of this shell's children so far (no subshell: `times`
# reports the shell's own children).
times > times.txt
cpu=$(awk 'NR == 2 { n = split($0, f, " "); s = 0; for (i = 1; i <= n; i++) { split(f[i], ms, "m"); s += ms[1] * 60 + ms[2] } print s }' times.txt)
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
awk -v a="$start" -v b="$end" -v j="$JOBS" -v c="$cpu" -v l="$load" -v s="$STUDY" -v t="$TARGET" 'BEGIN {
  w = b - a
  printf "secsim reproduce %s --jobs %d --check: %.1f s wall (target < %d s): %s\n", s, j, w, t, w < t ? "PASS" : "FAIL"
  printf "  %.1f s of processor time on %d core(s); load average %s\n", c, j, l
  exit !(w < t) }'
