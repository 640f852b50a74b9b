#!/usr/bin/env bash
# Installs exactly what is missing to build (and with --test, to test) Trellis. Idempotent: a second
# run only checks. Works offline except for the package registries (crates.io, npm, Debian).
#   scripts/setup.sh          build tools: wasm32 target, cargo-leptos, wasm-bindgen, wasm-opt
#   scripts/setup.sh --test   also Chromium, OpenLDAP's slapd, the e2e node packages and a running PostgreSQL
set -euo pipefail
. "$(dirname "$0")/env.sh"

WANT_TEST=0; WANT_BENCH=0
for arg in "$@"; do
  case "$arg" in
    --test) WANT_TEST=1 ;;
    --bench) WANT_TEST=1; WANT_BENCH=1 ;;
    *) die "unknown option $arg" ;;
  esac
done
mkdir -p "$TOOLS_DIR/bin"

APT_UPDATED=0
apt_install() {  # apt_install PKG... : installs the packages that are not installed yet
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "need Debian packages ${missing[*]} but apt-get is missing"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ $APT_UPDATED -eq 0 ]; then $sudo apt-get update -qq; APT_UPDATED=1; fi
  log "apt: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

rustc_minor() { { rustc +"$1" --version 2>/dev/null || true; } | sed -nE 's/^rustc 1\.([0-9]+)\..*/\1/p'; }

apt_install $DEBIAN_BUILD_PACKAGES $DEBIAN_RUN_PACKAGES

# --- 1. A toolchain that builds both the server and the wasm32 client -----------------------------
setup_debian_web_toolchain() {  # Debian's rustc-web (1.96) with a locally built wasm32 std
  apt_install $DEBIAN_WASM_PACKAGES
  rustup toolchain list | grep -q '^web' || rustup toolchain link web /usr
  local libdir=/usr/lib/rustlib/wasm32-unknown-unknown/lib
  if ! ls "$libdir"/libstd-*.rlib >/dev/null 2>&1; then
    log "building the wasm32 standard library from rust-web-src (once)"
    local work; work="$(mktemp -d)"
    (cd "$work" && /usr/bin/cargo new -q --lib sysroot-build && cd sysroot-build && echo '#![no_std]' > src/lib.rs &&
      RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-19 CARGO_TARGET_DIR="$work/t" \
        /usr/bin/cargo build -q --release --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort,panic_unwind,proc_macro)
    mkdir -p "$libdir"
    find "$work/t/wasm32-unknown-unknown/release/deps" -name 'lib*.rlib' ! -name 'libsysroot_build-*' -exec cp {} "$libdir/" \;
    rm -rf "$work"
  fi
}

# TRELLIS_WASM_ROUTE: auto (default: rustup, else Debian), rustup, or debian. Setting it re-decides.
route="${TRELLIS_WASM_ROUTE:-auto}"
case "$route" in auto|rustup|debian) ;; *) die "TRELLIS_WASM_ROUTE must be auto, rustup or debian, not '$route'" ;; esac
if [ ! -f "$TRELLIS_CACHE/toolchain" ] || [ -n "${TRELLIS_WASM_ROUTE:-}" ]; then
  command -v rustup >/dev/null || die "rustup is required (https://rustup.rs)"
  tc=stable
  if [ "$route" != debian ] &&
     { rustup target list --installed --toolchain "$tc" 2>/dev/null | grep -q '^wasm32-unknown-unknown$' ||
       timeout 300 rustup target add wasm32-unknown-unknown --toolchain "$tc" >/dev/null 2>&1; }; then
    log "wasm32 target: rustup ($tc)"
  elif [ "$route" = rustup ]; then
    die "rustup cannot install the wasm32-unknown-unknown target (TRELLIS_WASM_ROUTE=rustup)"
  else
    log "wasm32 target: Debian's rustc-web with a locally built wasm32 std"
    setup_debian_web_toolchain; tc=web
  fi
  echo "$tc" > "$TRELLIS_CACHE/toolchain"
fi
. "$(dirname "$0")/env.sh"
[ "$RUSTUP_TOOLCHAIN" = web ] && setup_debian_web_toolchain

