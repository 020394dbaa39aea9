#!/usr/bin/env bash
# JMH microbenchmarks of the gateway's per-request pieces (platform-gateway/src/test/java/dev/sluice/gateway/jmh):
# the cluster rate limit's leased path (on a real Redis Cluster), the split and load-balancer choices, and the
# per-route metrics filter.
#   bench/jmh.sh [JMH arguments]     e.g. bench/jmh.sh Split -wi 2 -i 3      (-h lists them)
# The settings every benchmark runs with are here, in one place (arguments given override them): average time per
# operation in nanoseconds, 3 warm-up and 5 measured iterations of 2 s, one fork.
# Builds what it needs first (test-compile of the gateway and the modules it uses). JAVA_HOME picks the JDK that
# runs the benchmarks; the build uses the default one.
set -euo pipefail
cd "$(dirname "$0")/.."
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "building (./mvnw -pl platform-gateway -am test-compile)..."
JAVA_HOME= ./mvnw -B -q -pl platform-gateway -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/jmh.classpath > "$log" 2>&1 \
  || { tail -n 40 "$log" >&2; echo "bench/jmh.sh: the build failed (above)" >&2; exit 1; }
classpath="platform-gateway/target/test-classes:platform-gateway/target/classes:$(cat platform-gateway/target/jmh.classpath)"
"$java" -version 2>&1 | head -1
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
exec "$java" -cp "$classpath" org.openjdk.jmh.Main -bm avgt -tu ns -wi 3 -w 2s -i 5 -r 2s -f 1 "${@:-dev.sluice.gateway.jmh}"
