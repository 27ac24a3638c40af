"""Every format is read in the limited child process: a time limit and a memory limit for TXT
and Markdown as for PDF, with the same Norwegian reasons; the result is the in-process one."""

from __future__ import annotations

import pytest

from assistant.pipeline import read_document
from assistant.settings import Settings
from ingest.errors import IngestError, Reason
from ingest.reader import ReadJob
from ingest.reader import read_document as read_in_process
from ingest.safe_parse import read_document_safely

PLAN = "# Boligplan\n\n## Mål\n\nKommunen bygger femti nye utleieboliger innen 2030.\n"


@pytest.mark.parametrize(("name", "text"), [("plan.md", PLAN), ("plan.txt", "Avsnitt.\n")])
def test_text_files_get_the_parse_time_limit(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    settings = Settings(parse_timeout_s=0.01)  # less than a child process needs to start
    with pytest.raises(IngestError) as err:
        read_document(path, settings)
    assert err.value.reason == Reason.TIMEOUT
    assert "for lang tid" in err.value.message


def test_the_child_gives_the_same_document_as_reading_in_process(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text(PLAN, "utf-8")
    job = ReadJob("text/markdown", "Boligplan.md", "0" * 64)
    doc = read_document_safely(path, job, timeout_s=60, memory_mb=1024)
    assert doc == read_in_process(path, job)
    assert doc.document_id == "boligplan" and doc.passages[0].section == "Boligplan › Mål"


def test_a_reason_found_in_the_child_comes_back(tmp_path):
    path = tmp_path / "overskrifter.md"
    path.write_text("# Plan\n\n## Mål\n", "utf-8")
    job = ReadJob("text/markdown", path.name, "0" * 64)
    with pytest.raises(IngestError) as err:
        read_document_safely(path, job, timeout_s=60, memory_mb=1024)
    assert err.value.reason == Reason.ONLY_HEADINGS


def test_a_markdown_heading_of_spaces_is_read_quickly(tmp_path):
    """1,500 spaces in a heading froze the server for 11 s (a cubic regex)."""
    path = tmp_path / "mellomrom.md"
    path.write_text("# a" + " " * 1500 + "b\n\nTekst under.\n", "utf-8")
    job = ReadJob("text/markdown", path.name, "0" * 64)
    doc = read_document_safely(path, job, timeout_s=5, memory_mb=1024)
    assert doc.passages[0].section == "a b"  # white space collapsed, as everywhere
