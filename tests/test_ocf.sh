#!/bin/sh
# The OCF reproduction (Keromytis et al.): every OCF claim through
# `secsim reproduce ocf --check` (default fidelity: the model is
# deterministic and the whole study takes seconds), one TAP line per
# claim (an expected failure, XFAIL, is "not ok # TODO" with its reason),
# the table cells, the figures; then the card presets' anchors recomputed
# from the reference rows and the model, and the bus bound of a NIC and a
# card sharing one bus, against its closed form.
set -u
SRC=$(cd "${SS_SRCDIR:-.}" && pwd)
BLD=$(cd "${SS_BUILDDIR:-.}" && pwd)
export SECSIM_DATADIR="$SRC"
T=$(mktemp -d /tmp/ss_ocf.XXXXXX)
cd "$T" || exit 1
trap 'rm -rf "$T"' EXIT
"$BLD/secsim" reproduce ocf --check -o "$T/o.db" -d "$T/plots" > "$T/claims" 2> "$T/err"
rc=$?
. "$SRC/tests/study.sh"
ids=$(study_claim_ids OCF)
figs="table1 table2 fig1 fig4 placement-pci32 placement-pci64"
echo "1..$(( $(echo "$ids" | grep -c .) + 1 + 2 + 1 + $(echo $figs | wc -w) + 1 + 2 + 3 + 3 ))"
n=0
study_claims OCF

# Tables 1 and 2: a verdict for each of the 42 cells the paper gives
# (Table 1's 30, Table 2's rows of 1 and 32 threads), none failing
# outright (expected failures are listed with their reasons).
study_cells 'OCF-T[12]/' 42 "the rest inputs (2) or listed deviations"
study_summary
study_log ocf
study_figs $figs
study_stored "$T/o.db"

# The presets' anchors. Hifn 7751: Table 1's peak over four chips at the
# "over 96%" of section 5.4 (OCF-152, OCF-166).
n=$((n + 1))
want=$(python3 - "$SRC/reference/ocf03.csv" <<'EOF'
import csv, sys
rows = {r["id"]: r["value"] for r in csv.DictReader(open(sys.argv[1], newline=""))}
rows = {k: float(rows[k]) for k in ("OCF-152", "OCF-166", "OCF-157")}
print("%.3f" % (rows["OCF-152"] / (4 * rows["OCF-166"] / 100)))
EOF
)
got=$(sed -n '/param = "3des_mbps"/s/.*value = \([0-9.]*\);.*/\1/p' "$SRC/platform/coprocs/hifn7751.cfg")
if [ "$got" = "$want" ]; then echo "ok $n - hifn7751 3des_mbps $got = OCF-152 / (4 x OCF-166%)"
else echo "not ok $n - hifn7751 3des_mbps $got, the rows give $want"; fi
# Broadcom 5820: solved from Table 2's one-thread 8192-byte cell (OCF-157)
# with the host's serial path at that size, measured at two rates.
n=$((n + 1))
lat() {
  "$BLD/secsim" run "$SRC/scenarios/ocf/fig1.cfg" -o "$T/a$1.db" --quiet --set 'label=5820 3DES' \
    --set buffer=8192 --set card_mbps="$1" > /dev/null 2>&1 &&
  "$BLD/secsim" show "$T/a$1.db" --metric latency_us | awk 'NR > 1 { for (i = 1; i < NF; i++) if ($i == "latency_us") print $(i + 2) }'
}
l1=$(lat 300); l2=$(lat 1000)
res=$(python3 - "$SRC/reference/ocf03.csv" "$l1" "$l2" "$SRC/platform/coprocs/bcm5820.cfg" <<'EOF'
import csv, re, sys
rows = {r["id"]: r["value"] for r in csv.DictReader(open(sys.argv[1], newline=""))}
rows = {k: float(rows[k]) for k in ("OCF-152", "OCF-166", "OCF-157")}
l1, l2 = float(sys.argv[2]), float(sys.argv[3])
over = 1.0  # the preset's request_overhead_us
bits = 8192 * 8
x1, x2 = l1 - bits / 300 - over, l2 - bits / 1000 - over  # us of host path and DMA
t = bits / rows["OCF-157"]
rate = bits / (t - x1 - over)
preset = float(re.search(r'param = "3des_mbps"; value = ([0-9.]+);', open(sys.argv[4]).read()).group(1))
ok = abs(x1 - x2) < 0.01 and abs(rate / preset - 1) < 0.001
print("%s serial path %.2f us (at 300 and 1000 Mbit/s: %.2f), solved rate %.2f, preset %.2f" % ("ok" if ok else "bad", x1, x2, rate, preset))
EOF
)
case "$res" in
  ok*) echo "ok $n - bcm5820 3des_mbps: ${res#ok }";;
  *) echo "not ok $n - bcm5820 3des_mbps anchor: $res";;
