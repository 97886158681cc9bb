#!/bin/sh
# The HTML report in a real browser (Debian's chromium, headless, driven
# over the DevTools pipe by tests/report_browser.py). A quick reproduction
# of nahum95 with its claims checked, plus a scenario whose name, figure
# and series are hostile markup, go into one page (secsim report over
# results/); the page must load with no console error or warning and no
# dialog, every figure must load and be laid out at a non-zero size, no
# element of the hostile texts may appear while the texts themselves
# show, every contents link must have its target. A page written to
# carry the same texts unescaped must fail the same probe, so the probe
# is known to see an injection. Run by `make check-report` (it needs
# chromium and python3, which `make check` does not); set
# SS_REPORT_SHOTS=DIR to keep screenshots of the page.
set -u
src=${SS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${SS_BUILDDIR:-$src}
secsim="$build/secsim"
probe="$src/tests/report_browser.py"
chromium=${SECSIM_CHROMIUM:-$(command -v chromium || command -v chromium-browser || echo "")}
export SECSIM_DATADIR="$src"

echo "1..22"
n=0
failed=0
check() { # check STATUS DESCRIPTION: STATUS 0 is a pass
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
	fi
}
val() { # val KEY FILE: the value the probe printed for KEY, or -1
	v=$(sed -n "s/^$1=//p" "$2" | head -n 1)
	echo "${v:--1}"
}
is() { # is GOT WANT DESCRIPTION
	[ "$1" = "$2" ]
	r=$?
	[ $r -eq 0 ] || echo "#   got '$1', want '$2'"
	check $r "$3"
}

tmp=$(mktemp -d /tmp/ss_test_report_browser.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 1

[ -n "$chromium" ] && [ -x "$chromium" ]
check $? "chromium is installed (apt-get install chromium)"
command -v python3 >/dev/null 2>&1
check $? "python3 is installed"

# A study with figures and stored claim verdicts; a check that fails at
# --quick fidelity still stores its verdict, so exit 1 is accepted here.
"$secsim" reproduce nahum95 --quick --jobs 2 --check --quiet >reproduce.log 2>&1
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 1 ]
check $? "secsim reproduce nahum95 --quick --check ran (exit $rc)"
[ $rc -le 1 ] || sed 's/^/#   /' reproduce.log | tail -n 20

cat >evil.cfg <<'EOF'
name = "<img src=x onerror=alert(1)>";
description = "</script><script>alert(2)</script>";
model = "queue";
params = { resource = "cpu"; servers = 1; service_mean = 1.0; };
sweep = ( { arrival_rate = [0.3, 0.5]; } );
run = { replications = 2; seed = 1; warmup = 5.0; duration = 50.0; level = 0.90; };
output = {
  figure = "<svg onload=alert(3)>";
  series = "</script><script>alert(2)</script> {resource}";
  x = "arrival_rate";
  metrics = ["W", "L"];
};
EOF
"$secsim" run evil.cfg -o results/evil.db --quiet >evil.log 2>&1 &&
	"$secsim" plot results/evil.db -d plots/evil --quiet >>evil.log 2>&1
check $? "a scenario with a hostile name, figure and series ran and was plotted"

"$secsim" report >report.log 2>&1
check $? "secsim report wrote plots/index.html from every store in results/"
sed 's/^/# /' report.log
figs=$(sed -n 's/.*store(s), \([0-9]*\) figure(s).*/\1/p' report.log)
claims=$(sed -n 's/.* \([0-9]*\) claim verdict(s).*/\1/p' report.log)
[ "${figs:-0}" -gt 20 ] && [ "${claims:-0}" -gt 0 ]
check $? "the page shows the study's figures and its claims (${figs:-?} figures, ${claims:-?} verdicts)"

shots=""
[ -n "${SS_REPORT_SHOTS:-}" ] && shots="--shots $SS_REPORT_SHOTS"
# shellcheck disable=SC2086
python3 "$probe" "$chromium" plots/index.html --text 'img=<img src=x onerror=alert(1)>' \
	--text 'script=</script><script>alert(2)</script>' --text 'svg=<svg onload=alert(3)>' $shots >probe.log 2>&1
check $? "the browser loaded the page and answered the probe"
sed 's/^/# /' probe.log
is "$(val loaded probe.log)" 1 "the page's load event fired"
is "$(val console probe.log)" 0 "no console error or warning (blocked or missing resource, policy, script)"
is "$(val dialogs probe.log)" 0 "no dialog opened (no alert ran)"
is "$(val figures probe.log)" "${figs:-none}" "every figure the report wrote is in the page"
is "$(val visible_figures probe.log)" "${figs:-none}" "every figure's SVG loaded and has a non-zero size"
is "$(val images probe.log)" "${figs:-none}" "no image but the figures"
is "$(val injected probe.log)" 0 "no element from a hostile text (script, on* attribute, svg, stray img)"
is "$(val text:img probe.log)" 1 "the hostile scenario name shows as text"
is "$(val text:script probe.log)" 1 "the hostile series shows as text"
is "$(val text:svg probe.log)" 1 "the hostile figure id shows as text"
is "$(val toc_broken probe.log)" 0 "every contents link has its target"
is "$(val claims probe.log)" "${claims:-none}" "every stored claim verdict is a row"

# The probe's own control: the same texts unescaped must be caught.
cat >plots/bad.html <<'EOF'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head>
<body><h1>scenario <img src=x onerror=alert(1)></h1><p></script><script>alert(2)</script></p></body></html>
EOF
python3 "$probe" "$chromium" plots/bad.html >bad.log 2>&1
[ "$(val injected bad.log)" -gt 0 ]
check $? "control: the probe finds the elements of an unescaped page"
[ "$(val dialogs bad.log)" -gt 0 ]
check $? "control: the probe sees the unescaped page's alert"
printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head><body><figure class="fig"><img src="gone.svg" alt="x"></figure></body></html>\n' >plots/missing.html
python3 "$probe" "$chromium" plots/missing.html >missing.log 2>&1
[ "$(val console missing.log)" -gt 0 ] && [ "$(val figures missing.log)" -eq 1 ] && [ "$(val visible_figures missing.log)" -eq 0 ]
check $? "control: the probe reports a figure that does not load"

exit $failed
