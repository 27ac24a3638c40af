from ingest.document_builder import build_document, slugify
from ingest.text_reader import read_markdown, read_text
from ingest.tokens import estimate_tokens


def _build(raw, name, media):
    return build_document(
        raw, file_name=name, sha256="abc", media_type=media, count_tokens=estimate_tokens
    )


def test_markdown_headings_become_sections(tmp_path):
    md = tmp_path / "plan.md"
    md.write_text(
        "# Kommuneplan for Eksempel\n\nInnledning om planen.\n\n"
        "## Bolig\n\nVi skal bygge flere boliger.\n\n- Punkt om utleie\n\n"
        "## Arbeid\n\nFlere skal i jobb.\n",
        encoding="utf-8",
    )
    doc, _ = _build(read_markdown(md), md.name, "text/markdown")
    assert doc.title == "Kommuneplan for Eksempel"
    sections = {p.section: p.text for p in doc.passages}
    assert sections["Kommuneplan for Eksempel › Bolig"].startswith("Vi skal bygge flere boliger.")
    assert "Punkt om utleie" in sections["Kommuneplan for Eksempel › Bolig"]
    assert sections["Kommuneplan for Eksempel › Arbeid"] == "Flere skal i jobb."


def test_text_paragraphs_become_passages_and_form_feeds_pages(tmp_path):
    txt = tmp_path / "Plan for Østre Toten.txt"
    txt.write_bytes("Første avsnitt.\n\nAndre avsnitt\nover to linjer.\fSide to.".encode("cp1252"))
    doc, _ = _build(read_text(txt), txt.name, "text/plain")
    assert doc.document_id == "plan-for-ostre-toten"
    assert [(p.page, p.text) for p in doc.passages] == [
        (1, "Første avsnitt."),
        (1, "Andre avsnitt over to linjer."),
        (2, "Side to."),
    ]


def test_slugify():
    assert slugify("Regional plan – Innlandet (2022).PDF") == "regional-plan-innlandet-2022"
    assert slugify("ÆØÅ.pdf") == "aeoa"
    assert slugify("....pdf") == "dokument"
