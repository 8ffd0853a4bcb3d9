#!/usr/bin/env bash
# Runs every test: unit and integration (real SQLite files and the PostgreSQL server on
# 127.0.0.1:5432, installed and started when absent), then the site build and the end-to-end
# tests in headless Chromium. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "setup"
scripts/setup.sh --test
source scripts/env.sh
export SAMTAL_TEST_PG_URL="${SAMTAL_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

step "format and lints"
# rustfmt settings in rustfmt.toml; clippy on every target, warnings are errors.
cargo fmt --all --check
cargo clippy --locked --all-targets -- -D warnings

step "unit and integration tests"
# app and server together, so app is built once with `ssr` and the e2e run reuses the binary.
cargo test --locked -p app -p server

step "build the site"
# The e2e run uses target/debug/samtal as `cargo test` just built it (same features, no rebuild).
scripts/build.sh --site-only

step "end-to-end tests (Chromium, desktop and 390×844)"
SAMTAL_BIN=target/debug/samtal SAMTAL_SITE=target/site node end2end/e2e.mjs
