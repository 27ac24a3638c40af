"""Settings: ingest may use every core while the server's workers keep one thread each."""

from __future__ import annotations

import os

from assistant.settings import Settings


def test_ingest_uses_one_thread_per_core_by_default():
    settings = Settings(compute_threads=1)
    ingest = settings.for_ingest()
    assert ingest.compute_threads == min(os.cpu_count() or 1, 64)
    assert settings.compute_threads == 1  # the serving settings are left as they were


def test_ingest_threads_can_be_set(monkeypatch):
    monkeypatch.setenv("PLAN_INGEST_THREADS", "3")
    settings = Settings()
    assert settings.for_ingest().compute_threads == 3
    assert settings.compute_threads == 1
