#!/usr/bin/env bash
# Writes .env next to docker-compose.yml with fresh secrets, readable by you only: the admin token (and its
# SHA-256, which is all the gateways are given), the viewer token Prometheus scrapes with (and its SHA-256), and
# the PostgreSQL and Grafana passwords. It never overwrites an existing .env.
set -euo pipefail
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
echo "wrote .env (mode 600). Admin token: $admin"
