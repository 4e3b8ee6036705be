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
