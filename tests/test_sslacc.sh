#!/bin/sh
# The Rescorla et al. reproduction (SSLACC clusters): every S01 claim
# through `secsim reproduce sslacc --check` (default fidelity: the model
# is deterministic), one TAP line per claim (an expected failure, XFAIL,
# is "not ok # TODO" with its reason; the failure and protocol cases not
# modelled yet are TODO too), the failover checks, the figures; then
# the cluster's closed forms at three nodes, crashes at 40 moments of a
# connection's life, and one point run again, bit for bit.
set -u
SRC=$(cd "${SS_SRCDIR:-.}" && pwd)
BLD=$(cd "${SS_BUILDDIR:-.}" && pwd)
export SECSIM_DATADIR="$SRC"
T=$(mktemp -d /tmp/ss_ssl.XXXXXX)
cd "$T" || exit 1
trap 'rm -rf "$T"' EXIT
"$BLD/secsim" reproduce sslacc --check -o "$T/t.db" -d "$T/plots" > "$T/claims" 2> "$T/err"
rc=$?
. "$SRC/tests/study.sh"
# Every S01 claim has a check (the data phase's, C17, C18, C20, C25 and
# C26, in model sslrelay: one connection byte for byte).
later=""
ids=$(study_claim_ids S01)
figs="fig28 fig29 join fig28-bottleneck fig28-cpu bulk bulk-wire whatif_wires-200 whatif_wires-600 protocol zeroth handshake session session-share handshake-latency mute failover failover-delay failover_random failover_random-delay failover_random-capacity relay race partial"
fo="S01-FO/active S01-FO/array S01-FO/capacity S01-RB/join"
echo "1..$(( $(echo "$ids" | grep -c .) + $(echo $fo | wc -w) + 2 + 1 + $(echo $figs | wc -w) + 1 + 4 + 2 + 1 + 3 ))"
n=0
study_claims S01 "$later"
# Failover and rebalancing, beyond the paper's measurements: each verdict passes.
for id in $fo; do
  n=$((n + 1))
  line=$(grep -E "^[A-Z]+ +$id " "$T/claims")
  case "$line" in
    PASS*) echo "ok $n - $(echo "$line" | sed -E 's/^PASS +//')";;
    *) echo "not ok $n - $id: ${line:-no verdict}";;
  esac
done
study_summary
study_log sslacc
study_figs $figs
study_stored "$T/t.db"

# Closed forms at three nodes of SSLACC 200 (norm), read from the store:
# the cards bound the cluster (3 x 200 RSA/s, S01-028) from above; the
# 64 clients hashed at random over them leave a card idle at times, at
# most 2 / 66 of the time (a closed network of 3 exponential servers
# with uniform routing: each busy M / (M + N - 1)); each connection
# takes 10 checkpoints (the model's structure, docs/sslacc01.md) and
# each checkpoint one update and N - 1 = 2 ACKs, 10 N messages. Within
# 1%: connections in flight when the run ends are counted apart.
get() { # metric of fig28's norm point at 3 nodes
  "$BLD/secsim" dump "$T/t.db" | awk -F'\t' -v m="$1" '$1 == "sslacc-fig28" && $2 ~ /^label=norm;nodes=3;/ && $5 == m { print $6 }'
}
near() { # got want what
  n=$((n + 1))
  if [ -n "$1" ] && awk -v g="$1" -v w="$2" 'BEGIN { d = (g - w) / w; exit !(d < 0.01 && d > -0.01) }'; then
    echo "ok $n - 3 nodes: $3 $1 (closed form $2)"
  else
    echo "not ok $n - 3 nodes: $3 ${1:-missing}, closed form $2"
  fi
}
n=$((n + 1))
hs=$(get handshakes)
if [ -n "$hs" ] && awk -v g="$hs" 'BEGIN { exit !(g >= 600 * 64 / 66 && g <= 606) }'; then
  echo "ok $n - 3 nodes: $hs handshakes/s, between the closed network's 582 and the cards' 3 x 200"
else
  echo "not ok $n - 3 nodes: ${hs:-missing} handshakes/s, outside 582 to 600"
fi
near "$(get checkpoints)" 10 "checkpoints a connection"
near "$(get cluster_msgs)" 30 "cluster messages a connection, 10 updates and 20 ACKs"
n=$((n + 1))
card=$(get card_util) cpu=$(get cpu_util)
if awk -v c="$card" -v p="$cpu" 'BEGIN { exit !(c >= 64 / 66 && p < c) }'; then
  echo "ok $n - 3 nodes: the cards are the bottleneck ($card busy, at least 64/66), the processors are not ($cpu)"
else
  echo "not ok $n - 3 nodes: cards ${card:-missing}, processors ${cpu:-missing}"
fi

