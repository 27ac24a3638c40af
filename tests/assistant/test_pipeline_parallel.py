"""Files parsed in parallel (each in a limited child process of its own): results in the order
given, refusals with their Norwegian reasons, and an index built from them like one built file
by file."""

from __future__ import annotations

from assistant.pipeline import build_index, parse_files
from assistant.settings import Settings
from index.embedder import FakeEmbedder
from ingest.errors import IngestError, Reason
from ingest.models import Document
from tests.conftest import PLANS

TEXT = "# Boligplan\n\nKommunen skal bygge flere boliger for unge. Planen gjelder til 2030.\n"


def test_parallel_parsing_keeps_the_order_and_the_reasons(tmp_path):
    good = tmp_path / "bolig.md"
    good.write_text(TEXT, "utf-8")
    empty = tmp_path / "tom.txt"
    empty.write_bytes(b"")
    missing = tmp_path / "finnes-ikke.txt"
    pdf = PLANS / "innbyggerdialog-samfunnsplanen-ostre-toten.pdf"
    jobs = [(good, good.name), (empty, empty.name), (missing, missing.name), (pdf, "dialog.pdf")]
    settings = Settings(index_dir=tmp_path / "index")
    results = list(parse_files(jobs, settings))
    assert [path for path, _ in results] == [good, empty, missing, pdf]
    doc, refused_empty, refused_missing, plan = (r for _, r in results)
    assert isinstance(doc, Document) and doc.passages and doc.file_name == "bolig.md"
    assert isinstance(refused_empty, IngestError) and refused_empty.reason == Reason.EMPTY
    assert isinstance(refused_missing, IngestError)
    assert "Filen" in refused_missing.message  # Norwegian, says what to do
    assert isinstance(plan, Document) and plan.file_name == "dialog.pdf" and plan.passages


def test_index_built_in_parallel_has_every_good_file(tmp_path):
    (tmp_path / "plans").mkdir()
    for i in range(3):
        (tmp_path / "plans" / f"plan{i}.md").write_text(TEXT.replace("2030", str(2030 + i)))
    (tmp_path / "plans" / "tom.txt").write_bytes(b"")
    settings = Settings(index_dir=tmp_path / "index", docs_dir=tmp_path / "plans")
    seen = []
    report = build_index(
        settings, embedder=FakeEmbedder(), progress=lambda name, i, n: seen.append((name, i, n))
    )
    assert len(report.new_documents) == 3
    assert [s.path.name for s in report.skipped] == ["tom.txt"]
    files = [s for s in seen if s[0] != "embedding"]
    assert [(i, n) for _, i, n in files] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    embedding = [s for s in seen if s[0] == "embedding"]
    assert embedding and embedding[-1][1] == embedding[-1][2] == report.embedded
