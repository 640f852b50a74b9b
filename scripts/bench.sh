#!/usr/bin/env bash
# Prints Trellis' performance figures (record them in docs/PERFORMANCE.md with the machine):
#   - first-load transfer of / (JS + WASM + CSS, gzip) and the size of each route chunk
#   - SSR throughput of / against a bare axum "hello" handler, same run, as a ratio (wrk)
#   - cold start: process start to /readyz 200
#   - the catalog at scale (e2e/bench/catalog.mjs): a generated catalog of 100,000 entities on
#     SQLite and PostgreSQL: ingest, RSS, by-query/full-text/facet latencies (Node fetch, 100
#     samples; and wrk, one connection for 5 s), no-op refresh
#   - LDAP org sync (crates/ldap/examples/ldap_bench.rs): 9,000 users + 2,200 groups from a real slapd
#     into PostgreSQL and SQLite, full and no-op
#   - permission checks (crates/auth/examples/auth_bench.rs): one in-process policy decision
#   - the home page (e2e/bench/home.mjs): widget data with a 2 s upstream, upstream calls per
#     person, SSR of / for 50 people against the bare handler, /theme.js and a 404 page
# `scripts/bench.sh catalog [N]` runs only the catalog part (N entities, default 100000);
# `scripts/bench.sh ldap` only the LDAP part; `scripts/bench.sh auth` only the permission check;
# `scripts/bench.sh home` only the home page.
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
export TRELLIS_TEST_POSTGRES_URL="${TRELLIS_TEST_POSTGRES_URL:-postgres://trellis:trellis@127.0.0.1:5432/postgres}"
case "${1:-all}" in
  catalog) node e2e/bench/catalog.mjs "${2:-100000}" ;;
  ldap) cargo run --release --locked -p trellis-ldap --example ldap_bench ;;
  auth) cargo run --release --locked -p trellis-auth --example auth_bench ;;
  home) node e2e/bench/home.mjs ;;
  *)
    node e2e/bench/bench.mjs
    node e2e/bench/home.mjs
    node e2e/bench/catalog.mjs 100000
    cargo run --release --locked -p trellis-ldap --example ldap_bench
    cargo run --release --locked -p trellis-auth --example auth_bench
    ;;
esac
