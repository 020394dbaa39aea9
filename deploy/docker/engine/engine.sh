#!/usr/bin/env bash
# A Docker engine for machines that have none (CI, fresh Debian hosts), and stand-ins for the public images that
# cannot be pulled there. Run as root. Nothing here is needed on a machine that already has Docker and Docker Hub.
#
#   engine.sh start      install docker.io, docker-compose and debootstrap when absent (apt), start dockerd on
#                        its own socket, and write the client settings to $SLUICE_ENGINE_DIR/env
#   engine.sh standins   build the stand-in images from Debian packages (JRE 17, Redis, PostgreSQL, Prometheus)
#                        and add their names to the env file; skipped when they exist
#   engine.sh stop       stop the dockerd this script started (it stops its containers and containerd with it)
#
# Afterwards: source "$SLUICE_ENGINE_DIR/env" (DOCKER_HOST and the SLUICE_*_IMAGE variables docker-compose.yml reads).
set -euo pipefail

ENGINE_DIR=${SLUICE_ENGINE_DIR:-/var/tmp/sluice-docker}
SOCKET="$ENGINE_DIR/docker.sock"
PIDFILE="$ENGINE_DIR/dockerd.pid"
ENV_FILE="$ENGINE_DIR/env"
HERE="$(cd "$(dirname "$0")" && pwd)"
STANDIN_BASE=sluice-standin/debian:bookworm

log() { printf '[engine] %s\n' "$*" >&2; }

engine_answers() {
  DOCKER_HOST="unix://$SOCKET" timeout 5 docker version --format '{{.Server.Version}}' > /dev/null 2>&1
}

install_packages() {
  local missing=()
  if [ "${1:-}" != debootstrap ]; then
    command -v dockerd > /dev/null || missing+=(docker.io)
    command -v docker-compose > /dev/null || docker compose version > /dev/null 2>&1 || missing+=(docker-compose)
  fi
  command -v debootstrap > /dev/null || missing+=(debootstrap)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} (apt)"
    apt-get update -q > "$ENGINE_DIR/apt.log" 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >> "$ENGINE_DIR/apt.log" 2>&1
  fi
}

start() {
  mkdir -p "$ENGINE_DIR"
  if [ -z "${SLUICE_ENGINE_OWN:-}" ] && timeout 5 docker version --format '{{.Server.Version}}' > /dev/null 2>&1; then
    # An engine this machine already runs (DOCKER_HOST or the default socket): use it, and leave it running.
    log "using the Docker engine that already answers${DOCKER_HOST:+ at $DOCKER_HOST}"
    : > "$ENV_FILE"
    [ -n "${DOCKER_HOST:-}" ] && echo "export DOCKER_HOST=$DOCKER_HOST" > "$ENV_FILE"
    return 0
  fi
  if engine_answers; then
    log "dockerd already answers on $SOCKET"
  else
    install_packages
    log "starting dockerd (data in $ENGINE_DIR/data, log in $ENGINE_DIR/dockerd.log)"
    # No systemd and no way out of the machine: no iptables rules, no default bridge. Compose's own networks
    # still work, and ports published on 127.0.0.1 reach the host through docker-proxy.
    setsid dockerd --iptables=false --ip-forward=false --bridge=none \
      --data-root "$ENGINE_DIR/data" --exec-root "$ENGINE_DIR/exec" --pidfile "$PIDFILE" \
      -H "unix://$SOCKET" > "$ENGINE_DIR/dockerd.log" 2>&1 < /dev/null &
    for _ in $(seq 1 60); do
      engine_answers && break
      sleep 1
    done
    engine_answers || { log "dockerd did not answer within 60 s; see $ENGINE_DIR/dockerd.log"; exit 1; }
  fi
  echo "export DOCKER_HOST=unix://$SOCKET" > "$ENV_FILE"
}

standins() {
  # shellcheck disable=SC1090
  source "$ENV_FILE"
  if ! docker image inspect "$STANDIN_BASE" > /dev/null 2>&1; then
    install_packages debootstrap
    local rootfs="$ENGINE_DIR/rootfs" mirror
    # The mirror apt already uses on this machine.
    mirror=$( (grep -hoE '^(URIs:|deb) +https?://[^ ]+' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list \
      2>/dev/null || true) | awk '{print $2}' | grep -v security | head -n1 || true)
    mirror=${mirror:-http://deb.debian.org/debian}
    rm -rf "$rootfs"
    log "debootstrap bookworm from $mirror (about a minute)"
    debootstrap --variant=minbase --include=openjdk-17-jre-headless,redis-server,postgresql,prometheus \
      bookworm "$rootfs" "$mirror" > "$ENGINE_DIR/debootstrap.log" 2>&1
    # Debian's postgresql package creates a cluster the stand-in never uses.
    rm -rf "$rootfs/var/lib/postgresql/15/main" "$rootfs/var/cache/apt/archives/"*.deb
    tar -C "$rootfs" -c . | docker import - "$STANDIN_BASE" > /dev/null
    rm -rf "$rootfs"
  fi
  DOCKER_BUILDKIT=0 docker build -q -t sluice-standin/postgres:15 --build-arg BASE="$STANDIN_BASE" \
    -f "$HERE/standins/postgres.Dockerfile" "$HERE/standins" > /dev/null
  DOCKER_BUILDKIT=0 docker build -q -t sluice-standin/prometheus:2 --build-arg BASE="$STANDIN_BASE" \
    -f "$HERE/standins/prometheus.Dockerfile" "$HERE/standins" > /dev/null
  cat >> "$ENV_FILE" <<VARS
export SLUICE_BASE_IMAGE=$STANDIN_BASE
export SLUICE_REDIS_IMAGE=$STANDIN_BASE
export SLUICE_POSTGRES_IMAGE=sluice-standin/postgres:15
export SLUICE_PROMETHEUS_IMAGE=sluice-standin/prometheus:2
VARS
  log "stand-in images ready"
}

stop() {
  local pid=""
  [ -f "$PIDFILE" ] && pid=$(cat "$PIDFILE")
  if [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null; then
    log "stopping dockerd ($pid)"
    kill -TERM "$pid"
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2> /dev/null || break
      sleep 1
    done
    kill -0 "$pid" 2> /dev/null && kill -KILL "$pid"
  fi
  # containerd and its shims exit with dockerd; make sure none outlives it.
  pkill -f "containerd.*$ENGINE_DIR" 2> /dev/null || true
  # dockerd bind-mounts its data root (and containers' filesystems under it); one that did not finish its stop
  # leaves them mounted, and the next run could not clear the folder. Deepest first.
  awk -v dir="$ENGINE_DIR" 'index($2, dir) == 1 { print $2 }' /proc/mounts | sort -r | while read -r mounted; do
    umount -l "$mounted" 2> /dev/null || true
  done
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  standins) standins ;;
  stop) stop ;;
  *) echo "usage: $0 start|standins|stop" >&2; exit 2 ;;
esac
