"""The ingest pipeline as the server and uploads call it: a path that does not exist is skipped
as missing (not as a damaged file), and good files in the same ingest are still read."""

from __future__ import annotations


def test_a_missing_file_is_reported_as_missing(tmp_path):
    from assistant.pipeline import build_index
    from assistant.settings import Settings
    from index.embedder import FakeEmbedder
    from ingest.errors import Reason

    good = tmp_path / "plan.md"
    good.write_text("# Boligplan\n\n## Mål\n\nKommunen bygger boliger.\n", "utf-8")
    settings = Settings(index_dir=tmp_path / "index")
    report = build_index(settings, [good, tmp_path / "borte.pdf"], embedder=FakeEmbedder())
    assert report.new_documents == ["plan"]
    [skipped] = report.skipped
    assert skipped.path.name == "borte.pdf" and skipped.reason == Reason.NOT_FOUND
    assert "finnes ikke" in skipped.message
