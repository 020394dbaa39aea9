#!/usr/bin/env bash
# Writes .env next to docker-compose.yml with fresh secrets, readable by you only: the admin token (and its
# SHA-256, which is all the gateways are given), the viewer token Prometheus scrapes with (and its SHA-256), and
# the PostgreSQL and Grafana passwords. It never overwrites an existing .env.
#   --tc-cluster  also turns on the tc-cluster profile: three Seata TCs as a Raft group instead of one TC.
set -euo pipefail
tc_cluster=false
for arg in "$@"; do
  case "$arg" in
    --tc-cluster) tc_cluster=true ;;
    *) echo "usage: $0 [--tc-cluster]" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/../.."
if [ -e .env ]; then
  echo ".env exists; remove it first to make new secrets" >&2
  exit 1
fi
secret() { head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32; }
sha256() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
admin=$(secret)
viewer=$(secret)
umask 077
cat > .env <<ENV
# Secrets for docker-compose.yml, made by deploy/docker/init-env.sh. Never commit this file.
# The Admin API token: send it as "Authorization: Bearer \$SLUICE_ADMIN_TOKEN" to the gateways' management ports.
SLUICE_ADMIN_TOKEN=$admin
SLUICE_ADMIN_TOKEN_SHA256=$(sha256 "$admin")
# Prometheus scrapes the gateways and services with this read-only token.
SLUICE_VIEWER_TOKEN=$viewer
SLUICE_VIEWER_TOKEN_SHA256=$(sha256 "$viewer")
POSTGRES_PASSWORD=$(secret)
ORDER_DB_PASSWORD=$(secret)
INVENTORY_DB_PASSWORD=$(secret)
GRAFANA_ADMIN_PASSWORD=$(secret)
ENV
if $tc_cluster; then
  # The members' fixed addresses in the Compose network (SLUICE_SUBNET_PREFIX, as docker-compose.yml reads it).
  net=${SLUICE_SUBNET_PREFIX:-10.191.91}
  cat >> .env <<ENV
# The coordinator with no single point of failure: three TCs as a Raft group (Raft port 9091, console 7091).
COMPOSE_PROFILES=tc-cluster
SLUICE_TC_RAFT_PEERS=$net.11:9091,$net.12:9091,$net.13:9091
SLUICE_TCC_RAFT_ADDRESSES=$net.11:7091,$net.12:7091,$net.13:7091
ENV
  if [ -n "${SLUICE_SUBNET_PREFIX:-}" ]; then
    echo "SLUICE_SUBNET_PREFIX=$SLUICE_SUBNET_PREFIX" >> .env
  fi
fi
echo "wrote .env (mode 600). Admin token: $admin"
