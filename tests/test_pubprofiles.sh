#!/bin/sh
# The Iatrou testbed profiles (crypto/profiles/*-pub.cfg,
# proto/profiles/linux26-*.cfg, hosts/{P2,A,P41,P42,P4M,X1,X2}.cfg): every
# value is recomputed from reference/published/cpu2000s_crypto.csv,
# reference/iatrou09.csv and the rules in tests/pubprofiles.py and must
# equal the file's (TAP from the script). Needs python3; skipped (77)
# without it.
src=${SS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 not found"
	exit 77
fi
exec python3 "$src/tests/pubprofiles.py" "$src" check
