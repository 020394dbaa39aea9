#!/usr/bin/env bash
# The starter's traffic features, measured in one run:
#   1. bench/ClientOverhead.java: CPU and allocation per call of a Sluice client (sluice.clients) against a plain
#      RestClient and a plain @HttpExchange interface, to the same backend;
#   2. bench/LimiterDecisions.java: the endpoint limiter's decision time on a real Redis Cluster, healthy and during
#      a master failover.
#   bench/starter.sh [rounds=5] [calls-per-round=20000] [warm-up calls=60000] [limiter seconds per phase=20]
# JAVA_HOME picks the JDK; JVM_FLAGS the flags (default: -Xms256m -Xmx256m -XX:+UseParallelGC).
set -euo pipefail
cd "$(dirname "$0")/.."
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jvm_flags=${JVM_FLAGS:--Xms256m -Xmx256m -XX:+UseParallelGC}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "building platform-starter and its test classpath (quiet)..."
if ! JAVA_HOME= ./mvnw -B -q install -DskipTests -pl platform-starter -am > "$work/build.log" 2>&1; then
  echo "the build failed:"; tail -50 "$work/build.log"; exit 1
fi
if ! JAVA_HOME= ./mvnw -B -q -pl platform-starter dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$work/cp" > "$work/cp.log" 2>&1; then
  echo "resolving the classpath failed:"; tail -50 "$work/cp.log"; exit 1
fi
cp="platform-starter/target/classes:platform-test/target/classes:$(cat "$work/cp")"

echo "== client stack, $("$java" -version 2>&1 | head -1)"
# shellcheck disable=SC2086
"$java" $jvm_flags -cp "$cp" bench/ClientOverhead.java "${1:-5}" "${2:-20000}" "${3:-60000}"
echo
echo "== endpoint limiter decisions (Redis budget 50 ms)"
echo "| phase | decisions | p50 | p99 | max | over budget + 5 ms | admitted | decided locally |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
# shellcheck disable=SC2086
"$java" $jvm_flags -cp "$cp" bench/LimiterDecisions.java "${4:-20}" "${4:-20}" 2> "$work/limiter.err" \
  || { echo "the limiter benchmark failed:"; tail -30 "$work/limiter.err"; exit 1; }
