#!/bin/sh
# Replays every kept fuzz reproducer (tests/fuzz/regress/HARNESS/*) and
# every seed made from the shipped files through the harnesses' entry
# points, built with the normal compiler (tests/fuzz/replay_HARNESS):
# each input must run to the end, exit 0 and print nothing on stderr
# (a sanitizer report, in the sanitizer build, prints there).
set -u
src=${SS_SRCDIR:-.} build=${SS_BUILDDIR:-.}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/secsim-replay.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
# A known leak of libconfig itself (see the file), for the sanitizer build.
LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$src/tests/fuzz/lsan.supp:print_suppressions=0
export LSAN_OPTIONS
if ! "$src/tests/fuzz/seeds.sh" "$src" "$tmp/seeds"; then
  echo "1..1"
  echo "not ok 1 - the seed inputs could not be made"
  exit 1
fi
harnesses="scenario set profile host reference"
n=0
for h in $harnesses; do
  for f in "$src/tests/fuzz/regress/$h"/* "$tmp/seeds/$h"/*; do
    [ -f "$f" ] && n=$((n + 1))
  done
done
echo "1..$n"
i=0
for h in $harnesses; do
  for f in "$src/tests/fuzz/regress/$h"/* "$tmp/seeds/$h"/*; do
    [ -f "$f" ] || continue
    i=$((i + 1))
    case $f in "$tmp"/*) what="seed ${f#"$tmp/seeds/"}" ;; *) what="regress ${f#"$src/tests/fuzz/regress/"}" ;; esac
    if "$build/tests/fuzz/replay_$h" "$f" >"$tmp/out" 2>"$tmp/err" && [ ! -s "$tmp/err" ]; then
      echo "ok $i - $h: $what"
    else
      echo "not ok $i - $h: $what (exit or stderr below)"
      sed 's/^/#   /' "$tmp/err" | head -40
    fi
  done
done
