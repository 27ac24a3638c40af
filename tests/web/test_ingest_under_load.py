"""Ingesting a new plan (in another process, like `planassistent ingest`) while the server is
answering: no request fails, and the server picks up the new version without a restart."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections import Counter

import httpx

from tests.conftest import ROOT
from tests.web.conftest import running_server

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from assistant.pipeline import build_index
    from assistant.settings import Settings
    from index.embedder import FakeEmbedder

    report = build_index(
        Settings(index_dir=Path(sys.argv[1]), docs_dir=Path(sys.argv[2])), embedder=FakeEmbedder()
    )
    print(report.version)
    """
)


def test_ingest_while_serving_gives_no_errors_and_the_new_version_is_served(tmp_path):
    from assistant.pipeline import build_index
    from assistant.service import Assistant
    from assistant.settings import Settings
    from index.embedder import FakeEmbedder
    from web.app import create_app

    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "a.md").write_text(
        "# Boligplan\n\n## Mål\n\nKommunen bygger nye boliger for unge familier.\n", "utf-8"
    )
    settings = Settings(
        index_dir=tmp_path / "index",
        docs_dir=plans,
        index_poll_s=0.05,
        rate_limit_per_minute=100_000,
    )
    old = build_index(settings, embedder=FakeEmbedder()).version
    app = create_app(settings, Assistant(settings, embedder=FakeEmbedder()))

    statuses: Counter[int] = Counter()
    versions: set[str] = set()
    stop = threading.Event()
    lock = threading.Lock()

    def client(url: str) -> None:
        with httpx.Client(base_url=url, timeout=10) as http:
            while not stop.is_set():
                r = http.post("/api/ask", json={"question": "Hva gjør kommunen for boliger?"})
                with lock:
                    statuses[r.status_code] += 1
                    if r.status_code == 200:
                        versions.add(r.json()["index_version"])
                http.get("/healthz")

    with running_server(app) as url:
        threads = [threading.Thread(target=client, args=(url,)) for _ in range(8)]
        for t in threads:
            t.start()
        try:
            (plans / "b.md").write_text(
                "# Kulturplan\n\n## Bibliotek\n\nBiblioteket får lengre åpningstider.\n", "utf-8"
            )
            writer = subprocess.run(
                [sys.executable, "-c", WRITER, str(settings.index_dir), str(plans)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert writer.returncode == 0, writer.stderr
            new = writer.stdout.strip().splitlines()[-1]
            for _ in range(100):  # up to ~10 s for the server to switch
                if new in versions:
                    break
                threading.Event().wait(0.1)
            after = httpx.post(f"{url}/api/ask", json={"question": "Når er biblioteket åpent?"})
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=10)

    assert sum(statuses.values()) > 20
    assert set(statuses) == {200}, statuses
    assert old in versions and new in versions
    assert after.status_code == 200 and after.json()["index_version"] == new
    assert any(c["document_id"] == "b" for c in after.json()["citations"])
