#!/usr/bin/env bash
# Installs what Samtal needs to build and test, skipping whatever is present. Works on a fresh
# Debian 12 that reaches only the package registries (apt, crates.io, npm); on an ordinary
# laptop it uses `rustup target add` instead of Debian's wasm toolchain.
#   scripts/setup.sh            build + run prerequisites
#   scripts/setup.sh --test     also Chromium and a PostgreSQL server for the tests
# SAMTAL_WASM_TOOLCHAIN=auto|rustup|debian chooses how the wasm32 std is obtained (default auto).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
FOR_TESTS=0
[ "${1:-}" = "--test" ] && FOR_TESTS=1

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root (or sudo) to run: $*"; fi
}
APT_UPDATED=0
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get to install them"
  if [ $APT_UPDATED = 0 ]; then say "apt-get update"; as_root apt-get update -qq; APT_UPDATED=1; fi
  say "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first"
command -v cc >/dev/null || apt_install build-essential
command -v node >/dev/null || apt_install nodejs npm
mkdir -p target

# --- wasm32 standard library -------------------------------------------------------------------
mode="${SAMTAL_WASM_TOOLCHAIN:-auto}"
have_rustup_wasm() {
  rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown &&
    rustup component list --installed 2>/dev/null | grep -q '^rust-src'
}
if [ "$mode" = auto ]; then
  if have_rustup_wasm; then mode=rustup
  elif command -v rustup >/dev/null && timeout 120 rustup target add wasm32-unknown-unknown >/dev/null 2>&1 &&
       timeout 120 rustup component add rust-src >/dev/null 2>&1; then mode=rustup
  else mode=debian; fi
fi
case "$mode" in
  rustup)
    have_rustup_wasm || { rustup target add wasm32-unknown-unknown && rustup component add rust-src; } ;;
  debian)
    # rustc-web is Debian's current compiler; rust-web-src lets -Zbuild-std make a wasm32 std.
    apt_install rustc-web cargo-web rust-web-src lld-19
    if ! rustup toolchain list | grep -q '^system'; then rustup toolchain link system /usr; fi
    [ -x /usr/lib/llvm-19/bin/wasm-ld ] || die "lld-19 did not provide /usr/lib/llvm-19/bin/wasm-ld" ;;
  *) die "SAMTAL_WASM_TOOLCHAIN must be auto, rustup or debian (got $mode)" ;;
esac
echo "$mode" > target/.wasm-toolchain
say "wasm toolchain: $mode"

# --- wasm-bindgen CLI, exactly the crate's version ------------------------------------------------
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
have=$( (wasm-bindgen --version 2>/dev/null || "$HOME/.cargo/bin/wasm-bindgen" --version 2>/dev/null) | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  # No --locked: its lock file pins a webpki-roots version crates.io no longer serves.
  say "installing wasm-bindgen-cli $want (about 10 minutes on 2 cores)"
  cargo install wasm-bindgen-cli --version "$want" --quiet
fi

# --- npm tools: wasm-opt (binaryen >= 132; Debian's 108 breaks hydration), terser, playwright ---
npm_ci() {
  local dir=$1
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
npm_ci tools
"$ROOT/tools/node_modules/.bin/wasm-opt" --version | grep -Eq 'version (1[3-9][0-9]|[2-9][0-9]{2})' ||
  die "tools/node_modules wasm-opt is older than 132"

if [ $FOR_TESTS = 1 ]; then
  npm_ci end2end
  [ -x /usr/bin/chromium ] || apt_install chromium
  # PostgreSQL: use the one listening on 127.0.0.1:5432, or install and start one.
  if ! (command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432); then
    apt_install postgresql
    ver=$(ls /etc/postgresql | sort -n | tail -1)
    hba="/etc/postgresql/$ver/main/pg_hba.conf"
    # A throwaway test server: local TCP connections are trusted, as on the CI machines.
    if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
      as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    fi
    as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null ||
      as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main reload
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL did not start"
  fi
fi
say "ready"
