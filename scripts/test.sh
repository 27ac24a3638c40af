#!/usr/bin/env bash
# Set up and run every check: ruff, unit tests, integration tests (real model, real PDFs)
# and browser tests (real headless Chromium). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test

if [ ! -x /usr/bin/chromium ]; then
  echo "==> Installing Chromium from Debian's packages for the browser tests"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  elif command -v sudo >/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing and cannot be installed (not root, no sudo): browser tests will fail." >&2
  fi
fi

echo "==> ruff (lint and format check)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> pytest"
exec .venv/bin/python -m pytest "$@"
