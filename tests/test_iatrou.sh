#!/bin/sh
# The Iatrou et al. reproduction at reduced fidelity (--quick: 30% of
# each scenario's run lengths): every I09 claim through
# `secsim reproduce iatrou --check`, one TAP line per claim (an expected
# failure, XFAIL, is "not ok # TODO" with its reason), and every figure
# written.
set -u
SRC=$(cd "${SS_SRCDIR:-.}" && pwd)
BLD=$(cd "${SS_BUILDDIR:-.}" && pwd)
export SECSIM_DATADIR="$SRC"
T=$(mktemp -d /tmp/ss_i09.XXXXXX)
cd "$T" || exit 1
trap 'rm -rf "$T"' EXIT
"$BLD/secsim" reproduce iatrou --check --jobs 2 --quick \
  -o "$T/i.db" -d "$T/plots" > "$T/claims" 2> "$T/err"
rc=$?
. "$SRC/tests/study.sh"
# The plan: one line per claim listed in reference/claims.md, the
# summary and exit status, the log, the figures and the stored verdicts.
ids=$(study_claim_ids I09)
figs="fig1 fig1-tunnel fig2 fig2-tunnel fig3 fig3-tunnel fig4 fig4-tunnel fig5 fig5-ip fig6 a100 p4_1000 tuning napi mtu9000 whatif_moderation whatif_moderation-irq whatif_10g whatif_10g-9000 whatif_cores whatif_rss"
echo "1..$(( $(echo "$ids" | grep -c .) + 2 + 1 + $(echo $figs | wc -w) + 1 ))"
n=0
study_claims I09
study_summary
study_log iatrou
study_figs $figs
study_stored "$T/i.db"