# A crash at 40 moments 0.1 ms apart (every step of the connections in
# progress, 16 to 32 of them on the dead nodes), 1 or 2 of 3 nodes, with
# and without aggregation: active failover loses and leaves open none;
# the array loses or leaves hanging exactly the connections its dead
# nodes held past their SYN-ACK.
cat > "$T/crash.cfg" <<'EOF2'
name = "crash-moments";
description = "crashes at 40 moments";
model = "sslcluster";
params = { card = "cryptoswift-200"; nodes = 3; };
sweep = (
  { fail_nodes = [1, 2]; },
  { aggregate = [false, true]; },
  { clustering = [true, false]; label = ["active", "array"]; }
);
run = { replications = 1; seed = 1; warmup = 0.5; duration = 3.0; level = 0.95; };
output = { figure = "crash"; series = "{label}"; x = "fail_nodes"; metrics = ["lost", "unfinished", "orphaned", "resumed"]; };
EOF2
moments=$(awk 'BEGIN { for (i = 0; i < 40; i++) printf "%s%.4f", i ? "," : "", 1 + i * 0.0001 }')
"$BLD/secsim" run "$T/crash.cfg" --set "fail_at=[$moments]" -o "$T/crash.db" --quiet > "$T/crash.out" 2>&1
crc=$?
"$BLD/secsim" dump "$T/crash.db" > "$T/crash.txt" 2>/dev/null
summary=$(awk -F'\t' '{ split($2, p, ";"); k = p[1] "|" $2 "|" $3; v[k, $5] = $6; keys[k] = p[1] }
  END { for (k in keys) { n[keys[k]]++; bad = keys[k] == "label=active" ? v[k, "lost"] + v[k, "unfinished"] > 0 || v[k, "resumed"] == 0 : v[k, "lost"] + v[k, "unfinished"] != v[k, "orphaned"] || v[k, "orphaned"] == 0
    if (bad) b[keys[k]]++; r[keys[k]] += v[k, "resumed"]; o[keys[k]] += v[k, "orphaned"] }
    printf "%d %d %d %d %d %d", n["label=active"], b["label=active"], r["label=active"], n["label=array"], b["label=array"], o["label=array"] }' "$T/crash.txt")
set -- $summary
n=$((n + 1))
if [ "$crc" -eq 0 ] && [ "${1:-0}" -eq 160 ] && [ "${2:-1}" -eq 0 ]; then
  echo "ok $n - active failover, crashes at 160 moments and sizes: $3 connections taken over, none lost or left open"
else
  echo "not ok $n - active failover: $summary (exit $crc)"; head -5 "$T/crash.out" | sed 's/^/# /'
fi
n=$((n + 1))
if [ "$crc" -eq 0 ] && [ "${4:-0}" -eq 160 ] && [ "${5:-1}" -eq 0 ]; then
  echo "ok $n - the conventional array, the same crashes: the $6 connections past their SYN-ACK on the dead nodes all lost or hung, no other"
else
  echo "not ok $n - the array: $summary (exit $crc)"
fi

# Deterministic: one point run again alone stores the same numbers.
n=$((n + 1))
"$BLD/secsim" run "$SRC/scenarios/sslacc/fig29.cfg" --set nodes=5 -o "$T/u.db" --quiet > /dev/null 2>&1
a=$("$BLD/secsim" dump "$T/t.db" | awk -F'\t' '$1 == "sslacc-fig29" && $2 ~ /;nodes=5;/' | sort | md5sum)
b=$("$BLD/secsim" dump "$T/u.db" | sort | md5sum)
c=$("$BLD/secsim" dump "$T/u.db" | grep -c .)
if [ "$a" = "$b" ] && [ "$c" -gt 0 ]; then
  echo "ok $n - fig29 at 5 nodes run again alone: the same $c numbers, bit for bit"
else
  echo "not ok $n - fig29 at 5 nodes run again differs ($c rows)"
fi

# The models refuse what they do not model, with the reason and
# nothing stored.
refuse() { # scenario what --set...
  scen=$1 what=$2; shift 2
  n=$((n + 1))
  "$BLD/secsim" run "$SRC/scenarios/sslacc/$scen.cfg" "$@" -o "$T/bad.db" --quiet > "$T/bad.out" 2>&1
  rc=$?
  if [ "$rc" -ne 0 ] && grep -q "$what" "$T/bad.out" && ! [ -s "$T/bad.db" ]; then
    echo "ok $n - $scen refuses $*: $(grep -m1 "$what" "$T/bad.out")"
  else
    echo "not ok $n - $scen took $* (exit $rc)"; head -3 "$T/bad.out" | sed 's/^/# /'
  fi
  rm -f "$T/bad.db"
}
refuse race "direction up" --set direction=down
refuse race "the transfer has 64 records" --set fail_record=64
refuse join "joining with failures is not modelled" --set fail_nodes=1
