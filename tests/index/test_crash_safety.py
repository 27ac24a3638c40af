"""kill -9 during ingest, at several points of writing a version, leaves the old version
answering; the next ingest works and clears the leftovers."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT

# Where the child process kills itself with SIGKILL: while embedding, while writing the FAISS
# file, before the version directory is renamed into place, before `current` is switched, and
# after the new pointer file is written but before it is renamed over `current`.
POINTS = ("embedding", "dense-index", "before-rename", "before-switch", "before-current-rename")

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from assistant.pipeline import build_index
    from assistant.settings import Settings
    from index import store
    from index.embedder import FakeEmbedder

    index_dir, plans, point = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    if point == "embedding":
        FakeEmbedder.encode_passages = die
    elif point == "dense-index":
        store.DenseIndex.save = die
    elif point == "before-rename":
        store._fsync_tree = die
    elif point == "before-switch":
        store.IndexStore._switch_current = die
    elif point == "before-prune":
        store.IndexStore._prune = die
    elif point == "before-current-rename":
        real_replace = os.replace

        def replace(src, dst):
            if str(dst).endswith("current"):
                die()
            return real_replace(src, dst)

        store.os.replace = replace
    build_index(Settings(index_dir=index_dir, docs_dir=plans), embedder=FakeEmbedder())
    """
)


def _plan(directory: Path, name: str, text: str) -> None:
    (directory / name).write_text(text, "utf-8")


@pytest.fixture()
def indexed(tmp_path):
    from assistant.pipeline import build_index
    from assistant.settings import Settings
    from index.embedder import FakeEmbedder

    plans = tmp_path / "plans"
    plans.mkdir()
    _plan(plans, "a.md", "# Boligplan\n\n## Mål\n\nKommunen bygger nye boliger for unge.\n")
    settings = Settings(index_dir=tmp_path / "index", docs_dir=plans)
    report = build_index(settings, embedder=FakeEmbedder())
    _plan(plans, "b.md", "# Kulturplan\n\n## Bibliotek\n\nBiblioteket får lengre åpningstider.\n")
    return settings, report.version


def _ingest_killed_at(settings, point: str) -> None:
    """Run an ingest in a child process that SIGKILLs itself at ``point``."""
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(settings.index_dir), str(settings.docs_dir), point],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr


@pytest.mark.parametrize("point", POINTS)
def test_kill_9_during_ingest_keeps_the_old_version_answering(indexed, point):
    from assistant.pipeline import build_index
    from assistant.service import Assistant
    from index.embedder import FakeEmbedder
    from index.store import IndexStore

    settings, old = indexed
    _ingest_killed_at(settings, point)

    store = IndexStore(settings.index_dir)
    assert store.current_version() == old
    loaded = store.load_best(model=FakeEmbedder().name, dimension=FakeEmbedder().dimension)
    assert loaded.version == old
    result = Assistant(settings, embedder=FakeEmbedder()).ask("Hva gjør kommunen for boliger?")
    assert result.index_version == old and result.citations

    # The lock died with the writer: the next ingest works and clears crashed leftovers.
    report = build_index(settings, embedder=FakeEmbedder())
    assert report.version and report.version != old
    assert store.current_version() == report.version
    assert not list(settings.index_dir.glob(".tmp-*"))
    assert not list(settings.index_dir.glob(".current.*"))
    assert {d["document_id"] for d in store.load(report.version).documents.values()} == {"a", "b"}


def test_kill_9_after_the_switch_serves_the_complete_new_version(indexed):
    from index.embedder import FakeEmbedder
    from index.store import IndexStore

    settings, old = indexed
    _ingest_killed_at(settings, "before-prune")
    store = IndexStore(settings.index_dir)
    new = store.current_version()
    assert new != old
    loaded = store.load_best(model=FakeEmbedder().name, dimension=FakeEmbedder().dimension)
    assert loaded.version == new and len(loaded.documents) == 2
