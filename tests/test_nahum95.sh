#!/bin/sh
# The Nahum et al. reproduction at reduced fidelity (--quick: 2 runs,
# 30% of each scenario's lengths): every N95 claim through
# `secsim reproduce nahum95 --check`,
# one TAP line per claim; the figures and tables are written.
set -u
# Absolute paths: the run happens in a scratch directory, so the
# calibration a host-profile scenario stores lands there too.
SRC=$(cd "${SS_SRCDIR:-.}" && pwd)
BLD=$(cd "${SS_BUILDDIR:-.}" && pwd)
export SECSIM_DATADIR="$SRC"
T=$(mktemp -d /tmp/ss_n95.XXXXXX)
cd "$T" || exit 1
trap 'rm -rf "$T"' EXIT
"$BLD/secsim" reproduce nahum95 --check --quiet --jobs 2 --quick \
  -o "$T/n.db" -d "$T/plots" > "$T/claims" 2> "$T/err"
rc=$?
n=0
while IFS= read -r line; do
  case "$line" in
    PASS*) n=$((n + 1)); echo "ok $n - ${line#PASS }";;
    FAIL*) n=$((n + 1)); echo "not ok $n - ${line#FAIL }";;
    XFAIL*) n=$((n + 1)); echo "not ok $n - ${line#XFAIL } # TODO claim the model does not reproduce";;
    XPASS*) n=$((n + 1)); echo "not ok $n - ${line#XPASS } (listed as not reproduced, but passes)";;
    INFO*) n=$((n + 1)); echo "ok $n - # SKIP ${line#INFO }";;
  esac
done < "$T/claims"
n=$((n + 1))
if [ $rc -eq 0 ]; then echo "ok $n - reproduce --check exits 0"; else echo "not ok $n - reproduce --check exits $rc"; sed 's/^/# /' "$T/err"; fi
for f in fig03 fig04 fig05 fig06 fig07 fig08 fig09 fig10 fig11; do
  n=$((n + 1))
  if [ -s "$T/plots/$f.gp" ] && { ! command -v "${SECSIM_GNUPLOT:-gnuplot}" >/dev/null || [ -s "$T/plots/$f.png" -a -s "$T/plots/$f.svg" ]; }; then
    echo "ok $n - $f written (script, PNG and SVG)"
  else
    echo "not ok $n - $f missing"
  fi
done
n=$((n + 1))
if grep -q "N95-035" "$T/plots/tables.md" 2>/dev/null; then echo "ok $n - tables.md compares Tables 1-2"; else echo "not ok $n - tables.md missing"; fi
echo "1..$n"
