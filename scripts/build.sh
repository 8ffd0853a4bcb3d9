#!/usr/bin/env bash
# Builds the site (hydrate bundle + CSS + public files, precompressed) and the `samtal` binary,
# with cargo + wasm-bindgen + wasm-opt: the same steps `cargo leptos build --release` runs.
#   scripts/build.sh            release server (target/release/samtal)
#   scripts/build.sh --debug    debug server (target/debug/samtal)
#   scripts/build.sh --site-only the site alone (the tests use the server `cargo test` built)
# The bundle always uses the small `wasm-release` profile.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
[ "$SAMTAL_WASM_MODE" = unknown ] && { echo "build: run scripts/setup.sh first" >&2; exit 1; }
SERVER_PROFILE=release
[ "${1:-}" = "--debug" ] && SERVER_PROFILE=debug
[ "${1:-}" = "--site-only" ] && SERVER_PROFILE=none
SITE=target/site
PKG=$SITE/pkg
say() { printf '\033[1mbuild:\033[0m %s\n' "$*"; }

say "hydrate bundle (wasm32, $SAMTAL_WASM_MODE toolchain)"
# Built on its own, with -p frontend: a workspace-wide wasm build would unify `ssr` into app.
$SAMTAL_WASM_CARGO build -p frontend --lib --target wasm32-unknown-unknown \
  --profile wasm-release -Zbuild-std=std,panic_abort --target-dir target/front
mkdir -p "$PKG.new"
wasm-bindgen --target web --no-typescript --out-dir "$PKG.new" --out-name samtal \
  target/front/wasm32-unknown-unknown/wasm-release/frontend.wasm
# Leptos' hydration script loads <name>.wasm when LEPTOS_OUTPUT_NAME was set at compile time.
mv "$PKG.new/samtal_bg.wasm" "$PKG.new/samtal.wasm"
# --converge repeats -Oz until it stops shrinking: some 300 B gzip for a second of build.
wasm-opt -Oz --converge --enable-bulk-memory --enable-nontrapping-float-to-int \
  "$PKG.new/samtal.wasm" -o "$PKG.new/samtal.wasm"
terser "$PKG.new/samtal.js" --module --compress --mangle -o "$PKG.new/samtal.min.js"
mv "$PKG.new/samtal.min.js" "$PKG.new/samtal.js"
cp style/main.css "$PKG.new/samtal.css"
node tools/precompress.mjs "$PKG.new"
rm -rf "$PKG" && mv "$PKG.new" "$PKG"
cp -r public/. "$SITE/"
node tools/precompress.mjs "$SITE"

[ "$SERVER_PROFILE" = none ] && { say "done: $SITE"; exit 0; }
say "server ($SERVER_PROFILE)"
if [ "$SERVER_PROFILE" = release ]; then cargo build --release -p server --bin samtal
else cargo build -p server --bin samtal; fi
say "done: $SITE and target/$SERVER_PROFILE/samtal"
