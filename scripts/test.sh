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

log "cargo test (unit + integration, SQLite and PostgreSQL)"
cargo test --workspace --exclude trellis-hydrate --locked

"$TRELLIS_ROOT/scripts/build.sh"

log "end-to-end tests (Chromium, release build)"
(cd e2e && TRELLIS_BIN="$CARGO_TARGET_DIR/release/trellis" TRELLIS_SITE_ROOT="$TRELLIS_ROOT/target/site" node --test --test-concurrency=1 --test-timeout=180000 tests/app.test.mjs tests/catalog.test.mjs tests/auth.test.mjs tests/backstage-client.test.mjs tests/size.test.mjs)
