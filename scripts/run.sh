#!/usr/bin/env bash
# Set up and run Planassistenten on the bundled sample plans: http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh run
if [ ! -f "${PLAN_INDEX_DIR:-data/index}/current" ]; then
  echo "==> Reading the sample plans in data/plans/ and building the search index"
  .venv/bin/planassistent ingest
fi
echo "==> Starting the service on http://${HOST:-127.0.0.1}:${PORT:-8000} (Ctrl+C stops it)"
exec .venv/bin/planassistent serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
