#!/usr/bin/env bash
# One command from a fresh checkout to a running portal on the embedded default (SQLite under
# ./data). Extra arguments go to `trellis serve`, e.g. `scripts/run.sh --config my.yaml`.
# In demo mode a Prometheus (the Debian package setup installs) runs beside it, scraping
# Trellis and itself, so the demo's dashboards draw real charts; TRELLIS__PROMETHEUS__BASE_URL
# set (a Prometheus of your own) or TRELLIS_DEMO_PROMETHEUS=0 leaves it out.
set -euo pipefail
. "$(dirname "$0")/env.sh"
"$TRELLIS_ROOT/scripts/setup.sh"
. "$TRELLIS_ROOT/scripts/env.sh"
"$TRELLIS_ROOT/scripts/build.sh"
cd "$TRELLIS_ROOT"
listen="${TRELLIS_LISTEN:-127.0.0.1:3000}"
if [ "${TRELLIS_DEMO_PROMETHEUS:-1}" = 1 ] && [ -z "${TRELLIS__PROMETHEUS__BASE_URL:-}" ] && command -v prometheus >/dev/null; then
  port="${TRELLIS_DEMO_PROMETHEUS_PORT:-9090}"
  mkdir -p data/prometheus
  cat > data/prometheus/prometheus.yml <<YAML
global: {scrape_interval: 5s}
scrape_configs:
  - job_name: trellis
    static_configs: [{targets: ["$listen"]}]
  - job_name: prometheus
    static_configs: [{targets: ["127.0.0.1:$port"]}]
YAML
  prometheus --config.file=data/prometheus/prometheus.yml --storage.tsdb.path=data/prometheus/tsdb \
    --storage.tsdb.retention.time=8d --web.listen-address="127.0.0.1:$port" >data/prometheus/log 2>&1 &
  prom_pid=$!
  trap 'kill $prom_pid 2>/dev/null || true' EXIT
  export TRELLIS__PROMETHEUS__BASE_URL="http://127.0.0.1:$port" TRELLIS__PROMETHEUS__SCRAPE_INTERVAL_SECS=5
  "$CARGO_TARGET_DIR/release/trellis" "$@" serve
else
  exec "$CARGO_TARGET_DIR/release/trellis" "$@" serve
fi
