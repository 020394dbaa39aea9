#!/usr/bin/env bash
# Proxy throughput, latency and CPU per request, on loopback, against nginx in the same run.
#   bench/gateway.sh [rounds=3] [seconds-per-run=15] [warmup-seconds=30]
# Targets, interleaved in every round (wrk -t1 -c32, 1 KB static file from an nginx backend):
#   direct     the nginx backend itself
#   nginx      nginx as a reverse proxy (worker_processes 1, upstream keepalive)
#   stock      a stock Spring Cloud Gateway app of Sluice's version, one route, defaults (bench/stock-gateway)
#   bare       the Sluice gateway, one bare route, metrics off
#   policies   the Sluice gateway, one route with a cluster rate limit (Redis Cluster), a breaker and metrics
#   jwt        the Sluice gateway, the bare route with auth.jwt (RS256, a configured public key), metrics off; every
#              request carries the same valid bearer token
# Each proxy's CPU time per request comes from /proc/PID/stat before and after its run.
# Needs nginx and wrk: on Debian, apt-get install nginx-light wrk. JAVA_HOME picks the JDK; JVM_FLAGS the flags.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
seconds=${2:-15}
warmup=${3:-30}
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jvm_flags=${JVM_FLAGS:--XX:+UseParallelGC -Xms512m -Xmx512m}
command -v nginx > /dev/null || { echo "nginx is missing: apt-get install nginx-light"; exit 1; }
command -v wrk > /dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2> /dev/null || true; done
  wait 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# --- build what is missing ---------------------------------------------------------------------------------------
[ -f platform-gateway/target/platform-gateway.jar ] || JAVA_HOME= ./mvnw -B -q install -DskipTests
[ -f bench/stock-gateway/target/stock-gateway.jar ] || JAVA_HOME= ./mvnw -B -q -f bench/stock-gateway/pom.xml package -DskipTests
JAVA_HOME= ./mvnw -B -q -pl platform-test dependency:build-classpath -Dmdep.outputFile="$work/test.cp" > /dev/null

backend=18080 proxy=18081 stock=18082 bare=18083 policies=18084 jwt=18085

# --- nginx: a static backend and a reverse proxy, one worker each --------------------------------------------------
mkdir -p "$work/www" "$work/nginx-backend/logs" "$work/nginx-proxy/logs"
head -c 1024 /dev/zero | tr '\0' 'x' > "$work/www/1k.txt"
chmod 755 "$work" "$work/www" && chmod 644 "$work/www/1k.txt" # nginx's workers may run as nobody
common="worker_processes 1; daemon off; error_log logs/error.log warn; events { worker_connections 4096; }"
cat > "$work/nginx-backend/nginx.conf" <<CONF
$common pid logs/nginx.pid;
http { access_log off; sendfile on; tcp_nodelay on; keepalive_requests 1000000;
  server { listen 127.0.0.1:$backend; root $work/www; } }
