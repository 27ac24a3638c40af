"""`planassistent serve`: ingest the bundled plans when there is no index, then run uvicorn."""

from __future__ import annotations

import logging

import uvicorn

from assistant.settings import Settings
from index.store import IndexError_, IndexStore

log = logging.getLogger(__name__)


def ensure_index(settings: Settings) -> None:
    store = IndexStore(settings.index_dir)
    try:
        store.load_best()
        return
    except IndexError_:
        pass
    from assistant.pipeline import build_index

    print(f"Fant ingen indeks i {settings.index_dir}. Leser inn {settings.docs_dir} …", flush=True)
    report = build_index(settings)
    for skipped in report.skipped:
        print(f"Hoppet over {skipped.path.name}: {skipped.message}", flush=True)
    print(f"Ferdig: {report.documents} dokumenter, {report.passages} avsnitt.", flush=True)


def serve(host: str, port: int, settings: Settings) -> None:
    from web.app import create_app

    ensure_index(settings)
    app = create_app(settings)
    print(f"Planassistenten kjører på http://{host}:{port}/", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)
