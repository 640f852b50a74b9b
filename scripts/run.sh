#!/usr/bin/env bash
# One command from a fresh checkout to a running portal on the embedded default (SQLite under
# ./data). Extra arguments go to `trellis serve`, e.g. `scripts/run.sh --config my.yaml`.
set -euo pipefail
. "$(dirname "$0")/env.sh"
"$TRELLIS_ROOT/scripts/setup.sh"
. "$TRELLIS_ROOT/scripts/env.sh"
"$TRELLIS_ROOT/scripts/build.sh"
cd "$TRELLIS_ROOT"
exec "$CARGO_TARGET_DIR/release/trellis" "$@" serve
