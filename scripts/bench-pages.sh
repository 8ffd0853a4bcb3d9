#!/usr/bin/env bash
# Server time per page: req/s and p99 of `/healthz`, the anonymous `/sign-in` and a signed-in
# `/account`, in one run of the release build against a fresh data directory on loopback
# (`wrk -t2 -c16 -d10s` each, after a warm-up). With `--perf`, also records where a signed-in
# page spends its CPU time (`perf record -g` during the `/account` run) and prints the top of
# the report. Needs `wrk` (and `perf` for --perf): `apt-get install wrk linux-perf`.
# Not part of the test command: figures depend on the machine; they go into the README.
set -euo pipefail
cd "$(dirname "$0")/.."
perf_too=false
[ "${1:-}" = "--perf" ] && perf_too=true
bin=${SAMTAL_BENCH_BIN:-target/release/samtal}
[ -x "$bin" ] || { echo "build first: scripts/build.sh" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

data=$(mktemp -d)
port=18088
log="$data/server.log"
"$bin" serve --addr "127.0.0.1:$port" --site-root target/site --data-dir "$data" \
  --create-demo-tenant --generate-master-key >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

host="demo.localhost:$port"
base="http://127.0.0.1:$port"
email=admin@demo.example
password=$(awk '$2 == "admin@demo.example" { print $3 }' "$data/demo-accounts.txt")
cookie=$(curl -s -o /dev/null -D - "$base/api/auth/sign_in" -H "Host: $host" -H "Origin: http://$host" \
  --data-urlencode "email=$email" --data-urlencode "password=$password" |
  tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(__Host-samtal=[^;]*\).*/\1/p')
[ -n "$cookie" ] || { echo "could not sign in" >&2; cat "$log" >&2; exit 1; }
# The signed-in page itself, not the sign-in prompt a bad cookie would get.
curl -s "$base/account" -H "Host: $host" -H "Cookie: $cookie" | grep -q 'id="sessions"' ||
  { echo "/account did not render signed in" >&2; exit 1; }

run() { # name, path, extra wrk args…
  local name=$1 path=$2
  shift 2
  wrk -t2 -c16 -d3s -H "Host: $host" "$@" "$base$path" >/dev/null # warm-up
  local out
  out=$(wrk -t2 -c16 -d10s --latency -H "Host: $host" "$@" "$base$path")
  local rps p99 non2xx
  rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  non2xx=$(awk '/Non-2xx/ { print $5 }' <<<"$out")
  printf '| %-10s | %10s req/s | p99 %8s |%s\n' "$name" "$rps" "$p99" "${non2xx:+ non-2xx: $non2xx}"
}

echo "| page | throughput | latency |"
run /healthz /healthz
run /sign-in /sign-in
if $perf_too; then
  perf record -F 999 -g -p "$pid" -o "$data/perf.data" -- sleep 13 2>/dev/null &
  perf_pid=$!
fi
run /account /account -H "Cookie: $cookie"
if $perf_too; then
  wait "$perf_pid" || true
  perf report -i "$data/perf.data" --no-children --sort dso,symbol -g none --percent-limit 1 --stdio 2>/dev/null |
    grep -E "^ +[0-9.]+%" | sed "s/  */ /g" | cut -c1-140 | head -40
fi
