#!/bin/sh
# Sweeps over MPI ranks: `mpirun -np 3 secsim run` (rank 0 hands out the
# work and writes the database, two ranks compute) must store exactly
# what a serial run stores, `secsim dump` byte for byte, for fixed
# replications, precision mode, batch means and derived speedups; a
# rerun keeps everything; a bad point stops every rank with the usual
# error. Runs only in an MPI build (./configure --with-mpi); the plain
# build checks that it refuses to run under mpirun. Speaks TAP.
set -u
SRC=${SS_SRCDIR:-.}
BLD=${SS_BUILDDIR:-.}
SECSIM="$BLD/secsim"
export SECSIM_DATADIR="$SRC"
T=$(mktemp -d /tmp/ss_mpi.XXXXXX)
trap 'rm -rf "$T"' EXIT
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }

FAST="--set duration=2000 --set warmup=200 --set replications=4 --quiet"

if [ "${SS_WITH_MPI:-no}" != yes ]; then
  echo "1..2"
  # What mpirun puts in the environment of each of 3 ranks.
  OMPI_COMM_WORLD_SIZE=3 "$SECSIM" run validation/mm1 -o "$T/x.db" $FAST 2> "$T/err"
  check "a build without MPI refuses to run under mpirun with several ranks (exit 2), nothing written" \
    "test \$? -eq 2 && grep -q 'built without MPI' '$T/err' && test ! -e '$T/x.db'"
  ok "# SKIP sweeps over MPI ranks: this build has no MPI (./configure --with-mpi)"
  exit $fails
fi

echo "1..9"
# root may run mpirun only when it says so; 3 ranks on fewer cores
# need --oversubscribe. A hang would be a failure, not a stuck suite.
MPIRUN="timeout 300 mpirun --allow-run-as-root --oversubscribe -np 3"

same() { # label, then the secsim run arguments
  label=$1
  shift
  "$SECSIM" run "$@" -o "$T/serial.db" --jobs 1 2> "$T/err.serial"
  s=$?
  $MPIRUN "$SECSIM" run "$@" -o "$T/mpi.db" > "$T/out.mpi" 2> "$T/err.mpi"
  m=$?
  "$SECSIM" dump "$T/serial.db" > "$T/serial.dump" 2>/dev/null
  "$SECSIM" dump "$T/mpi.db" > "$T/mpi.dump" 2>/dev/null
  rows=$(wc -l < "$T/serial.dump")
  if [ $s -eq 0 -a $m -eq 0 -a "$rows" -gt 0 ] && cmp -s "$T/serial.dump" "$T/mpi.dump"; then
    ok "$label: 3 ranks store what a serial run stores ($rows metric rows, secsim dump identical)"
  else
    nok "$label: 3 ranks against serial (exit $s and $m)"
    sed 's/^/# /' "$T/err.mpi" | head -20
  fi
  rm -f "$T/serial.db" "$T/mpi.db"
}

same "fixed replications" validation/mm1 $FAST
same "precision mode" validation/mm1 --set duration=2000 --set warmup=200 --set replications=3 \
  --set max_replications=40 --precision 0.03 --quiet
same "batch means" validation/mm1 --set method=batches --set replications=5 --set duration=2000 --set warmup=200 --quiet
same "derived speedups" nahum95/fig03_04 --set 'processors=[1,4,8]' --set stack=TCP/IP/FDDI \
  --set duration=0.05 --set warmup=0.01 --set replications=2 --quiet

$MPIRUN "$SECSIM" run validation/mm1 -o "$T/r.db" --set duration=2000 --set warmup=200 --set replications=4 \
  > /dev/null 2> "$T/err"
check "3 ranks: one summary (rank 0 speaks for the sweep)" \
  "test \$? -eq 0 && test \$(grep -c 'run(s) done now' '$T/err') -eq 1"
$MPIRUN "$SECSIM" run validation/mm1 -o "$T/r.db" --set duration=2000 --set warmup=200 --set replications=4 \
  > /dev/null 2> "$T/err"
check "3 ranks: a rerun keeps every finished run" "test \$? -eq 0 && grep -q '0 run(s) done now, 20 already done' '$T/err'"

# Rank 0 finds the bad point before anything runs; the others, waiting
# for work, are told to stop.
$MPIRUN "$SECSIM" run validation/mm1 -o "$T/bad.db" $FAST --set resource=lock --set servers=2 > /dev/null 2> "$T/err"
rc=$?
check "3 ranks: a point the model refuses stops every rank, exit status not 0, nothing written" \
  "test $rc -ne 0 -a $rc -ne 124 && grep -q 'must be 1' '$T/err' && test ! -e '$T/bad.db'"

# Ranks that load different settings would store different numbers.
timeout 300 mpirun --allow-run-as-root --oversubscribe -np 1 "$SECSIM" run validation/mm1 -o "$T/mix.db" $FAST : \
  -np 2 "$SECSIM" run validation/mm1 -o "$T/mix.db" $FAST --set service_mean=0.9 > /dev/null 2> "$T/err"
rc=$?
check "ranks whose scenarios differ: refused, exit status not 0, no run stored" \
  "test $rc -ne 0 -a $rc -ne 124 && grep -q 'ranks loaded different scenarios' '$T/err' && \
   test -z \"\$('$SECSIM' dump '$T/mix.db' 2>/dev/null)\""

$MPIRUN "$SECSIM" reproduce nahum95 --quick -o "$T/n.db" > /dev/null 2> "$T/err"
rc=$?
check "3 ranks: reproduce refuses (it runs on one machine), exit status not 0" \
  "test $rc -ne 0 -a $rc -ne 124 && grep -q 'runs on one machine' '$T/err' && test ! -e '$T/n.db'"
exit $fails
