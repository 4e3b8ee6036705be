# Shared by scripts/serve and scripts/test: a Python 3.11 virtual environment with the project
# installed editable. Re-installs only when pyproject.toml changes.
set -euo pipefail

find_python() {
  for candidate in "${PYTHON:-}" python3.11 "$HOME/.pyenv/versions/3.11.7/bin/python3.11" python3; do
    [[ -n $candidate ]] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  echo "ReFocused needs Python 3.11 (set PYTHON=/path/to/python3.11)." >&2
  return 1
}

# ensure_venv EXTRAS: e.g. "" for the light API install, "prod,model,platform,dev" for tests.
ensure_venv() {
  local extras=$1 python stamp want
  if [[ ! -x .venv/bin/python ]]; then
    python=$(find_python)
    echo "==> creating .venv with $python" >&2
    "$python" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip setuptools wheel
  fi
  want="$(sha256sum pyproject.toml | cut -c1-16)-${extras:-base}"
  stamp=.venv/.refocused-installed
  if [[ -f $stamp ]] && grep -qxF -- "$want" "$stamp"; then
    return 0
  fi
  echo "==> installing refocused${extras:+[$extras]} into .venv (first run takes a few minutes)" >&2
  # torch is pinned exactly in the model extra, so pip takes the CPU wheel and never the CUDA one.
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras:+[$extras]}"
  echo "$want" >> "$stamp"
}

# -- the web client (entrypoints/web) ----------------------------------------------------------
WEB=entrypoints/web

can_apt_install() { [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; }

# ensure_node: Node.js 18.18+ and npm, from Debian's packages when missing (as root).
ensure_node() {
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
     node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>18||(a==18&&b>=18)?0:1)'; then
    return 0
  fi
  if can_apt_install; then
    echo "==> installing Node.js and npm (Debian packages)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    return 0
  fi
  echo "The web client needs Node.js 18.18 or newer with npm: install them (apt-get install nodejs npm)." >&2
  return 1
}

# ensure_web_deps: node_modules from package-lock.json (npm ci), again only when the lock changes.
# Playwright's own browser download is skipped: the tests drive Debian's Chromium.
ensure_web_deps() {
  local want stamp=$WEB/node_modules/.refocused-lock
  want=$(sha256sum "$WEB/package-lock.json" | cut -c1-16)
  if [[ -f $stamp ]] && [[ $(cat "$stamp") == "$want" ]]; then return 0; fi
  echo "==> installing the web client's packages (npm ci)" >&2
  (cd "$WEB" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
}

# The client's sources and build settings, hashed: a build is reused while they are unchanged.
web_sources_hash() {
  local paths=() p
  for p in src public next.config.ts postcss.config.mjs tsconfig.json package-lock.json; do
    [[ -e $WEB/$p ]] && paths+=("$p")
  done
  (cd "$WEB" && find "${paths[@]}" -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
}

# ensure_web_build: entrypoints/web/out, the static export the API serves at /.
ensure_web_build() {
  local want stamp=$WEB/out/.refocused-build
  ensure_node
  ensure_web_deps
  want=$(web_sources_hash)
  if [[ -f $stamp ]] && [[ $(cat "$stamp") == "$want" ]] && [[ -f $WEB/out/index.html ]]; then
    return 0
  fi
  echo "==> building the web client (next build, about a minute)" >&2
  (cd "$WEB" && NEXT_TELEMETRY_DISABLED=1 npm run -s build >/tmp/refocused-web-build.log 2>&1) || {
    tail -30 /tmp/refocused-web-build.log >&2
    echo "The web client did not build; the lines above say why (full log: /tmp/refocused-web-build.log)." >&2
    return 1
  }
  echo "$want" > "$stamp"
}

# ensure_chromium: Debian's Chromium for the browser tests (Playwright cannot download its own).
ensure_chromium() {
  [[ -x ${CHROMIUM_PATH:-/usr/bin/chromium} ]] && return 0
  if can_apt_install; then
    echo "==> installing Chromium (Debian package) for the browser tests" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    return 0
  fi
  echo "The browser tests need Chromium: install it (apt-get install chromium) or set CHROMIUM_PATH." >&2
  return 1
}
