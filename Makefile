# Shortcuts for developers; the README's two commands are scripts/run.sh and scripts/test.sh.
.PHONY: setup build run test e2e
setup: ; scripts/setup.sh --test
build: ; scripts/build.sh
run: ; scripts/run.sh
test: ; scripts/test.sh
e2e: ; cargo build -p server && scripts/build.sh --site-only && node end2end/e2e.mjs
