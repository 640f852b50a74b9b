#!/usr/bin/env bash
# Release build of the whole site: the `trellis` server binary and the WASM client split into
# lazily loaded route chunks (cargo-leptos --split), assets with content-hashed names.
#
# Skipped when nothing it reads changed since the last build: a stamp beside the site holds the
# hash of every source file (tracked or new, not ignored), the lock file, the toolchain and the
# tools, and the binary it built (a binary rebuilt by other means does not count).
# `TRELLIS_FORCE_BUILD=1` builds anyway.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$TRELLIS_ROOT"

site="$TRELLIS_ROOT/target/site"
bin="$CARGO_TARGET_DIR/release/trellis"
stamp="$site/.trellis-build-stamp"

inputs_hash() {
  {
    git ls-files -z --cached --others --exclude-standard -- Cargo.toml Cargo.lock backend crates frontend shared \
      | xargs -0 -r sha256sum 2>/dev/null
    rustc --version; cargo leptos --version 2>/dev/null; wasm-bindgen --version 2>/dev/null
    env | grep -E '^(LEPTOS_|CARGO_PROFILE_|RUSTFLAGS=)' | sort || true
  } | sha256sum | cut -d' ' -f1
}

bin_hash() { sha256sum "$bin" 2>/dev/null | cut -d' ' -f1; }

want="$(inputs_hash)"
if [ "${TRELLIS_FORCE_BUILD:-0}" != 1 ] && [ -x "$bin" ] && [ -d "$site/pkg" ] &&
  [ "$(cat "$stamp" 2>/dev/null)" = "$(printf '%s\n%s' "$want" "$(bin_hash)")" ]; then
  log "release build is current (no source changed since it was built)"
  exit 0
fi
log "cargo leptos build --release --split"
rm -f "$stamp"
cargo leptos build --release --split
printf '%s\n%s\n' "$want" "$(bin_hash)" > "$stamp"
