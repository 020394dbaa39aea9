#!/usr/bin/env bash
# Proxy throughput, latency, CPU and allocation per request, on loopback, against nginx in the same run.
#   bench/gateway.sh [rounds=3] [seconds-per-run=15] [warmup-seconds=30]
# Targets, interleaved in every round (wrk -t1 -c32, 1 KB static file from an nginx backend):
#   direct     the nginx backend itself
#   nginx      nginx as a reverse proxy (worker_processes 1, upstream keepalive): the reference
#   netty      a bare Reactor Netty proxy, no Spring (bench/stock-gateway's NettyProxy, tuned JVM flags): the floor
#              under any gateway built on Reactor Netty, Spring Cloud Gateway and Sluice included
#   stock      a stock Spring Cloud Gateway app of Sluice's version, one route, defaults (bench/stock-gateway)
#   bare       the tuned Sluice gateway (JVM_FLAGS), one bare route from its YAML, metrics and config store off
#   policies   the tuned gateway, one route with a cluster rate limit (Redis Cluster), a breaker and metrics
#   jwt        the tuned gateway, the bare route with auth.jwt (RS256, a configured public key), metrics off; every
#              request carries the same valid bearer token
#   shipped    the gateway exactly as the local stack starts it (./run-local.sh: its JVM options, metrics, config
#              store, Redis Cluster), the bare route created through the Admin API
# Breakdown targets, each the tuned bare gateway with one setting changed (TARGETS to run them):
#   bare-jvm      the JVM options the local stack gives the gateway (read from the shipped gateway's command line)
#   bare-c1       plus -XX:TieredStopAtLevel=1 (C1 only, as the local stack runs the services)
#   bare-serial   -Xms64m -Xmx384m -XX:+UseSerialGC instead of the tuned flags (the services' heap and collector)
#   bare-metrics  Sluice's metrics on (the default)
#   bare-store    the config store on: routes from the Redis Cluster, where the shipped gateway keeps the bench route
# TARGETS picks and orders the targets (default: direct nginx netty stock bare policies jwt shipped). JAVA_HOME picks the
# JDK (for the local stack too); JVM_FLAGS the tuned flags; LOCAL_ARGS adds launcher arguments (./run-local.sh --help).
# Each proxy's CPU time per request comes from /proc/PID/stat before and after its run. After the rounds, each JVM
# proxy gets one more run under a JFR recording of its allocation (bench/Allocations.java): bytes per request and
# the top allocated classes.
# Needs nginx and wrk: on Debian, apt-get install nginx-light wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
seconds=${2:-15}
warmup=${3:-30}
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jvm_flags=${JVM_FLAGS:--XX:+UseParallelGC -Xms512m -Xmx512m}
read -r -a targets <<< "${TARGETS:-direct nginx netty stock bare policies jwt shipped}"
# A set-up step that fails says which one and why, instead of exiting silently.
trap 'echo "bench/gateway.sh: stopped at line $LINENO: $BASH_COMMAND (exit $?)" >&2' ERR
command -v nginx > /dev/null || { echo "nginx is missing: apt-get install nginx-light" >&2; exit 1; }
command -v wrk > /dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
wants() { [[ " ${targets[*]} " == *" $1 "* ]]; }

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2> /dev/null || true; done
  wait 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# Runs a set-up command quietly; on failure prints its output's tail and the reason.
step() {
  local what=$1; shift
  "$@" > "$work/step.log" 2>&1 || { tail -n 40 "$work/step.log" >&2; echo "bench/gateway.sh: $what failed" >&2; exit 1; }
}
# The PID listening on a TCP port (the gateway the local stack started is a grandchild of this script).
pid_on_port() { ss -Hltnp "sport = :$1" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1; }
wait_for() { # port, then optional curl arguments; fails with the logs' tails
  local port=$1; shift
  for _ in $(seq 1 180); do curl -sf -o /dev/null "$@" "http://127.0.0.1:$port/1k.txt" && return 0; sleep 1; done
  tail -n 30 "$work"/*.log "$work"/nginx-*/logs/error.log >&2 || true
  echo "bench/gateway.sh: nothing serves /1k.txt on port $port" >&2; exit 1
}

backend=18080 proxy=18081 stock=18082 bare=18083 policies=18084 jwt=18085 shipped=18086
bare_jvm=18087 bare_metrics=18088 bare_store=18089 netty=18090 bare_c1=18076 bare_serial=18077
redis=17000

# --- the local stack: the shipped gateway, and the Redis Cluster every gateway uses ---------------------------------
# run-local.sh builds what is out of date. Its ports are moved off the defaults so that a running stack is no obstacle.
echo "starting the local stack (./run-local.sh), which builds first if a source changed"
# shellcheck disable=SC2086
./run-local.sh --run-dir="$work/local" --redis-port=$redis --seata-port=18091 --seata-console-port=17091 \
  --h2-port=19092 --order-port=0 --inventory-port=0 --gateway-port=$shipped --gateway-management-port=18096 \
  ${LOCAL_ARGS:-} > "$work/local.log" 2>&1 & stack=$!; pids+=($stack)
