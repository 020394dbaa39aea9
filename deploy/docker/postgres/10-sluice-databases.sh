#!/bin/bash
# Runs once, when PostgreSQL initialises its data volume: one database and one role per service, each role owning
# only its database. The passwords come from the environment (.env), never from this file.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  -v orders_password="$ORDER_DB_PASSWORD" -v inventory_password="$INVENTORY_DB_PASSWORD" <<'SQL'
CREATE ROLE orders LOGIN PASSWORD :'orders_password';
CREATE DATABASE orders OWNER orders;
REVOKE ALL ON DATABASE orders FROM PUBLIC;
CREATE ROLE inventory LOGIN PASSWORD :'inventory_password';
CREATE DATABASE inventory OWNER inventory;
REVOKE ALL ON DATABASE inventory FROM PUBLIC;
SQL
