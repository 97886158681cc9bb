#!/bin/sh
# A pin on the mpstack model: short runs of every stack of the nahum95
# scenarios (and of tests/data/rebuild_stacks.cfg), under plp, tpc and
# ppc, send and receive, on 1, 2, 5 and 12 processors (and beyond), with
# several connection counts, execute mode on and off and corrupted
# packets, through `secsim run` and `secsim dump`; and the timelines of
# `secsim trace`. Every stored metric must equal, bit for bit (%.17g
# round-trips a double), tests/data/rebuild.expected, which was written
# by this script. A change to the model's numbers must be deliberate:
# regenerate the file with
#   SS_REBUILD_WRITE=1 tests/test_rebuild.sh
# and say in the commit why the numbers moved. Speaks TAP.
set -u
SRC=$(cd "${SS_SRCDIR:-.}" && pwd)
BLD=$(cd "${SS_BUILDDIR:-.}" && pwd)
SECSIM="$BLD/secsim"
EXPECTED="$SRC/tests/data/rebuild.expected"
export SECSIM_DATADIR="$SRC"
# The timelines' text is what is compared; drawing them is not needed.
export SECSIM_GNUPLOT=true
T=$(mktemp -d /tmp/ss_rebuild.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

N95="$SRC/scenarios/nahum95"
# Short runs: enough packets for every mechanism (lock hand-offs, bus
# contention, quantum expiry at 10 ms, connection changes) to act.
SHORT="--set replications=1 --set warmup=0.1 --set duration=0.5"
P4="--set processors=[1,2,5,12]"

# name|scenario|settings. Each case runs into its own database.
cat > "$T/cases" <<EOF
plp-send|$N95/fig03_04.cfg|$SHORT $P4
plp-recv|$N95/fig05_06.cfg|$SHORT $P4
tpc-send|$N95/fig07_08.cfg|$SHORT $P4
tpc-recv|$N95/fig09_10.cfg|$SHORT $P4
tpc-ppc-send|$N95/fig11.cfg|$SHORT --set connections=[12,30]
tpc-ppc-recv|$N95/fig11.cfg|$SHORT --set side=recv --set processors=5 --set connections=[3,7]
table1|$N95/table1.cfg|$SHORT
table2|$N95/table2.cfg|$SHORT
udp|$N95/udp.cfg|$SHORT $P4
scale64|$N95/scale64.cfg|--set replications=1 --set warmup=0.02 --set duration=0.1 --set processors=[2,32]
host64-challenge|$N95/host64.cfg|--set replications=1 --set warmup=0.02 --set duration=0.1 --set host=challenge-xl --set profile=p3-846 $P4
host64-scaled|$N95/host64.cfg|--set replications=1 --set warmup=0.002 --set duration=0.01 --set host=challenge-xl --set profile=p3-846 --set proto_scale=0 --set processors=[1,5]
whatif-bus|$N95/whatif_bus.cfg|$SHORT --set bus_bandwidth=[200e6,1200e6]
whatif-shared|$N95/whatif_shared.cfg|$SHORT --set shared_bytes=[0,2048]
plp-multiconn-block|$N95/fig03_04.cfg|$SHORT --set processors=5 --set connections=[3,12] --set lock=block
plp-threads|$N95/fig05_06.cfg|$SHORT --set processors=12 --set connections=4 --set threads=20
plp-small|$N95/fig03_04.cfg|$SHORT --set processors=[1,5] --set packet_bytes=1024 --set cost_cv=0 --set cache_line=0
tpc-small|$N95/fig07_08.cfg|$SHORT --set processors=[1,5] --set packet_bytes=1024 --set cost_cv=0 --set cache_line=0
crypto-set|$N95/fig03_04.cfg|$SHORT --set processors=2 --set crypto_set=md5.per_byte_ns=300,des-cbc.per_byte_ns=1700
exec-plp-send|$N95/fig03_04.cfg|$SHORT --set processors=[1,5] --set execute=true
exec-tpc-recv-corrupt|$N95/fig09_10.cfg|$SHORT --set processors=[1,5] --set execute=true --set corrupt_every=3
exec-ppc-corrupt|$N95/fig11.cfg|$SHORT --set connections=30 --set execute=true --set corrupt_every=7
exec-aes-sha1|$N95/host64.cfg|--set replications=1 --set warmup=0.02 --set duration=0.1 --set host=challenge-xl --set profile=p3-846 --set processors=[1,2] --set execute=true --set corrupt_every=5
stacks|$SRC/tests/data/rebuild_stacks.cfg|
stacks-recv-tpc|$SRC/tests/data/rebuild_stacks.cfg|--set side=recv --set parallelism=tpc --set connections=4
stacks-exec|$SRC/tests/data/rebuild_stacks.cfg|--set processors=2 --set execute=true --set corrupt_every=4 --set proto_scale=1
EOF
# name|trace arguments: the default pair (TCP/IP and DES), a receive
# side, a stack without FDDI, a blocking lock over two connections.
cat > "$T/traces" <<EOF
default|
recv-3des|--stack 3DES/TCP/IP/FDDI --set side=recv --processors 3 --start-us 50000 --window-us 60000
udp-nofddi|--stack DES/UDP/MD5/IP --processors 2 --window-us 30000
block|--stack TCP/MD5/IP/FDDI --set lock=block --set connections=2 --processors 5 --window-us 4000
EOF

# One case's metrics as a section: "== NAME", then for each run a line
# "@ KEY rep R seed S bottleneck B" (KEY: the point key less the
# settings all the case's points share, and less the label, which
# repeats the stack) and its metrics, "NAME VALUE", one a line.
short_dump() {
  echo "== $2"
  "$SECSIM" dump "$1" | awk -F '\t' '
    { line[NR] = $0
      if (!($2 in seen)) { seen[$2] = 1; nk++; n = split($2, it, ";"); for (i = 1; i <= n; i++) cnt[it[i]]++ } }
    END {
      for (r = 1; r <= NR; r++) {
        split(line[r], f, "\t")
        if (f[2] != pk || f[3] != pr) {
          pk = f[2]; pr = f[3]; n = split(f[2], it, ";"); k = ""
          for (i = 1; i <= n; i++)
            if (cnt[it[i]] < nk && it[i] !~ /^label=/) k = k (k == "" ? "" : ";") it[i]
          printf "@ %s rep %s seed %s bottleneck %s\n", k == "" ? "-" : k, f[3], f[4], f[7] == "" ? "-" : f[7]
        }
        printf "%s %s\n", f[5], f[6]
      }
    }'
}

: > "$T/got"
errs=0
while IFS='|' read -r name file sets; do
  # shellcheck disable=SC2086 # the settings are words
  if ! "$SECSIM" run "$file" -o "$T/$name.db" $sets --jobs 2 --quiet 2> "$T/$name.err"; then
    errs=$((errs + 1)); echo "# case $name: secsim run failed:"; sed 's/^/#   /' "$T/$name.err"
  fi
  short_dump "$T/$name.db" "$name" >> "$T/got"
done < "$T/cases"
while IFS='|' read -r name args; do
  mkdir -p "$T/tr-$name"
  # shellcheck disable=SC2086
  if ! "$SECSIM" trace $args -d "$T/tr-$name" > /dev/null 2> "$T/tr-$name.err"; then
    errs=$((errs + 1)); echo "# trace $name failed:"; sed 's/^/#   /' "$T/tr-$name.err"
  fi
  for f in "$T/tr-$name"/*.txt; do
    [ -f "$f" ] || continue
    b=$(basename "$f" .txt)
    { echo "== trace:$name:$b"; grep -v '^#' "$f"; } >> "$T/got"
  done
done < "$T/traces"

if [ "${SS_REBUILD_WRITE:-}" = 1 ]; then
  if [ $errs -ne 0 ]; then echo "not writing $EXPECTED: $errs case(s) failed" >&2; exit 1; fi
  cp "$T/got" "$EXPECTED"
  echo "wrote $EXPECTED: $(wc -l < "$EXPECTED") lines" >&2
  exit 0
fi

# One check per case and per timeline: every line identical, none
# missing, none extra; then the whole file and the count of metrics.
ncases=$(wc -l < "$T/cases")
ntraces=$(wc -l < "$T/traces")
echo "1..$((ncases + ntraces + 2))"
n=0
section() { awk -v p="$1" '/^== / { on = index($2, p) == 1 } on' "$2"; }
compare() { # section-prefix label unit
  section "$1" "$EXPECTED" > "$T/want.part"
  section "$1" "$T/got" > "$T/got.part"
  n=$((n + 1))
  w=$(grep -vc '^[=@]' "$T/want.part"); g=$(grep -vc '^[=@]' "$T/got.part")
  if [ "$w" -gt 0 ] && cmp -s "$T/want.part" "$T/got.part"; then
    echo "ok $n - $2: $g $3 identical"
  else
    echo "not ok $n - $2: $g $3, $w expected, $(diff "$T/want.part" "$T/got.part" | grep -c '^[<>]') lines differ"
    diff "$T/want.part" "$T/got.part" | head -20 | sed 's/^/# /'
  fi
}
while IFS='|' read -r name file sets; do
  compare "$name" "case $name" metrics
done < "$T/cases"
while IFS='|' read -r name args; do
  compare "trace:$name:" "trace $name" intervals
done < "$T/traces"
n=$((n + 1))
if cmp -s "$EXPECTED" "$T/got"; then echo "ok $n - the whole output equals tests/data/rebuild.expected"
else echo "not ok $n - the output differs from tests/data/rebuild.expected"; fi
n=$((n + 1))
metrics=$(awk '/^== / { m = $2 !~ /^trace:/; next } m && !/^@ /' "$T/got" | wc -l)
if [ $errs -eq 0 ] && [ "$metrics" -gt 0 ]; then
  echo "ok $n - $metrics stored metrics compared, every run and trace succeeded"
else
  echo "not ok $n - $errs run(s) or trace(s) failed ($metrics metrics)"
fi