for _ in $(seq 1 600); do
  grep -q 'stack is up' "$work/local.log" && break
  kill -0 $stack 2> /dev/null || { tail -n 40 "$work/local.log" >&2; echo "bench/gateway.sh: the local stack did not start" >&2; exit 1; }
  sleep 1
done
grep -q 'stack is up' "$work/local.log" || { tail -n 40 "$work/local.log" >&2; echo "bench/gateway.sh: the local stack did not come up in 10 minutes" >&2; exit 1; }
nodes=$(seq -s, -f "127.0.0.1:%g" $redis $((redis + 5)))
# The launcher keeps its generated token in the run folder, unless SLUICE_ADMIN_TOKEN gave it one.
admin_token=${SLUICE_ADMIN_TOKEN:-$(cat "$work/local/admin-token")}
stock_jar=bench/stock-gateway/target/stock-gateway.jar
if [ ! -f $stock_jar ] || [ -n "$(find bench/stock-gateway/src bench/stock-gateway/pom.xml -newer $stock_jar | head -1)" ]; then
  step "building bench/stock-gateway" env JAVA_HOME= ./mvnw -B -q -f bench/stock-gateway/pom.xml package -DskipTests
fi

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
wait_for $backend
wait_for $proxy

# --- the shipped gateway's route, through the Admin API -------------------------------------------------------------
status=$(curl -s -o "$work/put.json" -w '%{http_code}' -X PUT -H "Authorization: Bearer $admin_token" \
  -H 'Content-Type: application/json' "http://127.0.0.1:18096/admin/v1/routes/bench" \
  -d "{\"uri\": \"http://127.0.0.1:$backend\", \"match\": {\"path\": \"/**\"}}")
case $status in 200|201) ;; *) cat "$work/put.json" >&2; echo "bench/gateway.sh: the Admin API answered $status to the bench route" >&2; exit 1 ;; esac

# --- the JVM proxies -------------------------------------------------------------------------------------------------
# The tuned gateways keep the config store off: they share the stack's Redis Cluster, and with the store on they
# would serve the shipped gateway's routes instead of their own.
route="--sluice.gateway.store.enabled=false --sluice.gateway.routes[0].id=bench --sluice.gateway.routes[0].uri=http://127.0.0.1:$backend --sluice.gateway.routes[0].match.path=/**"
gateway() { # name, port, management port, JVM flags, then arguments
  local name=$1 port=$2 management=$3 flags=$4; shift 4
  # shellcheck disable=SC2086
  "$java" $flags -jar platform-gateway/target/platform-gateway.jar --server.port="$port" \
    --management.server.port="$management" --spring.data.redis.cluster.nodes="$nodes" "$@" > "$work/$name.log" 2>&1 &
  pids+=($!)
}
if wants stock; then
  # shellcheck disable=SC2086
  "$java" $jvm_flags -jar bench/stock-gateway/target/stock-gateway.jar --server.port=$stock --bench.backend-port=$backend \
    > "$work/stock.log" 2>&1 & pids+=($!)
fi
if wants netty; then
  # shellcheck disable=SC2086
  "$java" $jvm_flags -cp bench/stock-gateway/target/stock-gateway.jar -Dloader.main=bench.stock.NettyProxy \
    org.springframework.boot.loader.launch.PropertiesLauncher $netty $backend > "$work/netty.log" 2>&1 & pids+=($!)
fi
wants bare && gateway bare $bare 18093 "$jvm_flags" --sluice.gateway.metrics.enabled=false $route
wants policies && gateway policies $policies 18094 "$jvm_flags" $route \
  --sluice.gateway.routes[0].rateLimit.rate=1000000 --sluice.gateway.routes[0].rateLimit.key=route \
  --sluice.gateway.routes[0].circuitBreaker.slidingWindow=100
if wants jwt; then
  "$java" bench/JwtToken.java > "$work/jwt.out"
  public_key=$(sed '/^token=/d' "$work/jwt.out")
  token=$(sed -n 's/^token=//p' "$work/jwt.out")
  gateway jwt $jwt 18095 "$jvm_flags" --sluice.gateway.metrics.enabled=false $route \
    "--sluice.gateway.routes[0].auth.jwt.publicKeys[0]=$public_key" --sluice.gateway.routes[0].auth.jwt.audiences[0]=bench
fi
# The JVM options the launcher gave the shipped gateway, read from its command line.
shipped_pid=$(pid_on_port $shipped)
shipped_flags=$(tr '\0' ' ' < "/proc/$shipped_pid/cmdline" | sed 's/^[^ ]* //; s/ -jar .*//')
wants bare-jvm && gateway bare-jvm $bare_jvm 18097 "$shipped_flags" --sluice.gateway.metrics.enabled=false $route
wants bare-c1 && gateway bare-c1 $bare_c1 18078 "$jvm_flags -XX:TieredStopAtLevel=1" --sluice.gateway.metrics.enabled=false $route
wants bare-serial && gateway bare-serial $bare_serial 18079 "-Xms64m -Xmx384m -XX:+UseSerialGC" \
  --sluice.gateway.metrics.enabled=false $route