CONF
cat > "$work/nginx-proxy/nginx.conf" <<CONF
$common pid logs/nginx.pid;
http { access_log off; tcp_nodelay on; keepalive_requests 1000000;
  upstream backend { server 127.0.0.1:$backend; keepalive 64; keepalive_requests 1000000; }
  server { listen 127.0.0.1:$proxy;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
CONF
nginx -p "$work/nginx-backend" -c nginx.conf & pids+=($!)
nginx -p "$work/nginx-proxy" -c nginx.conf & nginx_proxy=$!; pids+=($nginx_proxy)

# --- the Redis Cluster the policies gateway limits through ----------------------------------------------------------
"$java" -cp "platform-test/target/classes:$(cat "$work/test.cp")" dev.sluice.test.redis.RedisClusterMain > "$work/redis.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do grep -qs '^nodes=' "$work/redis.out" && break; sleep 1; done
nodes=$(sed -n 's/^nodes=//p' "$work/redis.out")
[ -n "$nodes" ] || { cat "$work/redis.out"; echo "the Redis Cluster did not start"; exit 1; }

# --- the three JVM proxies ------------------------------------------------------------------------------------------
# The config store stays off: both gateways share the Redis Cluster, and with the store on the first to start would
# hand its route (and policies) to the other.
route="--sluice.gateway.store.enabled=false --sluice.gateway.routes[0].id=bench --sluice.gateway.routes[0].uri=http://127.0.0.1:$backend --sluice.gateway.routes[0].match.path=/**"
# shellcheck disable=SC2086
"$java" $jvm_flags -jar bench/stock-gateway/target/stock-gateway.jar --server.port=$stock --bench.backend-port=$backend \
  > "$work/stock.log" 2>&1 & stock_pid=$!; pids+=($stock_pid)
# shellcheck disable=SC2086
"$java" $jvm_flags -jar platform-gateway/target/platform-gateway.jar --server.port=$bare --management.server.port=18093 \
  --spring.data.redis.cluster.nodes="$nodes" --sluice.gateway.metrics.enabled=false $route \
  > "$work/bare.log" 2>&1 & bare_pid=$!; pids+=($bare_pid)
# shellcheck disable=SC2086
"$java" $jvm_flags -jar platform-gateway/target/platform-gateway.jar --server.port=$policies --management.server.port=18094 \
  --spring.data.redis.cluster.nodes="$nodes" $route \
  --sluice.gateway.routes[0].rateLimit.rate=1000000 --sluice.gateway.routes[0].rateLimit.key=route \
  --sluice.gateway.routes[0].circuitBreaker.slidingWindow=100 \
  > "$work/policies.log" 2>&1 & policies_pid=$!; pids+=($policies_pid)

# shellcheck disable=SC2086
"$java" bench/JwtToken.java > "$work/jwt.out"
public_key=$(sed '/^token=/d' "$work/jwt.out")
token=$(sed -n 's/^token=//p' "$work/jwt.out")
# shellcheck disable=SC2086
"$java" $jvm_flags -jar platform-gateway/target/platform-gateway.jar --server.port=$jwt --management.server.port=18095 \
  --spring.data.redis.cluster.nodes="$nodes" --sluice.gateway.metrics.enabled=false $route \
  "--sluice.gateway.routes[0].auth.jwt.publicKeys[0]=$public_key" --sluice.gateway.routes[0].auth.jwt.audiences[0]=bench \
  > "$work/jwt.log" 2>&1 & jwt_pid=$!; pids+=($jwt_pid)

for port in $backend $proxy $stock $bare $policies; do
  for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$port/1k.txt" && break; sleep 1; done
  curl -sf -o /dev/null "http://127.0.0.1:$port/1k.txt" || { tail -n 30 "$work"/*.log "$work"/nginx-*/logs/error.log; echo "port $port is not serving"; exit 1; }
done
curl -sf -D - -o /dev/null "http://127.0.0.1:$policies/1k.txt" | grep -qi '^RateLimit-Limit' \
  || { echo "the policies gateway does not rate-limit"; exit 1; }
for _ in $(seq 1 120); do curl -sf -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$jwt/1k.txt" && break; sleep 1; done
curl -sf -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$jwt/1k.txt" \
  || { tail -n 30 "$work/jwt.log"; echo "the jwt gateway does not serve a valid token"; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$jwt/1k.txt")" = 401 ] \
  || { echo "the jwt gateway serves without a token"; exit 1; }
if curl -sf -D - -o /dev/null "http://127.0.0.1:$bare/1k.txt" | grep -qi '^RateLimit-Limit'; then
  echo "the bare gateway rate-limits"; exit 1
fi

worker_of() { pgrep -P "$1" | head -1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
declare -A pid_of=([direct]="" [nginx]="$(worker_of $nginx_proxy)" [stock]=$stock_pid [bare]=$bare_pid [policies]=$policies_pid [jwt]=$jwt_pid)
declare -A port_of=([direct]=$backend [nginx]=$proxy [stock]=$stock [bare]=$bare [policies]=$policies [jwt]=$jwt)
targets=(direct nginx stock bare policies jwt)
# The jwt target's requests carry the token; the others get no header.
headers_for() { [ "$1" = jwt ] && echo "Authorization: Bearer $token" || echo "X-Bench: 1"; }

"$java" -version 2>&1 | head -1
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr); JVM flags: $jvm_flags"
echo "warming up the JVM proxies for ${warmup}s each"
for t in stock bare policies jwt; do
  wrk -t1 -c32 -d"${warmup}s" -H "$(headers_for $t)" "http://127.0.0.1:${port_of[$t]}/1k.txt" > /dev/null
done

results="$work/results.tsv"
hz=$(getconf CLK_TCK)
for round in $(seq 1 "$rounds"); do
  for t in "${targets[@]}"; do
    pid=${pid_of[$t]}
    before=$([ -n "$pid" ] && cpu_ticks "$pid" || echo 0)
    out=$(wrk -t1 -c32 -d"${seconds}s" --latency -H "$(headers_for "$t")" "http://127.0.0.1:${port_of[$t]}/1k.txt")
    after=$([ -n "$pid" ] && cpu_ticks "$pid" || echo 0)
    echo "$out" | grep -q 'Non-2xx' && { echo "$out"; echo "$t answered errors"; exit 1; }
    requests=$(echo "$out" | awk '/requests in/{print $1}')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$t" \
      "$(echo "$out" | awk '/Requests\/sec/{print $2}')" \
      "$(echo "$out" | awk '$1=="50%"{print $2}')" "$(echo "$out" | awk '$1=="99%"{print $2}')" \
      "$requests" "$([ -n "$pid" ] && echo "$(( (after - before) ))" || echo -)" >> "$results"
    tail -1 "$results"
  done
done
"$java" bench/Summarize.java "$results" "$hz"
