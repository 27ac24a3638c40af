"""`planassistent serve`: start-up after total damage rebuilds from every source the index knew
(uploads included) and says so; a short admin token is refused at start; SIGTERM stops the
server and every worker within seconds even with a request still running; the workers' metrics
are added up, and no question reaches the output."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

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


def _started(proc: subprocess.Popen, port: int) -> None:
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
        if proc.poll() is not None:
            break
    pytest.fail("the server did not start")


def _workers(pid: int) -> list[int]:
    """The worker processes of a server (uvicorn spawns them; the resource tracker is not one)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def _gone(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    return not status.exists() or "zombie" in status.read_text()


@pytest.mark.integration
def test_sigterm_stops_the_server_within_seconds_while_a_request_runs(real_settings, tmp_path):
    port = _free_port()
    token = "en-lang-nok-nokkel-for-test"
    env = {"PLAN_INDEX_DIR": str(real_settings.index_dir), "PLAN_ADMIN_TOKEN": token}
    proc = _serve(tmp_path, port, **env)
    try:
        _started(proc, port)
        workers = _workers(proc.pid)
        cores = len(os.sched_getaffinity(0))
        assert len(workers) == (cores if cores > 1 else 0)  # on one core it is the server
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
        assert all(_gone(w) for w in workers)
        slow.close()
    finally:
        proc.kill()
        proc.wait()


SECRET = "Hvor mye koster zebrafjellet for kvasirbarn"


def _metrics(port: int) -> dict[tuple[str, tuple], float]:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _total(metrics: dict, name: str, **labels: str) -> float:
    return sum(
        v
        for (n, sample_labels), v in metrics.items()
        if n == name and all(dict(sample_labels).get(k) == x for k, x in labels.items())
    )


@pytest.mark.integration
def test_two_workers_add_up_their_metrics_and_never_print_a_question(real_settings, tmp_path):
    port = _free_port()
    env = {"PLAN_INDEX_DIR": str(real_settings.index_dir), "PLAN_WORKERS": "2"}
    proc = _serve(tmp_path, port, **env)
    try:
        _started(proc, port)
        workers = _workers(proc.pid)
        assert len(workers) == 2
        environ = Path(f"/proc/{workers[0]}/environ").read_bytes().split(b"\0")
        metrics_dir = Path(
            next(v for v in environ if v.startswith(b"PROMETHEUS_MULTIPROC_DIR="))
            .split(b"=")[1]
            .decode()
        )
        # Each worker answers one warm-up question before it takes requests; once both have,
        # whichever worker answers /metrics counts both.
        deadline = time.monotonic() + 120
        while _total(_metrics(port), "planassistent_embed_seconds_count") < 2:
            assert time.monotonic() < deadline, "the second worker did not start"
            time.sleep(0.5)
        for _ in range(4):  # new connections, so either worker may answer
            assert _total(_metrics(port), "planassistent_embed_seconds_count") == 2
        for n in range(6):
            r = httpx.post(f"http://127.0.0.1:{port}/api/ask", json={"question": f"{SECRET} {n}?"})
            assert r.status_code == 200
        page = httpx.get(f"http://127.0.0.1:{port}/", params={"q": SECRET})
        assert page.status_code == 200
        for _ in range(4):
            metrics = _metrics(port)
            assert _total(metrics, "planassistent_answers_total") == 7
            assert _total(metrics, "http_requests_total", handler="/api/ask") == 6
            assert _total(metrics, "http_requests_total", handler="/") == 1
            assert "zebrafjell" not in repr(metrics)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=STOP_WITHIN_S)
    finally:
        proc.kill()
        proc.wait()
    assert "2 arbeidsprosesser" in out
    assert "zebrafjell" not in out + err and "kvasirbarn" not in out + err
    assert "Traceback" not in err and "leaked" not in err
    assert not metrics_dir.exists()  # the run's metrics go with it
