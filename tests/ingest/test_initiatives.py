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


def _source_fields() -> list[tuple[str, dict[str, list[str]]]]:
    """(id, {field: [values]}) for every initiative in the source text, in order. A value runs
    over the following lines until a blank line or the next label; a label may repeat."""
    lines = SOURCE.read_text("utf-8").splitlines()
    out: list[tuple[str, dict[str, list[str]]]] = []
    for i, line in enumerate(lines):
        m = re.match(r"^([KAL]\d{1,2}) \S", line)
        if not m or i < 1000:  # the action programme is in the second half
            continue
        fields: dict[str, list[str]] = {}
        current = None
        for nxt in lines[i + 1 : i + 80]:
            if re.match(r"^([KAL]\d{1,2}) \S|^\d\.\d", nxt):
                break
            text = nxt.strip()
            label = next(
                (
                    (name, fm.group(1))
                    for name, pattern in LABELS.items()
                    if (fm := re.match(rf"^{pattern}\s*:\s*(.*)$", text))
                ),
                None,
            )
            if label:
                current = label[0]
                fields.setdefault(current, []).append(label[1])
            elif not text:
                current = None
            elif current:
                fields[current][-1] += " " + text
        out.append((m.group(1), fields))
    return out


def _organisations(values: list[str]) -> list[str]:
    return list(dict.fromkeys(n for v in values for n in split_organisations(v)))


def test_all_41_initiatives_with_unique_keys_and_both_l9s(initiatives):
    assert len(initiatives) == 41
    assert len({i.key for i in initiatives}) == 41
    l9 = [i for i in initiatives if i.id == "L9"]
    assert len(l9) == 2 and l9[0].key != l9[1].key
    assert {i.title.split()[0] for i in l9} == {"Tett", "ESIRA"}
    assert all(1 <= i.page <= 37 for i in initiatives)


def test_every_field_of_every_initiative_matches_the_source_text(initiatives):
    """Extracted from the PDF (wrapped lines, page breaks, running headers) vs the plan's source
    text: responsible, partners, links and priority are equal for all 41 initiatives."""
    if not SOURCE.exists():
        pytest.skip("../shared is not available")
    source = _source_fields()
    assert [s[0] for s in source] == [i.id for i in initiatives]
    mismatches = []
    for (sid, fields), ini in zip(source, initiatives, strict=True):
        links = re.findall(r"\b[KAL]\d{1,2}\b", " ".join(fields.get("links", [])))
        expected = {
            "responsible": _organisations(fields.get("responsible", [])),
            "partners": _organisations(fields.get("partners", [])),
            "links": [x for x in dict.fromkeys(links) if x != sid],
            "priority": "; ".join(" ".join(v.split()) for v in fields.get("priority", [])),
        }
        for name, value in expected.items():
            if getattr(ini, name) != value:
                mismatches.append((sid, name, value, getattr(ini, name)))
    assert sum(bool(f.get("partners")) for _, f in source) >= 38
    assert mismatches == []


def test_organisation_lists_are_split_into_names():
    assert split_organisations(
        "Innlandet fylkeskommune, Statsforvalteren, kommunene og voksenopplæringssentrene"
    ) == ["Innlandet fylkeskommune", "Statsforvalteren", "kommunene", "voksenopplæringssentrene"]
    assert split_organisations("kommuner og interkommunale politiske råd og NAV") == [
        "kommuner",
        "interkommunale politiske råd",
        "NAV",
    ]
    # Prose: both sides of "i samarbeid med" share the responsibility.
    assert split_organisations(
        "Valdres næringshage og Rørosregionen næringshage i samarbeid med interkommunale "
        "politiske råd i de to regionene"
    ) == [
        "Valdres næringshage",
        "Rørosregionen næringshage",
        "interkommunale politiske råd i de to regionene",
    ]
    # Names with "og" inside stay whole.
    assert split_organisations(
        "Innlandet fylkeskommune ved Næring og internasjonalt samarbeid"
    ) == ["Innlandet fylkeskommune ved Næring og internasjonalt samarbeid"]
    assert split_organisations("Beitostølen Helsesportsenter, Valdres Natur- og Kulturpark") == [
        "Beitostølen Helsesportsenter",
        "Valdres Natur- og Kulturpark",
    ]
    assert split_organisations("offentlige og private arbeidsgivere, NAV") == [
        "offentlige og private arbeidsgivere",
        "NAV",
    ]
    assert split_organisations(
        "NAV, Elverum-, Gjøvik- og Lillehammer-regionene. Det kan også være relevant for andre"
    ) == ["NAV", "Elverum-, Gjøvik- og Lillehammer-regionene"]
    assert split_organisations("kommunene i Valdres og Nord-\nØsterdal") == [
        "kommunene i Valdres",
        "Nord-Østerdal",
    ]


def test_a_repeated_label_lists_sub_items():
    block = Block(
        path=["5 Handlingsprogram", "5.3 Lokalsamfunn", "5.3.1 Fylke", "L8 Andre strategier"],
        parts=[
            (
                34,
                "Disse følges opp:\nMobilitetsstrategi (PDF, 9 MB)\n"
                "Ansvarlig: Innlandet fylkeskommune ved Samferdsel\n"
                "Kulturstrategi (PDF, 21 MB)\nAnsvarlig: Innlandet fylkeskommune ved Kultur\n",
            )
        ],
    )
    (ini,) = extract_initiatives("doc", [block])
    assert ini.responsible == [
        "Innlandet fylkeskommune ved Samferdsel",
        "Innlandet fylkeskommune ved Kultur",
    ]


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


def test_filters_give_the_sets_the_source_text_gives(initiatives):
    from assistant.initiatives import filter_initiatives

    if not SOURCE.exists():
        pytest.skip("../shared is not available")
    source = _source_fields()

    def ids_where(field: str, needle: str) -> list[str]:
        return [sid for sid, f in source if needle in " ".join(f.get(field, [])).lower()]

    def ids(**filters: str) -> list[str]:
        return [i.id for i in filter_initiatives(initiatives, **filters)]

    assert ids(partner="NAV") == ids_where("partners", "nav") != []
    assert ids(ansvarlig="Innlandet fylkeskommune") == ids_where(
        "responsible", "innlandet fylkeskommune"
    )
    assert ids(prioritering="lang sikt") == ids_where("priority", "lang sikt") != []
    assert ids(tema="Kompetanse og livslang læring") == [f"K{n}" for n in range(1, 12)]
    # Source: "5.3.2 Distriktssatsinger" holds both L9s, then L10-L12.
    assert ids(niva="Distriktssatsinger", tema="Lokalsamfunn, møteplasser og kultur") == [
        "L9",
        "L9",
        "L10",
        "L11",
        "L12",
    ]
