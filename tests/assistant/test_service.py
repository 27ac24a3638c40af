"""The Assistant's index lifecycle (fake embedder): a version that cannot be served is tried
once and remembered, not loaded again on every check; with no usable index, requests fail fast."""

from __future__ import annotations

import pytest

from assistant.pipeline import build_index
from assistant.service import Assistant
from assistant.settings import Settings
from index.embedder import FakeEmbedder
from index.store import IndexStore


@pytest.fixture()
def two_versions(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "a.md").write_text("# Boligplan\n\n## Mål\n\nKommunen bygger boliger.\n", "utf-8")
    settings = Settings(index_dir=tmp_path / "index", docs_dir=plans, index_poll_s=0.01)
    first = build_index(settings, embedder=FakeEmbedder()).version
    assistant = Assistant(settings, embedder=FakeEmbedder())
    assert assistant.index_version == first
    (plans / "b.md").write_text("# Kulturplan\n\n## Bibliotek\n\nLengre åpningstider.\n", "utf-8")
    second = build_index(settings, embedder=FakeEmbedder()).version
    return settings, assistant, first, second


def _count_loads(monkeypatch) -> list[str]:
    calls: list[str] = []
    verify = IndexStore.verify

    def counting(self, version):
        calls.append(version)
        return verify(self, version)

    monkeypatch.setattr(IndexStore, "verify", counting)
    return calls


def test_a_damaged_current_is_tried_once_and_remembered(two_versions, monkeypatch):
    settings, assistant, first, second = two_versions
    faiss = settings.index_dir / second / "dense.faiss"
    faiss.write_bytes(faiss.read_bytes()[:20])
    calls = _count_loads(monkeypatch)
    for _ in range(5):
        assert assistant.reload_if_changed(force=True) is False
    assert calls == [second]
    assert assistant.index_version == first
    third = build_index(settings, embedder=FakeEmbedder()).version  # a new good one is taken
    assert assistant.reload_if_changed(force=True) and assistant.index_version == third


def test_a_missing_current_pointer_is_not_reloaded_in_a_loop(two_versions, monkeypatch):
    settings, assistant, first, _second = two_versions
    (settings.index_dir / "current").unlink()
    calls = _count_loads(monkeypatch)
    for _ in range(5):
        assistant.reload_if_changed(force=True)
    assert calls == [] and assistant.index_version == first


def test_with_every_version_damaged_requests_fail_fast(two_versions, monkeypatch):
    settings, _assistant, first, second = two_versions
    for version in (first, second):
        (settings.index_dir / version / "manifest.json").write_text("[]")
    assistant = Assistant(settings, embedder=FakeEmbedder())
    calls = _count_loads(monkeypatch)
    assert [assistant.index_version for _ in range(5)] == [None] * 5
    assert sorted(calls) == sorted([first, second])  # one attempt, not five
    third = build_index(settings, embedder=FakeEmbedder(), replace=True).version
    assert assistant.index_version == third  # what is on disk changed: tried again
