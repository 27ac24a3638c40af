"""Reading one file into a Document: what counts as text, and the reason when there is none."""

from __future__ import annotations

import pytest

from ingest.errors import IngestError, Reason
from ingest.reader import ReadJob, read_document
from tests.ingest.pdf_factory import make_pdf


def _job(path, media_type):
    return ReadJob(media_type, path.name, "0" * 64)


def test_markdown_of_headings_only_is_not_called_a_scan(tmp_path):
    path = tmp_path / "disposisjon.md"
    path.write_text("# Boligplan\n\n## Mål\n\n## Tiltak\n\n### Utleie\n", "utf-8")
    with pytest.raises(IngestError) as err:
        read_document(path, _job(path, "text/markdown"))
    assert err.value.reason == Reason.ONLY_HEADINGS
    assert "overskrifter" in err.value.message
    assert "OCR" not in err.value.message and "skannet" not in err.value.message


def test_a_pdf_with_a_few_characters_of_text_has_no_text_layer(tmp_path):
    path = make_pdf(tmp_path / "skann.pdf", [[("pdf.js", 8, False)]])
    with pytest.raises(IngestError) as err:
        read_document(path, _job(path, "application/pdf"))
    assert err.value.reason == Reason.NO_TEXT


def test_the_producers_name_stamped_on_a_page_is_not_text(tmp_path):
    stamp = "Skannet med SkannerApp Pro for kontoret"
    path = make_pdf(tmp_path / "skann.pdf", [[(stamp, 8, False)]], creator=stamp)
    with pytest.raises(IngestError) as err:
        read_document(path, _job(path, "application/pdf"))
    assert err.value.reason == Reason.NO_TEXT


def test_a_short_real_pdf_is_still_read(tmp_path):
    path = make_pdf(
        tmp_path / "kort.pdf",
        [[("Trafikkplan", 18, True), ("Kommunen skal bygge gang- og sykkelveier.", 11, False)]],
    )
    doc = read_document(path, _job(path, "application/pdf"))
    assert [p.text for p in doc.passages] == ["Kommunen skal bygge gang- og sykkelveier."]
