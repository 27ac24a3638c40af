"""Shared fixtures. The real index (real model, real PDFs, real FAISS) is built once per session
and only when a test asks for it."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PLANS = ROOT / "data" / "plans"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch, request):
    """Unit and integration tests never reach the network (loopback is allowed for servers)."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in ("127.0.0.1", "localhost", "::1")
            and not (host.startswith("127.") or host.startswith("/"))
        ):
            raise OSError(f"network access blocked in tests: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session", autouse=True)
def _feedback_outside_the_work_tree(tmp_path_factory):
    """Apps built in tests store feedback in a temporary database, never in data/."""
    patch = pytest.MonkeyPatch()
    path = tmp_path_factory.mktemp("feedback") / "feedback.sqlite3"
    patch.setenv("PLAN_FEEDBACK_DB", str(path))
    yield path
    patch.undo()


@pytest.fixture(scope="session")
def real_embedder():
    from assistant.settings import Settings
    from index.embedder import load_embedder

    return load_embedder(Settings())


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory, real_embedder):
    """Settings pointing at a fresh index built from the bundled sample plans."""
    from assistant.pipeline import build_index
    from assistant.settings import Settings

    index_dir = tmp_path_factory.mktemp("index")
    settings = Settings(index_dir=index_dir, docs_dir=PLANS, index_poll_s=0.2)
    report = build_index(settings, embedder=real_embedder)
    assert report.version, report.skipped
    return settings


@pytest.fixture(scope="session")
def real_assistant(real_settings, real_embedder):
    from assistant.service import Assistant

    return Assistant(real_settings, embedder=real_embedder)
