"""The app's middleware: the check for a new index version never runs on the event loop."""

from __future__ import annotations

import threading
import time


def test_a_slow_index_reload_does_not_hold_up_requests(fake_settings, fake_assistant, monkeypatch):
    from fastapi.testclient import TestClient

    from web.app import create_app

    release = threading.Event()
    started = threading.Event()

    def slow_reload(force: bool = False) -> bool:
        started.set()
        release.wait(10)  # loading a large index takes seconds
        return False

    monkeypatch.setattr(fake_assistant, "reload_if_changed", slow_reload)
    monkeypatch.setattr(fake_assistant, "_last_check", 0.0)
    client = TestClient(create_app(fake_settings, fake_assistant))
    try:
        t0 = time.monotonic()
        for _ in range(5):
            assert client.get("/healthz").status_code == 200
        assert started.wait(5)  # the check ran, elsewhere
        assert time.monotonic() - t0 < 3
    finally:
        release.set()
