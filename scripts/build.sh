#!/usr/bin/env bash
# Release build of the whole site: the `trellis` server binary and the WASM client split into
# lazily loaded route chunks (cargo-leptos --split), assets with content-hashed names.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$TRELLIS_ROOT"
log "cargo leptos build --release --split"
cargo leptos build --release --split
