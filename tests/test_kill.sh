#!/bin/sh
# Nothing lost: a sweep killed with SIGKILL at random moments, several
# times in a row, keeps every run it finished, leaves a sound database
# (PRAGMA integrity_check), and a rerun completes only what is missing,
# ending with exactly the results (every metric, every point's mean and
# interval, to the bit) of an uninterrupted run. Also a full disk (a
# small tmpfs) and a read-only results folder: a clear error and no
# partial rows. Speaks TAP.
set -u
SRC=${SS_SRCDIR:-.}
BLD=${SS_BUILDDIR:-.}
SECSIM="$BLD/secsim"
export SECSIM_DATADIR="$SRC"
T=$(mktemp -d /tmp/ss_kill.XXXXXX)
MNT="$T/full"
cleanup() {
  umount "$MNT" 2> /dev/null
  chmod -R u+w "$T" 2> /dev/null
  rm -rf "$T"
}
trap cleanup EXIT
KILLS=5
plan=$((KILLS * 2 + 13))
echo "1..$plan"
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }

command -v sqlite3 > /dev/null || { echo "Bail out! the sqlite3 shell is needed (./quickstart installs it)"; exit 1; }
integrity() { test "$(sqlite3 "$1" 'PRAGMA integrity_check' 2>&1)" = ok; }
# Every mean and interval of the points view at full precision.
points() { sqlite3 "$1" "SELECT figure, series, x, metric, printf('%.17g %.17g %.17g', mean, ci_low, ci_high), n FROM points ORDER BY 1, 2, 3, 4"; }
nruns() { sqlite3 "$1" "SELECT count(*) FROM runs WHERE status = 'done'"; }

# 5 points x 8 replications, each run long enough that a kill lands in
# the middle of the sweep; two jobs, so runs finish out of order.
SW="validation/mm1 --set duration=600000 --set warmup=200 --set replications=8"
TOTAL=40
"$SECSIM" run $SW --quiet --jobs 1 -o "$T/ref.db" 2> "$T/err"
check "the uninterrupted reference run" "test \$? -eq 0 && test \$(nruns '$T/ref.db') -eq $TOTAL"
"$SECSIM" dump "$T/ref.db" > "$T/ref.dump"
points "$T/ref.db" > "$T/ref.points"

# Random moments: 0.05 to 1.3 s after each start (the whole sweep takes
# several seconds here), printed so a failure can be replayed.
delays=$(od -An -N$((2 * KILLS)) -tu2 /dev/urandom | awk '{for (i = 1; i <= NF; i++) printf "%.2f ", 0.05 + 1.25 * $i / 65535}')
echo "# kill -9 after: $delays s"
: > "$T/prev.dump"
prev=0
for d in $delays; do
  "$SECSIM" run $SW --quiet --jobs 2 -o "$T/k.db" 2> /dev/null &
  pid=$!
  sleep "$d"
  kill -9 $pid 2> /dev/null
  wait $pid 2> /dev/null
  if [ -e "$T/k.db" ]; then
    "$SECSIM" dump "$T/k.db" > "$T/cur.dump" 2> "$T/err"
    now=$(nruns "$T/k.db")
    check "killed after $d s: PRAGMA integrity_check is ok" "integrity '$T/k.db'"
  else
    : > "$T/cur.dump"
    now=0
    ok "killed after $d s, before the store was created"
  fi
  # Every run finished before this kill is still there, unchanged.
  check "killed after $d s: the $prev earlier runs are all kept ($now now)" \
    "test $now -ge $prev && test -z \"\$(comm -23 '$T/prev.dump' '$T/cur.dump')\""
  prev=$now
  mv "$T/cur.dump" "$T/prev.dump"
done

"$SECSIM" run $SW --jobs 2 -o "$T/k.db" > /dev/null 2> "$T/err"
rc=$?
missing=$((TOTAL - prev))
check "the rerun completes only what is missing ($missing of $TOTAL runs)" \
  "test $rc -eq 0 && grep -q '$missing run(s) done now, $prev already done' '$T/err'"
