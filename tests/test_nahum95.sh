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
ids=$(grep -oE '\*\*N95-C[0-9]+ ' "$SRC/reference/claims.md" | tr -d '* ' | sort -u | sort -t C -k 2 -n)
figs="fig03 fig04 fig05 fig06 fig07 fig08 fig09 fig10 fig11"
plan=$(( $(echo "$ids" | grep -c .) + 5 + 1 + 1 + 1 + $(echo $figs | wc -w) + 1 + 1 ))
echo "1..$plan"
n=0
# A claim may print several verdicts (N95-C5/MD5, N95-C5/DES): it passes
# when none fails; one whose verdicts are all INPUT is an input check.
for id in $ids; do
  n=$((n + 1))
  lines=$(awk -v id="$id" '$2 == id || index($2, id "/") == 1' "$T/claims")
  text=$(echo "$lines" | sed -E 's/^[A-Z]+ +//' | tr '\n' ' ' | sed 's/ *$//')
  tags=$(echo "$lines" | awk '{print $1}' | sort -u | tr '\n' ' ')
  case " $tags" in
    "  ") echo "not ok $n - $id: no verdict (the claim was not checked)";;
    *" FAIL "*|*" XPASS "*) echo "not ok $n - [${tags% }] $text";;
    *" XFAIL "*) echo "not ok $n - $text # TODO claim the model does not reproduce";;
    " INFO ") echo "ok $n - # SKIP $text";;
    " INPUT ") echo "ok $n - input check, not a model output: $text";;
    *) echo "ok $n - [${tags% }] $text";;
  esac
done
# Checks that only re-read Tables 1-2 or the crypto profile are input
# checks, never output PASSes.
for id in N95-C2 N95-C3 N95-C16 N95-C18 N95-C21; do
  n=$((n + 1))
  tags=$(awk -v id="$id" '$2 == id { print $1 }' "$T/claims" | sort -u | tr '\n' ' ')
  if [ "$tags" = "INPUT " ]; then echo "ok $n - $id is reported as an input check"
  else echo "not ok $n - $id is reported as an input check (got: ${tags:-nothing})"; fi
done
# The summary counts output and input checks apart, and agrees with the
# lines printed.
n=$((n + 1))
cnt() { grep -c "^$1 " "$T/claims"; }
p=$(cnt PASS); f=$(cnt FAIL); x=$(cnt XFAIL); xp=$(cnt XPASS); i=$(cnt INPUT)
want="$((p + f + x + xp)) output checks: $p PASS, $f FAIL, $x XFAIL, $xp XPASS; $i input checks"
if grep -q "^$want" "$T/claims"; then echo "ok $n - summary: $(grep "output checks:" "$T/claims")"
else echo "not ok $n - summary line, wanted '$want...'"; grep "output checks" "$T/claims" | sed 's/^/# /'; fi
n=$((n + 1))
if [ $rc -eq 0 ]; then echo "ok $n - reproduce --check exits 0"; else echo "not ok $n - reproduce --check exits $rc"; sed 's/^/# /' "$T/err"; fi
# Progress off a terminal: a few lines per scenario (a plain line at
# most every 10 s and one at its end), not one per run.
n=$((n + 1))
nsc=$(find "$SRC/scenarios/nahum95" -name '*.cfg' | wc -l)
lines=$(wc -l < "$T/err")
if [ "$lines" -le $((3 * nsc + 10)) ] && ! grep -q '^\[' "$T/err" && [ "$(grep -c ' points, .* runs' "$T/err")" -ge "$nsc" ]; then
  echo "ok $n - the log has $lines lines for $nsc scenarios, a progress line for each, none per run"
else
  echo "not ok $n - the log has $lines lines for $nsc scenarios"; head -5 "$T/err" | sed 's/^/# /'
fi
for f in $figs; do
  n=$((n + 1))
  if [ -s "$T/plots/$f.gp" ] && { ! command -v "${SECSIM_GNUPLOT:-gnuplot}" >/dev/null || [ -s "$T/plots/$f.png" -a -s "$T/plots/$f.svg" ]; }; then
    echo "ok $n - $f written (script, PNG and SVG)"
  else
    echo "not ok $n - $f missing"
  fi
done
n=$((n + 1))
if grep -q "N95-035" "$T/plots/tables.md" 2>/dev/null; then echo "ok $n - tables.md compares Tables 1-2"; else echo "not ok $n - tables.md missing"; fi
# --check stores what it printed: the report of the store shows as many
# verdicts as there are verdict lines.
n=$((n + 1))
printed=$(grep -cE '^(PASS|FAIL|XFAIL|XPASS|INPUT|INFO) ' "$T/claims")
shown=$("$BLD/secsim" report "$T/n.db" -o "$T/page/index.html" 2>&1 | sed -n 's/.* \([0-9]*\) claim verdict(s).*/\1/p')
if [ "${shown:-x}" = "$printed" ] && [ "$printed" -gt 0 ]; then echo "ok $n - the $printed verdicts printed are stored (secsim report shows them)"
else echo "not ok $n - verdicts printed $printed, shown by secsim report ${shown:-none}"; fi
