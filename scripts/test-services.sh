#!/usr/bin/env bash
# Starts the real services the tests use and prepares them. Idempotent.
#   PostgreSQL 15 (cluster "15 main"): role `trellis` (password `trellis`, may create databases),
#   reached at $TRELLIS_TEST_POSTGRES_URL (default postgres://trellis:trellis@127.0.0.1:5432/postgres).
set -euo pipefail
. "$(dirname "$0")/env.sh"

if ! command -v pg_ctlcluster >/dev/null; then
  log "apt: installing postgresql"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
version="$(pg_lsclusters -h | awk 'NR==1 {print $1}')"
cluster="$(pg_lsclusters -h | awk 'NR==1 {print $2}')"
[ -n "$version" ] || die "no PostgreSQL cluster found (pg_lsclusters is empty)"
if ! pg_lsclusters -h | awk 'NR==1 {print $4}' | grep -q online; then
  log "starting PostgreSQL $version/$cluster"
  pg_ctlcluster "$version" "$cluster" start
fi
for _ in $(seq 1 30); do
  su postgres -c "psql -qtAc 'SELECT 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -v ON_ERROR_STOP=1 -qtA" >/dev/null <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'trellis') THEN
    CREATE ROLE trellis LOGIN PASSWORD 'trellis' CREATEDB;
  END IF;
END $$;
SQL
# Databases left behind by killed test runs.
su postgres -c "psql -qtAc \"SELECT datname FROM pg_database WHERE datname LIKE 'trellis_test_%'\"" |
  while read -r db; do [ -n "$db" ] && su postgres -c "psql -qc 'DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)'" >/dev/null; done
log "PostgreSQL ready at ${TRELLIS_TEST_POSTGRES_URL:-postgres://trellis:trellis@127.0.0.1:5432/postgres}"
