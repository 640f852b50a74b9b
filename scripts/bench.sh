#!/usr/bin/env bash
# Prints Trellis' performance figures (record them in docs/PERFORMANCE.md with the machine):
#   - first-load transfer of / (JS + WASM + CSS, gzip) and the size of each route chunk
#   - SSR throughput of / against a bare axum "hello" handler, same run, as a ratio (wrk)
#   - cold start: process start to /readyz 200
#   - the catalog at scale (e2e/bench/catalog.mjs): a generated catalog of 100,000 entities on
#     SQLite and PostgreSQL: ingest, RSS, by-query/full-text/facet latencies, no-op refresh
# `scripts/bench.sh catalog [N]` runs only the catalog part (N entities, default 100000).
set -euo pipefail
. "$(dirname "$0")/env.sh"
"$TRELLIS_ROOT/scripts/setup.sh" --bench
. "$TRELLIS_ROOT/scripts/env.sh"
cd "$TRELLIS_ROOT"
"$TRELLIS_ROOT/scripts/build.sh"
cargo build --release --locked -p trellis --example hello
export TRELLIS_BIN="$CARGO_TARGET_DIR/release/trellis" TRELLIS_SITE_ROOT="$TRELLIS_ROOT/target/site"
export HELLO_BIN="$CARGO_TARGET_DIR/release/examples/hello"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$TRELLIS_ROOT/scripts/test-services.sh" >/dev/null
if [ "${1:-}" != catalog ]; then
  node e2e/bench/bench.mjs
fi
node e2e/bench/catalog.mjs "${2:-100000}"
