#!/usr/bin/env bash
# The API on the embedded profile with this build of the client at /, on a fresh data folder:
# what the end-to-end tests drive. Limits are raised (every test signs in from 127.0.0.1) but on.
set -euo pipefail
cd "$(dirname "$0")/../../.."
data="${E2E_DATA_DIR:-/tmp/refocused-e2e}"
rm -rf "$data"
mkdir -p "$data"
export REFOCUSED_PROFILE=embedded REFOCUSED_DATA_DIR="$data" HOST=127.0.0.1 PORT="${E2E_PORT:-8123}"
export REFOCUSED_WEB_DIR="$PWD/entrypoints/web/out"
export REFOCUSED_RATE_LIMIT_PER_MINUTE=100000 REFOCUSED_LOGIN_PER_IP_PER_MINUTE=10000
export REFOCUSED_REGISTER_PER_IP_PER_HOUR=10000 REFOCUSED_EMAIL_ACTIONS_PER_IP_PER_DAY=10000
export REFOCUSED_FEEDBACK_PER_IP_PER_HOUR=10000
export REFOCUSED_PUBLIC_URL="http://127.0.0.1:${PORT}"
# Google sign-in on, so the client offers it (no test reaches Google itself).
export REFOCUSED_GOOGLE_CLIENT_IDS="refocused-e2e.apps.googleusercontent.com"
exec .venv/bin/refocused serve
