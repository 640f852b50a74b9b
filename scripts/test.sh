#!/usr/bin/env bash
# One command from a fresh checkout to the whole test suite: setup (tools, Chromium, PostgreSQL),
# unit and integration tests on SQLite and PostgreSQL, the release build, end-to-end tests in
# Chromium against the release server. `.ci/run` calls exactly this.
set -euo pipefail
. "$(dirname "$0")/env.sh"
"$TRELLIS_ROOT/scripts/setup.sh" --test
. "$TRELLIS_ROOT/scripts/env.sh"
cd "$TRELLIS_ROOT"
export TRELLIS_TEST_POSTGRES_URL="${TRELLIS_TEST_POSTGRES_URL:-postgres://trellis:trellis@127.0.0.1:5432/postgres}"

# Tests over Backstage's larger example set are #[ignore]d: it exists only where the read-only
# shared/ folder sits beside the checkout (see crates/test-kit/src/fixtures.rs).
ignored=()
if [ -f "$TRELLIS_ROOT/../shared/fixtures/backstage-examples/all.yaml" ]; then
  ignored=(-- --include-ignored)
else
  log "../shared/fixtures is absent: the tests over Backstage's larger example set are skipped"
fi
log "cargo test (unit + integration, SQLite and PostgreSQL)"
cargo test --workspace --exclude trellis-hydrate --locked "${ignored[@]}"

"$TRELLIS_ROOT/scripts/build.sh"

log "end-to-end tests (Chromium, release build)"
(cd e2e && TRELLIS_BIN="$CARGO_TARGET_DIR/release/trellis" TRELLIS_SITE_ROOT="$TRELLIS_ROOT/target/site" node --test --test-concurrency=1 --test-timeout=180000 tests/app.test.mjs tests/catalog.test.mjs tests/auth.test.mjs tests/backstage-client.test.mjs tests/size.test.mjs tests/graphql.test.mjs tests/home.test.mjs tests/dashboards.test.mjs tests/personal.test.mjs tests/palette.test.mjs tests/a11y.test.mjs)
