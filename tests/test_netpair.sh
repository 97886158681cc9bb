#!/bin/sh
# The netpair model through `secsim run`: a tiny scenario (tests/data/
# netpair_tiny.cfg) runs and stores its points, --set overrides a
# parameter, and bad parameters are refused with a message naming what
# is wrong, exit status 2 and no database. Speaks TAP.
set -u
SRC=${SS_SRCDIR:-.}
BLD=${SS_BUILDDIR:-.}
SECSIM="$BLD/secsim"
export SECSIM_DATADIR="$SRC"
CFG="$SRC/tests/data/netpair_tiny.cfg"
T=$(mktemp -d /tmp/ss_netpair.XXXXXX)
trap 'rm -rf "$T"' EXIT
plan=15
echo "1..$plan"
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }

"$SECSIM" models > "$T/models" 2>&1
check "secsim models lists netpair and its parameters" \
  "grep -q '^netpair' '$T/models' && grep -q 'irq_min_interval_us' '$T/models'"

"$SECSIM" run "$CFG" -o "$T/a.db" --quiet 2> "$T/err"
check "the tiny scenario runs" "test \$? -eq 0 -a -s '$T/a.db'"
"$SECSIM" show "$T/a.db" --metric throughput > "$T/show"
# 100 Mbit/s, full 1460-byte segments: 94.9 Mbit/s of goodput at most;
# ESP carries less payload per frame (MSS 1418).
ip=$(awk '$2 == "IP" && $3 == "throughput" { print $5 }' "$T/show")
esp=$(awk '$2 == "ESP" && $5 == "throughput" { print $7 }' "$T/show")
check "plain IP fills the 100 Mbit/s link (90..94.93 Mbit/s: $ip)" \
  "awk -v x='${ip:-0}' 'BEGIN { exit !(x > 90 && x <= 94.93) }'"
check "ESP AES128 SHA1 carries less than plain IP ($esp < $ip)" \
  "awk -v x='${esp:-0}' -v y='${ip:-0}' 'BEGIN { exit !(x > 80 && x < y) }'"

"$SECSIM" run "$CFG" -o "$T/b.db" --quiet --set link_mbps=10 --set ipsec=IP 2> "$T/err"
"$SECSIM" show "$T/b.db" --metric throughput > "$T/show10"
ten=$(awk '$3 == "throughput" { print $5 }' "$T/show10")
check "--set link_mbps=10 --set ipsec=IP: one point under 10 Mbit/s ($ten)" \
  "test \$(grep -c throughput '$T/show10') -eq 1 && awk -v x='${ten:-0}' 'BEGIN { exit !(x > 9 && x < 10) }'"

# Refusals: exit status 2, the reason on stderr, nothing written.
refused() {
  what=$1
  pattern=$2
  shift 2
  "$SECSIM" run "$CFG" -o "$T/bad.db" --quiet "$@" > "$T/out" 2> "$T/err"
  rc=$?
  check "$what (exit $rc)" "test $rc -eq 2 && grep -q \"$pattern\" '$T/err' && ! test -s '$T/bad.db'"
}
refused "an unknown host profile is refused with the valid ones" "no such host profile (hosts: .*X1" --set sender=Z80
refused "bad IPsec text: the parser's message" "'FOO' is not an ESP cipher" --set "ipsec=ESP FOO"
refused "an MTU out of range" "out of range \[576, 9000\]" --set mtu=100
refused "a 10/100 NIC on a gigabit link" "drives at most 100 Mbit/s" --set sender=P2 --set link_mbps=1000
refused "corrupt_every without execute" "corrupt_every needs execute" --set corrupt_every=5

# A host whose crypto profile is this machine's calibration ("modern":
# crypto profile "host"): the command line writes the derived profile
# under results/ (a quick calibration first: the test's directory has
# none) and points sender_profile and receiver_profile at it.
ABS_SECSIM=$(cd "$(dirname "$SECSIM")" && pwd)/$(basename "$SECSIM")
MCFG=$(cd "$SRC" && pwd)/tests/data/netpair_modern.cfg
ABS_SRC=$(cd "$SRC" && pwd)
(cd "$T" && SECSIM_DATADIR="$ABS_SRC" "$ABS_SECSIM" run "$MCFG" -o "$T/m.db" --quiet 2> "$T/merr")
check "a netpair host with the calibrated profile runs (a quick calibration first)" \
  "test \$? -eq 0 -a -s '$T/m.db' -a -s '$T/results/profiles/host.cfg' -a -s '$T/results/calibration.db'"
check "its crypto profile is the file written from the calibration, hashed into the run's inputs" \
  "sqlite3 '$T/m.db' 'select inputs from runs' | grep -q 'sender_profile=results/profiles/host.cfg sha256:.*receiver_profile=results/profiles/host.cfg sha256:'"
"$SECSIM" show "$T/m.db" > "$T/mshow"
mss=$(awk '$4 == "mss" { print $6 }' "$T/mshow")
tput=$(awk '$4 == "throughput" { print $6 }' "$T/mshow")
util=$(awk '$4 == "cpu_util" { print $6 }' "$T/mshow")
cores=$(awk '$4 == "cores_needed" { print $6 }' "$T/mshow")
# ESP AES128-GCM at MTU 1500: 20 (IP) + 8 (SPI, sequence) + 8 (IV,
# RFC 4106 sec. 3.1) + 16 (ICV) + 2 (pad length, next header) leave a
# 1446-byte transport segment (4-byte aligned: RFC 4303 sec. 2.4), MSS
# 1426 after the 20-byte TCP header.
check "ESP AES128-GCM at MTU 1500: MSS 1426 ($mss)" "test '${mss:-0}' = 1426"
# cores_needed at 40 Gbit/s for a CPU-bound stream: full segments carry
# 1426 - 12 (timestamps) = 1414 bytes in 1500 + 38 bytes on the wire
# (IEEE 802.3 framing): 40000 x 1414 / 1538 = 36775.0 Mbit/s of goodput.
check "cores_needed = ceil(36775.0 / $tput) for a stream its processor limits (cpu_util $util): $cores" \
  "awk -v t='${tput:-0}' -v u='${util:-0}' -v c='${cores:-0}' 'BEGIN { g = 40000 * 1414 / 1538; n = int(g / t); if (n < g / t) n++; exit !(u >= 0.95 && t > 0 && c == n) }'"
# A sweep over hosts, one of them calibrated, would need a profile file
# per point: refused.
(cd "$T" && SECSIM_DATADIR="$ABS_SRC" "$ABS_SECSIM" run "$MCFG" -o "$T/bad2.db" --quiet --set 'sender=[modern,X1]' > "$T/out" 2> "$T/err")
rc=$?
check "sweeping sender over a calibrated host is refused (exit $rc)" \
  "test $rc -eq 2 && grep -q \"sweeping sender over 'modern'\" '$T/err' && ! test -s '$T/bad2.db'"

test $n -eq $plan || { echo "# ran $n of $plan checks"; exit 1; }
test $fails -eq 0
