#!/usr/bin/env bash
# Service state in the Redis Cluster, measured in one run:
#   1. bench/RegistryPropagation.java: against the real gateway, from an instance's registration to the first request
#      the gateway routes to it, and from its deregistration to the last;
#   2. bench/CacheLatency.java: a cache hit (the starter's cache on a real Redis Cluster) against the PostgreSQL read
#      it saves.
#   bench/state.sh [registry samples=100] [cache rounds=5] [cache reads per round=20000]
# JAVA_HOME picks the JDK; JVM_FLAGS the flags (default: -Xms256m -Xmx256m -XX:+UseParallelGC).
set -euo pipefail
cd "$(dirname "$0")/.."
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jvm_flags=${JVM_FLAGS:--Xms256m -Xmx256m -XX:+UseParallelGC}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "building the gateway (with the starter) and its test classpath (quiet)..."
if ! JAVA_HOME= ./mvnw -B -q install -DskipTests -pl platform-gateway -am > "$work/build.log" 2>&1; then
  echo "the build failed:"; tail -50 "$work/build.log"; exit 1
fi
if ! JAVA_HOME= ./mvnw -B -q -pl platform-gateway dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$work/cp" > "$work/cp.log" 2>&1; then
  echo "resolving the classpath failed:"; tail -50 "$work/cp.log"; exit 1
fi
cp="platform-gateway/target/classes:platform-test/target/classes:$(cat "$work/cp")"

echo "== registry propagation through the gateway, $("$java" -version 2>&1 | head -1)"
# shellcheck disable=SC2086
"$java" $jvm_flags -cp "$cp" bench/RegistryPropagation.java "${1:-100}" 2> "$work/bench.err" \
  || { echo "the registry benchmark failed:"; tail -30 "$work/bench.err"; exit 1; }
echo
echo "== cache hit against the read it saves"
# shellcheck disable=SC2086
"$java" $jvm_flags -cp "$cp" bench/CacheLatency.java "${2:-5}" "${3:-20000}" 2> "$work/cache.err" \
  || { echo "the cache benchmark failed:"; tail -30 "$work/cache.err"; exit 1; }
