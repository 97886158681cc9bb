# Shared TAP checks of a study's reproduction (sourced by
# tests/test_nahum95.sh, test_iatrou.sh, test_ocf.sh, test_thekkath.sh,
# test_sslacc.sh). The caller sets SRC,
# BLD and T, runs `secsim reproduce STUDY --check ... > $T/claims 2> $T/err`
# with its exit status in rc, prints the plan, then calls these; each
# prints TAP lines and advances n.

# One line per claim of reference/claims.md (and a paper's own
# reference/*-claims.md) with the given prefix
# ("N95", "I09"): a claim may print several verdicts (N95-C5/MD5); it
# passes when none fails; one whose verdicts are all INPUT is an input
# check; a claim without a verdict fails, unless $2 lists it (ids
# separated by spaces) as not modelled yet: then it is a TODO, and
# printing a verdict for it fails (take it off the list).
study_claim_ids() {
  cat "$SRC/reference/claims.md" "$SRC"/reference/*-claims.md 2>/dev/null | grep -oE "\*\*$1-C[0-9]+ " | tr -d '* ' | sort -u | awk -F'-C' '{ print $2, $0 }' | sort -n | cut -d' ' -f2
}
study_claims() {
  for id in $(study_claim_ids "$1"); do
    n=$((n + 1))
    case " ${2:-} " in
      *" $id "*)
        if grep -qE "^[A-Z]+ +$id( |/)" "$T/claims"; then echo "not ok $n - $id is checked now: take it off the list of claims still to model"
        else echo "not ok $n - $id: not modelled yet # TODO"; fi
        continue;;
    esac
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
}

# Table cells: `study_cells PATTERN WANT WHAT` checks that the claims
# print WANT verdicts whose ids match the extended regex PATTERN (e.g.
# 'OCF-T[12]/'), none FAIL or XPASS; WHAT describes the rest.
study_cells() {
  n=$((n + 1))
  cells=$(grep -cE "^[A-Z]+ +$1" "$T/claims")
  bad=$(grep -cE "^(FAIL|XPASS) +$1" "$T/claims")
  within=$(grep -cE "^PASS +$1" "$T/claims")
  if [ "$cells" -eq "$2" ] && [ "$bad" -eq 0 ]; then
    echo "ok $n - $2 table cells checked: $within within 15%, $3"
  else
    echo "not ok $n - table cells: $cells checked (want $2), $bad failing"
    grep -E "^(FAIL|XPASS) +$1" "$T/claims" | sed 's/^/# /'
  fi
}

# The summary counts output and input checks apart and agrees with the
# lines printed; then the exit status.
study_summary() {
  n=$((n + 1))
  p=$(grep -c "^PASS " "$T/claims"); f=$(grep -c "^FAIL " "$T/claims"); x=$(grep -c "^XFAIL " "$T/claims")
  xp=$(grep -c "^XPASS " "$T/claims"); i=$(grep -c "^INPUT " "$T/claims")
  want="$((p + f + x + xp)) output checks: $p PASS, $f FAIL, $x XFAIL, $xp XPASS; $i input checks"
  if grep -q "^$want" "$T/claims"; then echo "ok $n - summary: $(grep "output checks:" "$T/claims")"
  else echo "not ok $n - summary line, wanted '$want...'"; grep "output checks" "$T/claims" | sed 's/^/# /'; fi
  n=$((n + 1))
  if [ "$rc" -eq 0 ]; then echo "ok $n - reproduce --check exits 0"; else echo "not ok $n - reproduce --check exits $rc"; sed 's/^/# /' "$T/err"; fi
}

# Progress off a terminal: a few lines per scenario of $1 (a plain line
# at most every 10 s and one at its end), not one per run: at most 3 a
# scenario and 10 more, and one for every 10 s of the study's wall time
# (a slow build, under the sanitizers, prints more of the periodic ones).
study_log() {
  n=$((n + 1))
  nsc=$(find "$SRC/scenarios/$1" -name '*.cfg' | wc -l)
  lines=$(wc -l < "$T/err")
  wall=$(sed -n 's/.* simulated in \([0-9.]*\) s wall.*/\1/p' "$T/err" | head -1)
  extra=$(awk -v w="${wall:-0}" 'BEGIN { printf "%d", w / 10 }')
  if [ "$lines" -le $((3 * nsc + 10 + extra)) ] && ! grep -q '^\[' "$T/err" && [ "$(grep -c ' points, .* runs' "$T/err")" -ge "$nsc" ]; then
    echo "ok $n - the log has $lines lines for $nsc scenarios, a progress line for each, none per run"
  else
    echo "not ok $n - the log has $lines lines for $nsc scenarios (at most $((3 * nsc + 10 + extra)))"; head -5 "$T/err" | sed 's/^/# /'
  fi
}

# Each figure stem given: its gnuplot script, and its PNG and SVG when
# gnuplot is there.
study_figs() {
  for f in "$@"; do
    n=$((n + 1))
    if [ -s "$T/plots/$f.gp" ] && { ! command -v "${SECSIM_GNUPLOT:-gnuplot}" >/dev/null || [ -s "$T/plots/$f.png" -a -s "$T/plots/$f.svg" ]; }; then
      echo "ok $n - $f written (script, PNG and SVG)"
    else
      echo "not ok $n - $f missing"
    fi
  done
}

# --check stores what it printed: the report of the store $1 shows as
# many verdicts as there are verdict lines.
study_stored() {
  n=$((n + 1))
  printed=$(grep -cE '^(PASS|FAIL|XFAIL|XPASS|INPUT|INFO) ' "$T/claims")
  shown=$("$BLD/secsim" report "$1" -o "$T/page/index.html" 2>&1 | sed -n 's/.* \([0-9]*\) claim verdict(s).*/\1/p')
  if [ "${shown:-x}" = "$printed" ] && [ "$printed" -gt 0 ]; then echo "ok $n - the $printed verdicts printed are stored (secsim report shows them)"
  else echo "not ok $n - verdicts printed $printed, shown by secsim report ${shown:-none}"; fi
}