# --- 2. A toolchain new enough to compile the build tools ----------------------------------------
tools_tc=""
for tc in "$RUSTUP_TOOLCHAIN" stable beta nightly web; do
  minor="$(rustc_minor "$tc")"
  if [ -n "$minor" ] && [ "$minor" -ge "$TOOLS_MIN_RUSTC_MINOR" ]; then tools_tc="$tc"; break; fi
done
need_tools=0
[ -x "$TOOLS_DIR/bin/cargo-leptos" ] && "$TOOLS_DIR/bin/cargo-leptos" --version | grep -q " $CARGO_LEPTOS_VERSION" || need_tools=1
if [ $need_tools -eq 1 ] && [ -z "$tools_tc" ]; then
  setup_debian_web_toolchain; tools_tc=web
fi

# Build tools are compiled once per cache at opt-level 1, without LTO, in parallel codegen units:
# they only orchestrate and rewrite a few megabytes, so compiling them fast matters more than
# their own speed (docs/PERFORMANCE.md has the cold setup time).
tool_install() {
  (
    export CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      CARGO_PROFILE_RELEASE_DEBUG=false CARGO_TARGET_DIR="$TRELLIS_CACHE/tools-build"
    cargo +"$tools_tc" install -q "$@" --root "$TOOLS_DIR"
  )
}

# --- 3. cargo-leptos (never downloads tools itself) -----------------------------------------------
if [ $need_tools -eq 1 ]; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION with toolchain $tools_tc (takes a while, once)"
  tool_install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

# --- 4. wasm-bindgen CLI at exactly the version in Cargo.lock ------------------------------------
wb_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$TRELLIS_ROOT/Cargo.lock")"
[ -n "$wb_version" ] || die "no wasm-bindgen in Cargo.lock"
if ! wasm-bindgen --version 2>/dev/null | grep -q " $wb_version\$"; then
  [ -n "$tools_tc" ] || tools_tc="$RUSTUP_TOOLCHAIN"
  log "installing wasm-bindgen-cli $wb_version"
  # Not --locked: the lock file wasm-bindgen-cli publishes names crate versions that are no
  # longer in the registry, so a locked install fails; its own version is pinned exactly.
  tool_install wasm-bindgen-cli --version "=$wb_version"
fi

# --- 5. wasm-opt that understands current Rust output (Debian's binaryen is too old) ------------
if ! "$TOOLS_DIR/npm/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version ${BINARYEN_NPM_VERSION%%.*}"; then
  command -v npm >/dev/null || die "npm is required for wasm-opt (binaryen)"
  log "installing wasm-opt (binaryen $BINARYEN_NPM_VERSION from npm)"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR/npm" "binaryen@$BINARYEN_NPM_VERSION" >/dev/null
fi

# --- 6. Test and bench tools ------------------------------------------------------------------
if [ $WANT_TEST -eq 1 ]; then
  # slapd without a system directory of its own: tests start their own servers (crates/test-kit).
  if ! dpkg-query -W -f='${Status}' slapd 2>/dev/null | grep -q "ok installed"; then
    echo "slapd slapd/no_configuration boolean true" | { [ "$(id -u)" -eq 0 ] && debconf-set-selections || sudo debconf-set-selections; }
  fi
  apt_install $DEBIAN_TEST_PACKAGES
  # Installed again whenever package-lock.json changes (its hash is kept beside the packages).
  lock_hash="$(sha256sum "$TRELLIS_ROOT/e2e/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$TRELLIS_ROOT/e2e/node_modules/.trellis-lock" 2>/dev/null)" != "$lock_hash" ]; then
    log "installing e2e node packages"
    (cd "$TRELLIS_ROOT/e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund >/dev/null)
    echo "$lock_hash" > "$TRELLIS_ROOT/e2e/node_modules/.trellis-lock"
  fi
  "$TRELLIS_ROOT/scripts/test-services.sh"
fi
if [ $WANT_BENCH -eq 1 ]; then
  apt_install $DEBIAN_BENCH_PACKAGES
fi
log "setup complete (toolchain $RUSTUP_TOOLCHAIN)"