check "after the kills the database is sound" "integrity '$T/k.db'"
"$SECSIM" dump "$T/k.db" > "$T/k.dump"
check "every metric of every run equals the uninterrupted run's" "cmp -s '$T/ref.dump' '$T/k.dump'"
points "$T/k.db" > "$T/k.points"
check "every point's mean and interval equals the uninterrupted run's, to the bit" \
  "test -s '$T/k.points' && cmp -s '$T/ref.points' '$T/k.points'"

# A full disk: a tmpfs too small for the store (200 KB) and one that
# fills part way through the sweep (700 KB). The run fails saying so;
# what is in the file is sound and made of whole runs only.
mkdir "$MNT"
if mount -t tmpfs -o size=200k tmpfs "$MNT" 2> "$T/mnt"; then
  "$SECSIM" run validation/mm1 --set duration=2000 --set replications=40 --quiet -o "$MNT/x.db" 2> "$T/err"
  check "a 200 KB disk: exit 1, the error says the disk is full" "test \$? -eq 1 && grep -q 'the disk is full' '$T/err'"
  check "a 200 KB disk: the file is sound and holds no run" \
    "integrity '$MNT/x.db' && test \"\$(sqlite3 '$MNT/x.db' 'SELECT count(*) FROM runs' 2>/dev/null || echo 0)\" -eq 0"
  umount "$MNT"
  mount -t tmpfs -o size=700k tmpfs "$MNT"
  "$SECSIM" run validation/mm1 --set duration=2000 --set replications=40 --quiet -o "$MNT/x.db" 2> "$T/err"
  check "a disk that fills during the sweep: exit 1, the error says the disk is full" \
    "test \$? -eq 1 && grep -q 'the disk is full' '$T/err'"
  check "the runs before the disk filled are sound and whole (every run has all its metrics)" \
    "integrity '$MNT/x.db' && test \$(nruns '$MNT/x.db') -gt 0 && test \"\$(sqlite3 '$MNT/x.db' 'SELECT count(DISTINCT c) FROM (SELECT count(m.name) AS c FROM runs r LEFT JOIN metrics m ON m.run_id = r.id GROUP BY r.id)')\" = 1"
  umount "$MNT"
else
  for i in 1 2 3 4; do skip "mounting a tmpfs is not permitted here: $(head -1 "$T/mnt")"; done
fi

# A read-only results folder: refused before anything runs, nothing
# created; a store already there is left as it was.
mkdir "$T/ro"
"$SECSIM" run validation/mm1 --set duration=200 --set replications=2 --quiet -o "$T/ro/old.db" 2> "$T/err"
"$SECSIM" dump "$T/ro/old.db" > "$T/old.dump"
chmod a-w "$T/ro"
"$SECSIM" run validation/mm1 --set duration=200 --set replications=2 --quiet -o "$T/ro/new.db" 2> "$T/err"
check "a new store in a read-only folder: exit 2 naming the folder, nothing created" \
  "test \$? -eq 2 && grep -q 'directory $T/ro is read-only' '$T/err' && test ! -e '$T/ro/new.db'"
"$SECSIM" run validation/mm1 --set duration=200 --set replications=4 --quiet -o "$T/ro/old.db" 2> "$T/err"
check "more runs into a store in a read-only folder: exit 2" "test \$? -eq 2 && grep -q 'read-only' '$T/err'"
check "that store is unchanged" "\"\$SECSIM\" dump '$T/ro/old.db' | cmp -s - '$T/old.dump'"
chmod u+w "$T/ro"
chmod a-w "$T/ro/old.db"
"$SECSIM" run validation/mm1 --set duration=200 --set replications=4 --quiet -o "$T/ro/old.db" 2> "$T/err"
check "a read-only store file: exit 2 saying so, unchanged" \
  "test \$? -eq 2 && grep -q 'the file is read-only' '$T/err' && \"\$SECSIM\" dump '$T/ro/old.db' | cmp -s - '$T/old.dump'"

[ $n -eq $plan ] || { echo "# planned $plan checks, ran $n"; exit 1; }
[ $fails -eq 0 ]
