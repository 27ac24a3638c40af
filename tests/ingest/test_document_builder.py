"""The whole ingest path on the real sample PDF (no model: token counts are estimated)."""

import re

import pytest

from ingest.document_builder import build_document
from ingest.pdf_reader import read_pdf
from ingest.tokens import estimate_tokens
from tests.conftest import PLANS, SHARED

PDF = PLANS / "regional-plan-inkluderende-innlandet.pdf"


@pytest.fixture(scope="module")
def doc():
    raw = read_pdf(PDF)
    document, _ = build_document(
        raw,
        file_name=PDF.name,
        sha256="0" * 64,
        media_type="application/pdf",
        count_tokens=estimate_tokens,
    )
    return document


def test_provenance_on_every_passage(doc):
    assert doc.document_id == "regional-plan-inkluderende-innlandet"
    assert doc.title == "Regional plan for det inkluderende Innlandet"
    ids = [p.passage_id for p in doc.passages]
    assert len(ids) == len(set(ids))
    for p in doc.passages:
        assert 1 <= p.page <= 37
        assert p.section
        assert len(p.text) <= 800
        assert p.document_title == doc.title


def test_running_headers_are_not_passage_text(doc):
    for p in doc.passages:
        assert not re.search(r"\b\d{1,2}/37\b", p.text)
    for text in doc.pages:
        assert not text.startswith("Regional plan for det inkluderende Innlandet\n")


def test_initiative_passages_carry_id_section_and_page(doc):
    k6 = [p for p in doc.passages if p.initiative == "K6"]
    assert k6 and k6[0].page == 25
    assert k6[0].section.endswith("5.1.1 Fylkessatsinger › K6 Kvalifiseringsplan for innvandrere")
    assert k6[0].section.startswith("5 Handlingsprogram › 5.1 Kompetanse og livslang læring")
    # A heading that wraps over two lines is one section.
    k7 = [p for p in doc.passages if p.initiative == "K7"]
    assert k7[0].section.endswith(
        "K7 Desentralisert kompetanseutvikling hos lærere i barnehage, "
        "grunnskole og videregående skole"
    )


def test_extracted_text_matches_the_source_text(doc):
    source = SHARED / "corpus" / "text" / "regional-plan-inkluderende-innlandet.txt"
    if not source.exists():
        pytest.skip("../shared is not available")
    norm = lambda s: " ".join(s.lower().split())  # noqa: E731
    all_text = norm(" ".join(p.text for p in doc.passages))
    sentences = [
        s.strip()
        for s in re.split(r"(?<=[.!?])\s+", source.read_text(encoding="utf-8"))
        if 60 <= len(s.strip()) <= 200 and "\n" not in s.strip()
    ]
    assert len(sentences) > 100
    found = sum(norm(s) in all_text for s in sentences)
    assert found / len(sentences) >= 0.9, (found, len(sentences))
