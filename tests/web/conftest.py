"""Web fixtures: a fast app on a fake-embedder index, and a real server + real Chromium."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tests.conftest import PLANS

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def fake_settings(tmp_path_factory):
    from assistant.pipeline import build_index
    from assistant.settings import Settings
    from index.embedder import FakeEmbedder

    settings = Settings(
        index_dir=tmp_path_factory.mktemp("fake-index"), docs_dir=PLANS, index_poll_s=0.2
    )
    report = build_index(settings, embedder=FakeEmbedder())
    assert report.version, report.skipped
    return settings


@pytest.fixture(scope="session")
def fake_assistant(fake_settings):
    from assistant.service import Assistant
    from index.embedder import FakeEmbedder

    return Assistant(fake_settings, embedder=FakeEmbedder())


@pytest.fixture()
def client(fake_settings, fake_assistant):
    from fastapi.testclient import TestClient

    from web.app import create_app

    return TestClient(create_app(fake_settings, fake_assistant), raise_server_exceptions=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(app) -> Iterator[str]:
    """Serve ``app`` with a real uvicorn on a free loopback port; yields the base URL."""
    import httpx
    import uvicorn

    port = _free_port()
    # No proxy headers from uvicorn, as `planassistent serve`: the app applies
    # PLAN_FORWARDED_ALLOW_IPS itself.
    config = uvicorn.Config(app, port=port, log_level="warning", proxy_headers=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_server(real_settings, real_assistant):
    """A real uvicorn server on the real index (real model, real FAISS, real PDFs)."""
    from web.app import create_app

    settings = real_settings.model_copy(
        update={"rate_limit_per_minute": 10_000, "admin_token": "browser-test-token"}
    )
    with running_server(create_app(settings, real_assistant)) as url:
        yield url


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (scripts/test.sh installs it)")
    from playwright.sync_api import sync_playwright

    # launch() gives every run a fresh, throw-away user-data-dir of its own.
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture()
def nojs_page(browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()
