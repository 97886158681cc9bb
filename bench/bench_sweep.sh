#!/bin/sh
# Throughput of the sweep driver: bench/sweep1000.cfg, 1,000 small
# points of uneven cost (about 3 ms of processor time each on average,
# thirty-fold from the lightest to the heaviest), one replication each.
#   --jobs 2 against --jobs 1: target at least 1.8 times the rate
#     (a perfect 2 less the store's share and the start-up);
#   in an MPI build (./configure --with-mpi), mpirun -np 3 (two ranks
#     compute, rank 0 stores) against --jobs 2: target no slower.
# The rate is points per wall second of the sweep as secsim reports it
# (from loading the points to the last commit); the time mpirun takes to
# start the ranks is printed beside it, it is not the sweep's. The
# machine may be shared, and its load drifts over seconds: the
# configurations run in five rounds, back to back, in alternating order,
# and a ratio is the median over the rounds of the ratio within a round
# (the best rate of each is printed too). The load average is printed
# with the figures for that reason.
# Usage: bench_sweep.sh BUILDDIR [yes|no: an MPI build]. Fails when a
# run fails or a target is missed.
set -u
BLD=$(cd "${1:-.}" && pwd)
WITH_MPI=${2:-no}
SRC=${SECSIM_DATADIR:-$BLD}
SECSIM="$BLD/secsim"
CFG="$SRC/bench/sweep1000.cfg"
T=$(mktemp -d /tmp/ss_bench_sweep.XXXXXX)
trap 'rm -rf "$T"' EXIT
ROUNDS=5
status=0

# Processor time (user + system) of this shell's finished children, s,
# from `times` written to $T/times by this shell itself (not in $(...),
# a subshell without those children).
cpu() {
  awk 'NR == 2 { n = split($0, f, " "); s = 0; for (i = 1; i <= n; i++) { split(f[i], ms, "m"); s += ms[1] * 60 + ms[2] } print s }' "$T/times"
}

# Runs one sweep into a fresh database: $1 the launcher (mpirun ..., or
# empty), then secsim's options; prints "SWEEP_WALL TOTAL_WALL CPU", or
# fails. No subshell may run it: `times` counts this shell's children.
one() {
  pre=$1
  out=$2
  shift 2
  rm -f "$T/b.db" "$T/b.db-wal" "$T/b.db-shm"
  times > "$T/times"
  c0=$(cpu)
  start=$(date +%s.%N)
  $pre "$SECSIM" run "$CFG" -o "$T/b.db" "$@" > "$T/out" 2> "$T/err"
  rc=$?
  end=$(date +%s.%N)
  times > "$T/times"
  c1=$(cpu)
  n=$("$SECSIM" dump "$T/b.db" 2>/dev/null | cut -f2 | sort -u | wc -l)
  w=$(sed -n 's/^secsim: 1000 point(s), 1000 run(s) done now, 0 already done; \([0-9.]*\) s wall.*/\1/p' "$T/err")
  if [ $rc -ne 0 ] || [ "$n" -ne 1000 ] || [ -z "$w" ]; then
    echo "$pre secsim run $CFG $*: exit status $rc, $n points stored" >&2
    sed 's/^/  /' "$T/err" >&2
    return 1
  fi
  awk -v w="$w" -v a="$start" -v b="$end" -v c="$c1" -v d="$c0" 'BEGIN { printf "%s %.3f %.3f\n", w, b - a, c - d }' >> "$T/$out"
}

# best CONFIG-NAME: the best (shortest) sweep wall over the rounds in $T/NAME.
best() { sort -n "$T/$1" | head -1 | cut -d' ' -f1; }
cpumed() { cut -d' ' -f3 "$T/$1" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
launch() { sort -n "$T/$1" | head -1 | awk '{ printf "%.2f", $2 - $1 }'; }

MPIRUN="mpirun --allow-run-as-root --oversubscribe -np 3"
mpi=no
if [ "$WITH_MPI" = yes ] && command -v mpirun > /dev/null; then
  mpi=yes
fi
: > "$T/j1"; : > "$T/j2"; : > "$T/mpi"
r=0
while [ $r -lt $ROUNDS ]; do
  r=$((r + 1))
  if [ $((r % 2)) -eq 1 ]; then
    one "" j1 --jobs 1 || exit 1
    one "" j2 --jobs 2 || exit 1
    if [ $mpi = yes ]; then one "$MPIRUN" mpi || exit 1; fi
  else
    if [ $mpi = yes ]; then one "$MPIRUN" mpi || exit 1; fi
    one "" j2 --jobs 2 || exit 1
    one "" j1 --jobs 1 || exit 1
  fi
done
# median A B: the median over the rounds of wall(A) / wall(B), the rate
# of B over the rate of A.
median() {
  paste -d' ' "$T/$1" "$T/$2" | awk '{ print $1 / $4 }' | sort -n |
    awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
j1=$(best j1)
j2=$(best j2)
awk -v a="$j1" -v b="$j2" -v r=$ROUNDS -v l="$load" -v c="$(nproc 2>/dev/null || echo 1)" -v q="$(median j1 j2)" -v c1="$(cpumed j1)" -v c2="$(cpumed j2)" 'BEGIN {
  ra = 1000 / a; rb = 1000 / b
  printf "sweep of 1000 points (best of %d rounds): --jobs 1 %.0f points/s (%.2f s), --jobs 2 %.0f points/s (%.2f s)\n", r, ra, a, rb, b
  printf "--jobs 2 over --jobs 1, median of the rounds: %.2fx (target >= 1.8x): %s\n", q, (q >= 1.8 ? "PASS" : "FAIL")
  printf "  load average %s on %d cores; processor time per sweep (median): --jobs 1 %.2f s, --jobs 2 %.2f s\n", l, c, c1, c2
  exit !(q >= 1.8) }' || status=1
if [ $mpi = yes ]; then
  m=$(best mpi)
  awk -v b="$j2" -v m="$m" -v s="$(launch mpi)" -v q="$(median j2 mpi)" -v c="$(cpumed mpi)" 'BEGIN {
    rm = 1000 / m
    printf "mpirun -np 3 (2 ranks compute) %.0f points/s (best, %.2f s, and %.2f s for mpirun to start and stop the ranks; %.2f s of processor time)\n", rm, m, s, c
    printf "3 MPI ranks over --jobs 2, median of the rounds: %.2fx (target >= 1.0x, no slower): %s\n", q, (q >= 1.0 ? "PASS" : "FAIL")
    exit !(q >= 1.0) }' || status=1
else
  echo "3 MPI ranks over --jobs 2: SKIP (this build has no MPI or no mpirun: ./configure --with-mpi, Debian openmpi-bin libopenmpi-dev)"
fi
exit $status
