"""`planassistent serve`: start-up after total damage rebuilds from every source the index knew
(uploads included) and says so; a short admin token is refused at start; SIGTERM stops the
server within seconds even with a request still running."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import ROOT
from tests.web.conftest import _free_port

STOP_WITHIN_S = 10  # "a few seconds": the grace period for running requests, and a margin


@pytest.fixture()
def uploaded(tmp_path):
    """An index of one plan, and two uploads as /admin does them (the second replaces an
    earlier upload of the same name)."""
    from assistant.pipeline import build_index
    from assistant.settings import Settings
    from index.embedder import FakeEmbedder

    plans, uploads = tmp_path / "plans", tmp_path / "uploads"
    plans.mkdir()
    uploads.mkdir()
    (plans / "a.md").write_text("# Boligplan\n\n## Mål\n\nKommunen bygger boliger.\n", "utf-8")
    settings = Settings(index_dir=tmp_path / "index", docs_dir=plans, upload_dir=uploads)
    build_index(settings, embedder=FakeEmbedder())
    for n, text in enumerate(["Gamle åpningstider.", "Biblioteket har åpent hver dag."]):
        stored = uploads / f"{n:032x}.md"
        stored.write_text(f"# Kulturplan\n\n## Bibliotek\n\n{text}\n", "utf-8")
        os.utime(stored, (time.time() + n, time.time() + n))
        sources = {stored: "Kulturplan Testvik.md"}
        assert build_index(settings, [stored], embedder=FakeEmbedder(), sources=sources).version
    return settings


def _texts(settings) -> dict[str, str]:
    from index.store import IndexStore

    loaded = IndexStore(settings.index_dir).load_best()
    return {p.document_id: p.text for p in loaded.passages}


@pytest.mark.parametrize("damage", ["manifest", "data"])
def test_total_damage_rebuilds_from_every_source_and_says_so(uploaded, damage, capsys):
    from index.embedder import FakeEmbedder
    from index.store import IndexStore
    from web.server import ensure_index

    settings = uploaded
    assert _texts(settings)["kulturplan-testvik"] == "Biblioteket har åpent hver dag."
    for version in IndexStore(settings.index_dir).versions():
        if damage == "manifest":  # no name can be read from any manifest
            (settings.index_dir / version / "manifest.json").write_text("[]")
        else:
            (settings.index_dir / version / "dense.faiss").write_bytes(b"0")
    ensure_index(settings, embedder=FakeEmbedder())
    out = capsys.readouterr().out
    assert "skadet" in out and "opplastede" in out and "Ferdig: 2 dokumenter" in out
    texts = _texts(settings)
    assert set(texts) == {"a", "kulturplan-testvik"}  # the upload is back, under its name
    assert texts["kulturplan-testvik"] == "Biblioteket har åpent hver dag."  # the newer one


def _serve(tmp_path, port: int, **env: str) -> subprocess.Popen:
    environment = {**os.environ, "PLAN_INDEX_DIR": str(tmp_path / "index"), **env}
    return subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_short_admin_token_is_refused_at_start(tmp_path):
    proc = _serve(tmp_path, _free_port(), PLAN_ADMIN_TOKEN="kort-nokkel")
    try:
        _out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 2
    assert "PLAN_ADMIN_TOKEN er for kort (11 tegn)" in err and "minst 16" in err
    assert "Traceback" not in err
    assert not (tmp_path / "index").exists()  # nothing was started


@pytest.mark.integration
def test_sigterm_stops_the_server_within_seconds_while_a_request_runs(real_settings, tmp_path):
    port = _free_port()
    token = "en-lang-nok-nokkel-for-test"
    env = {"PLAN_INDEX_DIR": str(real_settings.index_dir), "PLAN_ADMIN_TOKEN": token}
    proc = _serve(tmp_path, port, **env)
    try:
        for _ in range(600):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("the server did not start")
        # An upload whose body never finishes arriving: the request stays in flight.
        slow = socket.create_connection(("127.0.0.1", port))
        slow.sendall(
            b"POST /api/documents HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + f"Authorization: Bearer {token}\r\n".encode()
            + b"Content-Type: multipart/form-data; boundary=x\r\n"
            b"Content-Length: 1000000\r\n\r\n--x\r\n"
        )
        time.sleep(0.5)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_WITHIN_S)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the server was still running {STOP_WITHIN_S} s after SIGTERM")
        assert time.monotonic() - started < STOP_WITHIN_S
        slow.close()
    finally:
        proc.kill()
        proc.wait()
