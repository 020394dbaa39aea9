#!/usr/bin/env bash
# Orders per second and latency through the gateway, on the local stack (README's run command).
#   bench/orders.sh [concurrency=16] [warmup-seconds=90] [measure-seconds=30] [rounds=3]
# It starts the local stack on its default ports, stocks one SKU generously, runs the closed-loop load in
# bench/OrderLoad.java (JDK only): a warm-up, then the measured rounds and their medians. It prints the machine,
# then stops the stack. Each round also reports the CPU time each process spent per order (from /proc/PID/stat).
# JAVA_HOME chooses the JDK for the whole stack. LOCAL_ARGS adds launcher settings:
# LOCAL_ARGS=--tc-nodes=3 runs the coordinator as a Raft group of three TCs. SERVICE_JVM_OPTIONS adds options to the
# services' JVMs (a -D setting to compare, say).
# For this run only, the services also expose their actuator metrics endpoint (on loopback) to a viewer token made
# for the run, so that the load reads the order service's own timers: how long its round trips to the Seata TC take.
set -euo pipefail
cd "$(dirname "$0")/.."
concurrency=${1:-16}
warmup=${2:-90}
measure=${3:-30}
rounds=${4:-3}
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
gateway=http://127.0.0.1:8080

log=$(mktemp)
# A run folder of its own: every run starts on empty databases, so that one run's orders do not slow the next.
run_dir=$(mktemp -d)
METRICS_TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
export METRICS_TOKEN
token_sha256=$(printf '%s' "$METRICS_TOKEN" | sha256sum | cut -d' ' -f1)
# shellcheck disable=SC2086
./run-local.sh --run-dir="$run_dir" ${LOCAL_ARGS:-} --jvm-options="-Xms64m -Xmx384m -XX:+UseSerialGC ${SERVICE_JVM_OPTIONS:-} -Dmanagement.endpoints.web.exposure.include=health,metrics,prometheus \
-Dsluice.management.tokens[0].name=bench -Dsluice.management.tokens[0].role=viewer -Dsluice.management.tokens[0].sha256=$token_sha256" \
  > "$log" 2>&1 &
stack=$!
trap 'kill -TERM $stack 2>/dev/null; wait $stack 2>/dev/null || true; rm -rf "$log" "$run_dir"' EXIT
for _ in $(seq 1 240); do
  grep -q 'stack is up' "$log" && break
  kill -0 $stack 2>/dev/null || { cat "$log"; exit 1; }
  sleep 1
done
grep -q 'stack is up' "$log" || { cat "$log"; echo "the stack did not come up"; exit 1; }

# The stack's processes by component, from the launcher's table (PIDS is the second-last column; the Redis nodes are
# listed as "6 processes", so they are found by their ports), for the CPU each spends per order. The launcher's own
# JVM serves the H2 databases.
PROCS=""
while read -r name pids; do
  [ "$name" = redis-cluster ] && pids=$(pgrep -d, -f 'redis-server.*127\.0\.0\.1:700[0-5]')
  [ "$name" = h2 ] && name="launcher (h2)"
  # PostgreSQL serves each connection from a child of the postmaster; the pools open theirs at start-up.
  [ "$name" = postgres ] && pids="$pids,$(pgrep -d, -P "$pids")"
  PROCS="$PROCS$name=$pids;"
done < <(awk '/COMPONENT/{table=1; next} table && NF >= 4 {print $1, $(NF-1)} /^$/{if (table) exit}' "$log")
export PROCS
CLK_TCK=$(getconf CLK_TCK)
export CLK_TCK

sku="bench-$(date +%s)"
"$java" -version 2>&1 | head -1
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
"$java" bench/StockItem.java "$gateway" "$sku" 1000000000
"$java" bench/OrderLoad.java "$gateway" "$sku" "$concurrency" "$warmup" "$measure" "$rounds" \
  http://127.0.0.1:8101/actuator/metrics
