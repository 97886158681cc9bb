#!/bin/sh
# The Nahum et al. reproduction at reduced fidelity (--quick: 2 runs,
# 30% of each scenario's lengths): every N95 claim through
# `secsim reproduce nahum95 --check`,
# one TAP line per check; the figures and tables are written.
# Input checks (INPUT: they re-read the paper's numbers the model is built
# from) are TAP tests too, "ok" when the inputs are consistent, but named
# as input checks and counted apart from the output checks by --check's
# summary; an inconsistent input prints FAIL and is "not ok".
set -u
# Absolute paths: the run happens in a scratch directory, so the
# calibration a host-profile scenario stores lands there too.
SRC=$(cd "${SS_SRCDIR:-.}" && pwd)
BLD=$(cd "${SS_BUILDDIR:-.}" && pwd)
export SECSIM_DATADIR="$SRC"
T=$(mktemp -d /tmp/ss_n95.XXXXXX)
cd "$T" || exit 1
trap 'rm -rf "$T"' EXIT
"$BLD/secsim" reproduce nahum95 --check --jobs 2 --quick \
  -o "$T/n.db" -d "$T/plots" > "$T/claims" 2> "$T/err"
rc=$?
# The plan comes first and counts what must be checked, not what ran:
# one line per claim listed in reference/claims.md (a claim without a
# verdict fails), five claims that must be input checks, the summary
# line, the exit status, the length of the log, nine figures, the tables
# and the stored verdicts.
. "$SRC/tests/study.sh"
ids=$(study_claim_ids N95)
figs="fig03 fig04 fig05 fig06 fig07 fig08 fig09 fig10 fig11"
plan=$(( $(echo "$ids" | grep -c .) + 5 + 1 + 1 + 1 + $(echo $figs | wc -w) + 1 + 1 ))
echo "1..$plan"
n=0
study_claims N95
# Checks that only re-read Tables 1-2 or the crypto profile are input
# checks, never output PASSes.
for id in N95-C2 N95-C3 N95-C16 N95-C18 N95-C21; do
  n=$((n + 1))
  tags=$(awk -v id="$id" '$2 == id { print $1 }' "$T/claims" | sort -u | tr '\n' ' ')
  if [ "$tags" = "INPUT " ]; then echo "ok $n - $id is reported as an input check"
  else echo "not ok $n - $id is reported as an input check (got: ${tags:-nothing})"; fi
done
study_summary
study_log nahum95
study_figs $figs
n=$((n + 1))
if grep -q "N95-035" "$T/plots/tables.md" 2>/dev/null; then echo "ok $n - tables.md compares Tables 1-2"; else echo "not ok $n - tables.md missing"; fi
study_stored "$T/n.db"
