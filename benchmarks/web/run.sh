#!/usr/bin/env bash
# Builds the web client (when its sources changed), serves it with the API on the embedded
# profile on port 8140, and measures it: benchmarks/web/bench_client.mjs. Arguments: rounds.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/_setup.sh
ensure_venv ""
ensure_web_build
ensure_chromium
E2E_PORT=8140 E2E_DATA_DIR=/tmp/refocused-bench-web bash entrypoints/web/e2e/serve.sh >/tmp/refocused-bench-web.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf http://127.0.0.1:8140/ready >/dev/null && break; sleep 0.5; done
node benchmarks/web/bench_client.mjs "$@"
