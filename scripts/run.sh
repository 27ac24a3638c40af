#!/usr/bin/env bash
# Set up and run Planassistenten on the bundled sample plans: http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh run
if [ ! -f "${PLAN_INDEX_DIR:-data/index}/current" ]; then
  echo "==> Leser eksempelplanene i data/plans/ og bygger søkeindeksen"
  .venv/bin/planassistent ingest
fi
echo "==> Starter tjenesten på http://${HOST:-127.0.0.1}:${PORT:-8000} (Ctrl+C stopper den)"
exec .venv/bin/planassistent serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
