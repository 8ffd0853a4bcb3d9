# shellcheck shell=bash
# Sourced by the other scripts (and by developers before `cargo leptos watch`): puts the project's
# tools on PATH and selects the wasm toolchain that scripts/setup.sh chose.
SAMTAL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SAMTAL_ROOT
export PATH="$SAMTAL_ROOT/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# -Zbuild-std (rebuilds std for wasm32 with panic=abort) needs this on a stable compiler; it has
# to sit in cargo's own environment, .cargo/config.toml [env] is too late for it.
export RUSTC_BOOTSTRAP=1

mode_file="$SAMTAL_ROOT/target/.wasm-toolchain"
SAMTAL_WASM_MODE="$(cat "$mode_file" 2>/dev/null || echo unknown)"
export SAMTAL_WASM_MODE
if [ "$SAMTAL_WASM_MODE" = debian ]; then
  # Debian's rustc-web 1.96 + rust-web-src, linked as the rustup toolchain "system".
  export SAMTAL_WASM_CARGO="cargo +system"
  # Debian's /usr/bin/rust-lld dangles; lld-19 has a working wasm linker.
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=/usr/lib/llvm-19/bin/wasm-ld
else
  export SAMTAL_WASM_CARGO="cargo"
fi
# Smaller hydrate bundle: no file/line strings in panics, shallow Debug output (browser only).
# erase_components must match the server's (.cargo/config.toml), which this variable overrides.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zlocation-detail=none -Zfmt-debug=none --cfg erase_components"
