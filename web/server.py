"""`planassistent serve`: make sure there is an index (ingest the bundled plans when there is
none; rebuild from every source the index knew when every version is damaged), load it, then run
uvicorn, which stops within a few seconds of SIGTERM even with requests still running."""

from __future__ import annotations

import logging
import os
import threading

import uvicorn

from assistant.settings import Settings
from index.store import IndexError_, IndexStore

log = logging.getLogger(__name__)
SHUTDOWN_GRACE_S = 5  # requests still running this long after SIGTERM are cut off


def ensure_index(settings: Settings, embedder=None) -> None:
    store = IndexStore(settings.index_dir)
    try:
        store.load_best()
        return
    except IndexError_ as exc:
        problem = exc.message
    from assistant.pipeline import build_index, recovery_sources

    if not store.versions():
        print(
            f"Fant ingen indeks i {settings.index_dir}. Leser inn {settings.docs_dir} …", flush=True
        )
        report = build_index(settings, embedder=embedder)
    else:
        files, names = recovery_sources(settings)
        print(
            f"Alle versjonene av indeksen i {settings.index_dir} er skadet ({problem}) "
            f"Bygger den på nytt fra {len(files)} filer: planene i {settings.docs_dir}, "
            "originalene indeksen har lagret og opplastede planer …",
            flush=True,
        )
        report = build_index(settings, files, embedder=embedder, sources=names, replace=True)
    for skipped in report.skipped:
        print(f"Hoppet over {skipped.path.name}: {skipped.message}", flush=True)
    print(f"Ferdig: {report.documents} dokumenter, {report.passages} avsnitt.", flush=True)


class _Server(uvicorn.Server):
    """uvicorn waits SHUTDOWN_GRACE_S for running requests after SIGTERM; a request stuck in a
    worker thread after that does not keep the process alive."""

    def handle_exit(self, sig, frame) -> None:
        super().handle_exit(sig, frame)
        timer = threading.Timer(SHUTDOWN_GRACE_S + 3, os._exit, args=(0,))
        timer.daemon = True
        timer.start()


def serve(host: str, port: int, settings: Settings) -> None:
    from web.app import create_app

    if settings.allowed_hosts == ["*"]:
        print(
            "Merk: PLAN_ALLOWED_HOSTS er ikke satt, så tjenesten svarer på alle vertsnavn. "
            "Sett den til tjenestens vertsnavn i produksjon.",
            flush=True,
        )
    ensure_index(settings)
    app = create_app(settings)
    if app.state.assistant.index_version is None:  # loads the index before serving
        print("Indeksen kan ikke brukes; søket svarer 503 til den er bygd på nytt.", flush=True)
    print(f"Planassistenten kjører på http://{host}:{port}/", flush=True)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=False,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
    )
    _Server(config).run()
