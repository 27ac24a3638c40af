#!/usr/bin/env bash
# Set up and run every check: ruff, unit tests, integration tests (real model, real PDFs)
# and browser tests (real headless Chromium). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test

if [ ! -x /usr/bin/chromium ]; then
  echo "==> Installerer Chromium fra Debians pakker for nettlesertestene"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  elif command -v sudo >/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium mangler og kan ikke installeres (ikke root, ingen sudo): nettlesertestene vil feile. Installer pakken chromium og kjør på nytt." >&2
  fi
fi

echo "==> ruff (kodekontroll og formatering)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> pytest (enhets-, integrasjons- og nettlesertester)"
exec .venv/bin/python -m pytest "$@"