esac

# The bus with a NIC and a card: the closed-form bound (each packet's DMAs
# over the bus alone) is approached and never exceeded; inline lifts it.
bound() {
  "$BLD/secsim" run "$SRC/scenarios/ocf/placement.cfg" -o "$T/p.db" --quiet --set iobus=pci32-33 \
    --set 'card_mbps=[800,3200,12800]' > /dev/null 2>&1
}
bound
tp() {
  "$BLD/secsim" show "$T/p.db" --series "$1, pci32-33" --metric "$2" |
    awk -v m="$2" -v x="$3" 'NR > 1 { for (i = 1; i < NF; i++) if ($i == m && $(i + 1) == x) print $(i + 2) }'
}
for x in 3200 12800; do
  n=$((n + 1))
  t=$(tp "look-aside card" throughput $x); b=$(tp "look-aside card" bus_bound $x)
  if awk -v t="$t" -v b="$b" 'BEGIN { exit !(t != "" && t <= b * (1 + 1e-9) && t >= 0.99 * b) }'; then
    echo "ok $n - look-aside card at $x Mbit/s on PCI 32/33 with the NIC: $t Mbit/s, bound $b (within 1%, never above)"
  else echo "not ok $n - look-aside at $x: $t Mbit/s against the bound $b"; fi
done
n=$((n + 1))
t=$(tp "look-aside card" throughput 12800); i=$(tp "inline (NIC)" throughput 12800); ib=$(tp "inline (NIC)" bus_bound 12800)
if awk -v t="$t" -v i="$i" -v b="$ib" 'BEGIN { exit !(i > 2.5 * t && i <= b * (1 + 1e-9) && i >= 0.99 * b) }'; then
  echo "ok $n - inline lifts the bound: $i Mbit/s (its bound $ib) against look-aside $t"
else echo "not ok $n - inline $i (bound $ib) against look-aside $t"; fi

# Execute mode: every request's bytes really transformed by its engine and
# checked by its process; the timing is that of the costs alone.
val() {
  "$BLD/secsim" show "$1" --series "$2" --metric "$3" |
    awk -v m="$3" -v x="$4" 'NR > 1 { for (i = 1; i < NF; i++) if ($i == m && $(i + 1) == x) print $(i + 2) }'
}
"$BLD/secsim" run "$SRC/scenarios/ocf/table1.cfg" -o "$T/e0.db" --quiet --set 'label=32 threads' --set buffer=1024 > /dev/null 2>&1
"$BLD/secsim" run "$SRC/scenarios/ocf/table1.cfg" -o "$T/e1.db" --quiet --set 'label=32 threads' --set buffer=1024 --set execute=true > /dev/null 2>&1
"$BLD/secsim" run "$SRC/scenarios/ocf/table1.cfg" -o "$T/e2.db" --quiet --set 'label=32 threads' --set buffer=1024 --set execute=true --set corrupt_every=10 > /dev/null 2>&1
t0=$(val "$T/e0.db" "32 threads" throughput 1024); t1=$(val "$T/e1.db" "32 threads" throughput 1024)
v1=$(val "$T/e1.db" "32 threads" verified_bytes 1024); e1=$(val "$T/e1.db" "32 threads" payload_errors 1024)
r2=$(val "$T/e2.db" "32 threads" requests_per_s 1024); e2=$(val "$T/e2.db" "32 threads" payload_errors 1024)
n=$((n + 1))
if [ -n "$t0" ] && [ "$t0" = "$t1" ]; then echo "ok $n - execute mode leaves the timing alone: $t1 Mbit/s both ways"
else echo "not ok $n - execute mode changed the throughput: $t0 -> $t1"; fi
n=$((n + 1))
# Window 0.5 s (the scenario's duration): bytes checked = throughput x 0.5 s / 8,
# to the 6 significant digits secsim show prints.
if awk -v t="$t1" -v v="$v1" -v e="$e1" 'BEGIN { d = v * 8 / 0.5 / 1e6 / t - 1; exit !(e == 0 && v > 0 && d * d < 1e-10) }'; then
  echo "ok $n - every request's 3DES output checked by its process: $v1 bytes right, no error"
else echo "not ok $n - execute mode: $v1 bytes verified, $e1 errors, throughput $t1"; fi
n=$((n + 1))
if awk -v r="$r2" -v e="$e2" 'BEGIN { w = r * 0.5 / 10; exit !(e >= w - 1 && e <= w + 1) }'; then
  echo "ok $n - a faulty engine flipping a bit in every 10th request is caught every time: $e2 errors in $r2 requests/s x 0.5 s"
else echo "not ok $n - corrupt_every=10: $e2 errors for $r2 requests/s"; fi
