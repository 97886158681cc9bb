#!/bin/sh
# Seed inputs of the fuzz harnesses, made from the shipped files so they
# follow them: seeds.sh SRCDIR OUTDIR writes OUTDIR/HARNESS/* for
# scenario, set, profile, host and reference.
set -eu
src=$1 out=$2
for h in scenario set profile host reference; do
  rm -rf "$out/$h"
  mkdir -p "$out/$h"
done
# Every shipped scenario as a file, and (for the --set harness) by name
# with no override; then the override sets of tests/fuzz/set.seeds.
find "$src/scenarios" -name '*.cfg' | sort | while read -r f; do
  rel=${f#"$src/scenarios/"}
  rel=${rel%.cfg}
  flat=$(printf '%s' "$rel" | tr / _)
  cp "$f" "$out/scenario/$flat.cfg"
  printf '%s\n' "$rel" >"$out/set/$flat"
done
awk -v d="$out/set" 'BEGIN { RS = "" } { f = sprintf("%s/seeds-%02d", d, NR); print > f; close(f) }' \
  "$src/tests/fuzz/set.seeds"
# Profiles and hosts must be named as their file; the harnesses' file is
# fuzz.cfg.
for f in "$src"/crypto/profiles/*.cfg; do
  sed 's/^name = .*/name = "fuzz";/' "$f" >"$out/profile/$(basename "$f")"
done
for f in "$src"/hosts/*.cfg; do
  sed 's/^name = .*/name = "fuzz";/' "$f" >"$out/host/$(basename "$f")"
done
cp "$src"/reference/*.csv "$out/reference/"
