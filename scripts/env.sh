# Sourced by every Trellis script: where things live and which toolchain builds them.
# Everything built or installed goes under $TRELLIS_CACHE (outside the checkout), so fresh clones
# reuse it and CI reruns are fast.

TRELLIS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=tools.env
. "$TRELLIS_ROOT/scripts/tools.env"

export TRELLIS_CACHE="${TRELLIS_CACHE:-$HOME/.cache/trellis}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$TRELLIS_CACHE/target}"
TOOLS_DIR="$TRELLIS_CACHE/tools"
export PATH="$TOOLS_DIR/bin:$TOOLS_DIR/npm/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Chosen by scripts/setup.sh: the toolchain that builds server and WASM client alike.
if [ -f "$TRELLIS_CACHE/toolchain" ]; then
  RUSTUP_TOOLCHAIN="$(cat "$TRELLIS_CACHE/toolchain")"
  export RUSTUP_TOOLCHAIN
  if [ "$RUSTUP_TOOLCHAIN" = web ]; then
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-19
  fi
fi

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