wants bare-metrics && gateway bare-metrics $bare_metrics 18098 "$jvm_flags" $route
wants bare-store && gateway bare-store $bare_store 18099 "$jvm_flags" --sluice.gateway.metrics.enabled=false \
  --sluice.gateway.node-id=bench-store

declare -A port_of=([direct]=$backend [nginx]=$proxy [netty]=$netty [stock]=$stock [bare]=$bare [policies]=$policies
  [jwt]=$jwt [shipped]=$shipped [bare-jvm]=$bare_jvm [bare-c1]=$bare_c1 [bare-serial]=$bare_serial
  [bare-metrics]=$bare_metrics [bare-store]=$bare_store)
for t in "${targets[@]}"; do
  [ -n "${port_of[$t]:-}" ] || { echo "bench/gateway.sh: no target named $t" >&2; exit 1; }
done
# The jwt target's requests carry the token; the others get no header.
headers_for() { [ "$1" = jwt ] && echo "Authorization: Bearer $token" || echo "X-Bench: 1"; }
for t in "${targets[@]}"; do wait_for "${port_of[$t]}" -H "$(headers_for "$t")"; done
if wants policies; then
  curl -sf -D - -o /dev/null "http://127.0.0.1:$policies/1k.txt" | grep -qi '^RateLimit-Limit' \
    || { echo "bench/gateway.sh: the policies gateway does not rate-limit" >&2; exit 1; }
fi
if wants jwt; then
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$jwt/1k.txt")" = 401 ] \
    || { echo "bench/gateway.sh: the jwt gateway serves without a token" >&2; exit 1; }
fi
for t in bare bare-jvm bare-c1 bare-serial bare-metrics bare-store shipped; do
  if wants $t && curl -sf -D - -o /dev/null "http://127.0.0.1:${port_of[$t]}/1k.txt" | grep -qi '^RateLimit-Limit'; then
    echo "bench/gateway.sh: the $t gateway rate-limits" >&2; exit 1
  fi
done

jcmd_for() { "${JAVA_HOME:+$JAVA_HOME/bin/}jcmd" "$@"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
declare -A pid_of
for t in "${targets[@]}"; do
  case $t in
    direct) pid_of[$t]="" ;;
    nginx) pid_of[$t]=$(pgrep -P $nginx_proxy | head -1) ;;
    *) pid_of[$t]=$(pid_on_port "${port_of[$t]}") ;;
  esac
done

"$java" -version 2>&1 | head -1
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
echo "tuned JVM flags: $jvm_flags"
echo "shipped gateway's JVM flags (from the local stack): $shipped_flags"
echo "warming up the JVM proxies for ${warmup}s each"
for t in "${targets[@]}"; do
  [ -n "${pid_of[$t]}" ] && [ "$t" != nginx ] || continue
  wrk -t1 -c32 -d"${warmup}s" -H "$(headers_for "$t")" "http://127.0.0.1:${port_of[$t]}/1k.txt" > /dev/null
done

results="$work/results.tsv"
hz=$(getconf CLK_TCK)
for round in $(seq 1 "$rounds"); do
  for t in "${targets[@]}"; do
    pid=${pid_of[$t]}
    before=$([ -n "$pid" ] && cpu_ticks "$pid" || echo 0)
    out=$(wrk -t1 -c32 -d"${seconds}s" --latency -H "$(headers_for "$t")" "http://127.0.0.1:${port_of[$t]}/1k.txt")
    after=$([ -n "$pid" ] && cpu_ticks "$pid" || echo 0)
    echo "$out" | grep -q 'Non-2xx' && { echo "$out"; echo "bench/gateway.sh: $t answered errors" >&2; exit 1; }
    requests=$(echo "$out" | awk '/requests in/{print $1}')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$t" \
      "$(echo "$out" | awk '/Requests\/sec/{print $2}')" \
      "$(echo "$out" | awk '$1=="50%"{print $2}')" "$(echo "$out" | awk '$1=="99%"{print $2}')" \
      "$requests" "$([ -n "$pid" ] && echo "$(( (after - before) ))" || echo -)" >> "$results"
    tail -1 "$results"
  done
done
"$java" bench/Summarize.java "$results" "$hz"

# --- allocation per request: one more run per JVM proxy under a JFR recording -----------------------------------------
echo
echo "allocation per request (one ${seconds}s run each, JFR: bench/allocation.jfc)"
for t in "${targets[@]}"; do
  case $t in direct|nginx) continue ;; esac
  pid=${pid_of[$t]}
  step "starting JFR in $t" jcmd_for "$pid" JFR.start name=bench settings="$PWD/bench/allocation.jfc"
  out=$(wrk -t1 -c32 -d"${seconds}s" -H "$(headers_for "$t")" "http://127.0.0.1:${port_of[$t]}/1k.txt")
  step "stopping JFR in $t" jcmd_for "$pid" JFR.stop name=bench filename="$work/$t.jfr"
  requests=$(echo "$out" | awk '/requests in/{print $1}')
  "$java" bench/Allocations.java "$work/$t.jfr" "$t" "$requests"
done
