#!/usr/bin/env bash
# Installs what is missing, builds in release mode and starts Samtal on the embedded default
# storage (SQLite files in ./data), creating a `demo` tenant on first start. Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec target/release/samtal serve --site-root target/site --create-demo-tenant --generate-master-key "$@"
