#!/usr/bin/env bash
# How long an Admin API change takes to reach another gateway node: two real gateway processes and the real Redis
# Cluster (ConfigPropagationTest). Each round measures Sluice as it ships (pub/sub push plus a check every 2 s) and,
# as the baseline, the periodic check alone (push off), the way Kong-style polling works. Medians over the rounds,
# and the ratio of the two. ROUNDS (default 3) and CHANGES per measurement (default 100) can be set.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
changes=${CHANGES:-100}
results=platform-gateway/target/config-propagation/propagation.txt
test='ConfigPropagationTest#aChangeMadeThroughOneNodeIsAppliedOnTheOtherWithinASecond'

./mvnw -B -q install -DskipTests -pl platform-gateway -am
mkdir -p "$(dirname "$results")"
rm -f "$results"
for round in $(seq 1 "$rounds"); do
  for push in true false; do
    echo "round $round, push=$push..."
    ./mvnw -B -q verify -pl platform-gateway -Djacoco.skip=true -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
      -Dsluice.bench.push="$push" -Dsluice.bench.changes="$changes" > /dev/null
  done
done

echo
echo "== raw ($results)"
cat "$results"
# Fields: after "2xx to B applied: p50 X ms, p99 Y ms;" and "request sent to B applied: p50 Z ms, p99 W ms".
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
field() { grep "push=$1" "$results" | sed -E "s/.*2xx to B applied: p50 ([0-9.]+) ms, p99 ([0-9.]+) ms; from the request sent to B applied: p50 ([0-9.]+) ms, p99 ([0-9.]+) ms/\\$2/" | median; }
echo
echo "== medians over $rounds rounds of $changes changes (ms)"
printf '%-28s %12s %12s %14s %14s\n' "" "2xx->B p50" "2xx->B p99" "sent->B p50" "sent->B p99"
for push in true false; do
  label=$([ "$push" = true ] && echo "push + check every 2 s" || echo "baseline: check every 2 s")
  printf '%-28s %12s %12s %14s %14s\n' "$label" "$(field $push 1)" "$(field $push 2)" "$(field $push 3)" "$(field $push 4)"
done
awk -v a="$(field true 3)" -v b="$(field false 3)" 'BEGIN { if (a > 0) printf "\nbaseline / push, sent->B p50: %.0fx\n", b / a }'
