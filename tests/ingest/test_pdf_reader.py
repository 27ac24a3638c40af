from ingest.pdf_reader import read_pdf
from tests.conftest import PLANS
from tests.ingest.pdf_factory import make_pdf


def test_lines_keep_font_size_and_weight(tmp_path):
    pdf = make_pdf(
        tmp_path / "a.pdf",
        [[("1 Innledning", 18, True), ("Vanlig brødtekst her.", 10, False)]],
        title="Testplan",
    )
    raw = read_pdf(pdf)
    assert raw.title == "Testplan"
    lines = raw.pages[0].lines
    assert [(ln.text, ln.size, ln.bold) for ln in lines] == [
        ("1 Innledning", 18.0, True),
        ("Vanlig brødtekst her.", 10.0, False),
    ]


def test_sample_plan_pages_are_one_based_and_complete():
    raw = read_pdf(PLANS / "regional-plan-inkluderende-innlandet.pdf")
    assert len(raw.pages) == 37
    assert [p.number for p in raw.pages] == list(range(1, 38))
    assert raw.title == "Regional plan for det inkluderende Innlandet"
    # Page 25 carries the K6 initiative heading in bold 11.5 pt.
    headings = [ln.text for ln in raw.pages[24].lines if ln.bold]
    assert "K6 Kvalifiseringsplan for innvandrere" in headings
