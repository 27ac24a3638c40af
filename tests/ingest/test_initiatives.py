"""Initiatives from the real PDF, checked field by field against the plan's source text."""

from __future__ import annotations

import re

import pytest

from ingest.document_builder import build_document
from ingest.initiatives import extract_initiatives, split_links, split_organisations
from ingest.models import Block
from ingest.pdf_reader import read_pdf
from ingest.tokens import estimate_tokens
from tests.conftest import PLANS, SHARED

PDF = PLANS / "regional-plan-inkluderende-innlandet.pdf"
SOURCE = SHARED / "corpus" / "text" / "regional-plan-inkluderende-innlandet.txt"
LABELS = {
    "responsible": r"Ansvarlig",
    "partners": r"Samarbeids\w*",
    "links": r"Koblinger til andre satsinger",
    "priority": r"Prioritering",
}


@pytest.fixture(scope="module")
def initiatives():
    doc, blocks = build_document(
        read_pdf(PDF),
        file_name=PDF.name,
        sha256="0" * 64,
        media_type="application/pdf",
        count_tokens=estimate_tokens,
    )
    return extract_initiatives(doc.document_id, blocks)


def _source_fields() -> list[tuple[str, dict[str, str]]]:
    """(id, {field: text}) for every initiative heading line in the source text, in order."""
    lines = SOURCE.read_text("utf-8").splitlines()
    out: list[tuple[str, dict[str, str]]] = []
    for i, line in enumerate(lines):
        m = re.match(r"^([KAL]\d{1,2}) \S", line)
        if not m or i < 1000:  # the action programme is in the second half
            continue
        fields: dict[str, str] = {}
        for nxt in lines[i + 1 : i + 60]:
            if re.match(r"^([KAL]\d{1,2}) \S|^\d\.\d", nxt):
                break
            for name, label in LABELS.items():
                if fm := re.match(rf"^{label}\s*:\s*(.*)$", nxt.strip()):
                    fields[name] = fm.group(1).strip()
        out.append((m.group(1), fields))
    return out


def _norm(text: str) -> str:
    return re.sub(r"[^\wæøå]+", " ", text.lower()).strip()


def test_all_41_initiatives_with_unique_keys_and_both_l9s(initiatives):
    assert len(initiatives) == 41
    assert len({i.key for i in initiatives}) == 41
    l9 = [i for i in initiatives if i.id == "L9"]
    assert len(l9) == 2 and l9[0].key != l9[1].key
    assert {i.title.split()[0] for i in l9} == {"Tett", "ESIRA"}
    assert all(1 <= i.page <= 37 for i in initiatives)


def test_fields_match_the_source_text(initiatives):
    if not SOURCE.exists():
        pytest.skip("../shared is not available")
    source = _source_fields()
    assert [s[0] for s in source] == [i.id for i in initiatives]
    checked = matched = 0
    for (sid, fields), ini in zip(source, initiatives, strict=True):
        if "responsible" in fields:
            checked += 1
            matched += _norm(" ".join(ini.responsible)).startswith(
                _norm(fields["responsible"])[:25]
            )
        if "priority" in fields:
            checked += 1
            matched += _norm(ini.priority) == _norm(fields["priority"])
        if "links" in fields:
            checked += 1
            expected = [x for x in re.findall(r"\b[KAL]\d{1,2}\b", fields["links"]) if x != sid]
            matched += ini.links == list(dict.fromkeys(expected))
    assert checked > 100
    assert matched / checked >= 0.95, (matched, checked)


def test_theme_and_level_come_from_the_enclosing_headings(initiatives):
    a6 = next(i for i in initiatives if i.id == "A6")
    assert a6.theme == "Arbeidsliv og arbeidsplassutvikling"
    assert a6.level == "By- og regionsentersatsinger"


def test_misspelt_label_prose_links_and_self_links():
    block = Block(
        path=["5 Handlingsprogram", "5.2 Arbeid", "5.2.3 Byer", "A7 Ung inkludering"],
        parts=[
            (
                29,
                "Beskrivelse. Ansvarlig: NAV Samarbeidspartere: Innlandet fylkeskommune, "
                "Høgskolen i Innlandet",
            ),
            (
                30,
                "Koblinger til andre satsinger: koblet til mange satsinger, også A7 "
                "Prioritering: kort sikt",
            ),
        ],
    )
    (ini,) = extract_initiatives("doc", [block])
    assert ini.responsible == ["NAV"]
    assert ini.partners == ["Innlandet fylkeskommune", "Høgskolen i Innlandet"]
    assert ini.links == []  # prose plus a self-link
    assert ini.priority == "kort sikt" and ini.description == "Beskrivelse."
    assert ini.theme == "Arbeid" and ini.level == "Byer" and ini.page == 29


def test_organisation_and_link_splitting():
    assert split_organisations(
        "Innlandet fylkeskommune, Statsforvalteren, kommunene og voksenopplæringssentrene"
    ) == ["Innlandet fylkeskommune", "Statsforvalteren", "kommunene", "voksenopplæringssentrene"]
    assert split_organisations("universitets- og høgskolesektoren") == [
        "universitets- og høgskolesektoren"
    ]
    assert split_links("K7, K8, K10, A3 og K4", "K4") == ["K7", "K8", "K10", "A3"]
