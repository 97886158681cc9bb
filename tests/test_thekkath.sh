#!/bin/sh
# The Thekkath et al. reproduction (protocol organisations): every T93
# claim through `secsim reproduce thekkath --check` (default fidelity:
# the model is deterministic and the study takes a second), one TAP line
# per claim (an expected failure, XFAIL, is "not ok # TODO" with its
# reason), the 40 cells of Tables 2-4, the figures, tables.md; then the two calibrated constants
# recomputed from the reference rows (tests/thekkath_anchors.py), and the
# whole study twice, bit for bit.
set -u
SRC=$(cd "${SS_SRCDIR:-.}" && pwd)
BLD=$(cd "${SS_BUILDDIR:-.}" && pwd)
export SECSIM_DATADIR="$SRC"
T=$(mktemp -d /tmp/ss_thk.XXXXXX)
cd "$T" || exit 1
trap 'rm -rf "$T"' EXIT
"$BLD/secsim" reproduce thekkath --check -o "$T/t.db" -d "$T/plots" > "$T/claims" 2> "$T/err"
rc=$?
. "$SRC/tests/study.sh"
later=""
ids=$(study_claim_ids T93)
figs="table1-bars table2-ethernet table2-an1 table3-ethernet table3-an1 table4 table2-ethernet-bars table2-an1-bars table3-ethernet-bars table3-an1-bars table4-bars table5-bars whatif_security whatif_security_host"
echo "1..$(( $(echo "$ids" | grep -c .) + 1 + 2 + 1 + $(echo $figs | wc -w) + 1 + 1 + 1 + 2 + 1 ))"
n=0
study_claims T93 "$later"

# Tables 2-4: a verdict for each of the 40 cells (Table 2's 20, Table
# 3's 15, Table 4's 5), none failing outright.
study_cells 'T93-T[234]/' 40 "one input, the rest listed deviations"
study_summary
study_log thekkath
study_figs $figs
study_stored "$T/t.db"

# tables.md: Table 1's two cells, the 40 of Tables 2-4 and Table 5's
# two, each with its reference row, under nine headings.
n=$((n + 1))
md="$T/plots/tables.md"
rows=$(grep -cE '^\| .* ref\. T93-0[0-9]+ \|$' "$md" 2>/dev/null)
heads=$(grep -c '^## Table' "$md" 2>/dev/null)
if [ "${rows:-0}" -eq 44 ] && [ "${heads:-0}" -eq 9 ]; then echo "ok $n - tables.md: 44 cells under 9 tables, paper beside model"
else echo "not ok $n - tables.md: ${rows:-0} cells (want 44), ${heads:-0} tables (want 9)"; fi

# The bar plots: clustered, the model's bars solid and the paper's
# hatched, both from the store (Table 4's Mach/UX on AN1 has no paper
# value: NaN, no bar).
n=$((n + 1))
gp="$T/plots/table4-bars.gp"
if grep -q 'set style histogram clustered' "$gp" && grep -q 'fs pattern' "$gp" && grep -q 'NaN' "$gp" &&
   [ "$(sed -n '/^\$bars << EOD/,/^EOD/p' "$gp" | grep -c '^"')" -eq 2 ]; then
  echo "ok $n - table4-bars: two groups (10 and 100 Mbit/s), solid model and hatched paper bars, NaN where the paper has none"
else
  echo "not ok $n - table4-bars.gp is not the clustered bar plot expected"
fi

# The calibration: the profile and the PMADD-AA's read rate are what the
# anchors' closed forms give.
SS_SRCDIR="$SRC" python3 "$SRC/tests/thekkath_anchors.py" check | while read -r ok num rest; do
  echo "$ok $((n + num)) $rest"
done
n=$((n + 2))

# Deterministic: a second reproduction stores the same numbers.
n=$((n + 1))
"$BLD/secsim" reproduce thekkath -o "$T/u.db" -d "$T/plots2" --quiet > /dev/null 2>&1
if [ "$("$BLD/secsim" dump "$T/t.db" | sort | md5sum)" = "$("$BLD/secsim" dump "$T/u.db" | sort | md5sum)" ]; then
  echo "ok $n - a second reproduction stores the same numbers, bit for bit"
else
  echo "not ok $n - a second reproduction differs"
fi
