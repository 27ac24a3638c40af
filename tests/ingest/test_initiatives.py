"""Initiatives from the real PDF, checked field by field against the plan's source text."""

from __future__ import annotations

import re

import pytest

from ingest.document_builder import build_document
from ingest.initiative_status import status_of
from ingest.initiatives import extract_initiatives, split_links, split_organisations
from ingest.models import Block, Initiative
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
    # Issue 16: "i Valdres og Nord-Østerdal" is where the municipalities are, not a partner.
    assert split_organisations("kommunene i Valdres og Nord-\nØsterdal") == [
        "kommunene i Valdres og Nord-Østerdal"
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


def test_an_owner_list_of_places_stays_one_organisation():
    assert split_organisations("Studentsamskipnaden i Gjøvik, Ålesund og Trondheim (Sit)") == [
        "Studentsamskipnaden i Gjøvik, Ålesund og Trondheim (Sit)"
    ]
    assert split_organisations("Kontoret i Hamar, Elverum og Tynset, NAV") == [
        "Kontoret i Hamar, Elverum og Tynset",
        "NAV",
    ]
    assert split_organisations("høgskolesentrene i Tynset og Kongsvinger, KS") == [
        "høgskolesentrene i Tynset og Kongsvinger",
        "KS",
    ]
    # After a place, a name that is not a place is the next organisation.
    assert split_organisations("Høgskolen i Innlandet og Østlandsforskning") == [
        "Høgskolen i Innlandet",
        "Østlandsforskning",
    ]
    assert split_organisations("Høgskolen i Innlandet og NTNU i Innlandet") == [
        "Høgskolen i Innlandet",
        "NTNU i Innlandet",
    ]


def test_known_names_without_a_comma_between_them_are_split():
    assert split_organisations("Innlandet fylkeskommune Skogfinsk museum, Blokkodden") == [
        "Innlandet fylkeskommune",
        "Skogfinsk museum",
        "Blokkodden",
    ]
    assert split_organisations("NAV Statsforvalteren og KS") == ["NAV", "Statsforvalteren", "KS"]
    # A known name followed by a place or an unknown word is one name.
    assert split_organisations("NAV Vestre Toten, NAV Innlandet, NAV Hjelpemiddelsentral") == [
        "NAV Vestre Toten",
        "NAV Innlandet",
        "NAV Hjelpemiddelsentral",
    ]


def test_prose_after_the_list_is_not_a_name():
    assert split_organisations(
        "Innlandet fylkeskommune, Høgskolen i Innlandet og danske forskere og regionale "
        "utviklingsselskaper – Statsforvalteren og fylkeskommunen ønsker å følge prosjektet."
    ) == [
        "Innlandet fylkeskommune",
        "Høgskolen i Innlandet",
        "danske forskere",
        "regionale utviklingsselskaper",
    ]
    assert split_organisations("NAV, KS, kommunene skal delta etter hvert") == ["NAV", "KS"]
    # A dash inside the list stays: only a clause after it is prose.
    assert split_organisations("NAV – Arbeids- og velferdsetaten, KS") == [
        "NAV – Arbeids- og velferdsetaten",
        "KS",
    ]
    assert split_organisations("Fagskolen i Innlandet og andre") == ["Fagskolen i Innlandet"]


def test_the_three_field_errors_of_the_plan_are_gone(initiatives):
    by_id = {i.id: i for i in initiatives}
    assert by_id["L16"].responsible == ["Studentsamskipnaden i Gjøvik, Ålesund og Trondheim (Sit)"]
    assert "Innlandet fylkeskommune Skogfinsk museum" not in by_id["L4"].partners
    assert {"Innlandet fylkeskommune", "Skogfinsk museum"} <= set(by_id["L4"].partners)
    assert by_id["A7"].partners == [
        "Innlandet fylkeskommune",
        "Høgskolen i Innlandet",
        "danske forskere",
        "regionale utviklingsselskaper",
    ]
    # No owner or partner anywhere is a clause.
    verbs = re.compile(r"\b(?:ønsker|skal|vil|kan|er|har)\b|\bå\s")
    names = [n for i in initiatives for n in i.responsible + i.partners]
    assert [n for n in names if verbs.search(n)] == []


def _expected_status(priority: str) -> str | None:
    """The status the issue names for each phrase of the priority text."""
    text = priority.lower()
    if "tas ut av handlingsprogrammet" in text:
        return "tas ut"
    if "settes i gang" in text:
        return "planlagt"
    if "satt i gang" in text or "igangsatt" in text:
        return "igangsatt"
    if "løpende" in text:
        return "løpende"
    return None


def test_every_status_matches_its_priority_text_in_the_source(initiatives):
    if not SOURCE.exists():
        pytest.skip("../shared is not available")
    source = _source_fields()
    statuses = [i.status for i in initiatives]
    expected = [_expected_status(" ".join(f.get("priority", []))) for _, f in source]
    assert statuses == expected
    assert set(statuses) == {"igangsatt", "planlagt", "løpende", "tas ut", None}
    tett_pa = next(i for i in initiatives if i.title.startswith("Tett på 2030"))
    assert tett_pa.status == "tas ut"


@pytest.mark.parametrize(
    ("priority", "status"),
    [
        ("kort sikt (arbeidet er satt i gang)", "igangsatt"),
        ("kort sikt (igangsatt)", "igangsatt"),
        ("kort sikt (arbeidet er sett i gang)", "igangsatt"),  # nynorsk
        ("kort sikt (settes i gang 2024)", "planlagt"),
        ("kort sikt (arbeidet skal settes i gang i 2024)", "planlagt"),
        ("kort sikt (arbeidet vert sett i gang i 2025)", "planlagt"),  # nynorsk
        ("kort sikt (løpende arbeid)", "løpende"),
        ("tas ut av handlingsprogrammet for 2024", "tas ut"),
        ("lang sikt", None),
        ("", None),
    ],
)
def test_status_is_read_from_the_priority_text(priority, status):
    assert status_of(priority) == status


def test_an_index_written_before_status_still_loads_with_the_status_derived(initiatives):
    old = initiatives[0].to_dict()
    del old["status"]
    loaded = Initiative.from_dict(old)
    assert loaded.status == initiatives[0].status == "igangsatt"


def test_descriptions_keep_their_lists_one_item_per_line(initiatives):
    l7 = next(i for i in initiatives if i.id == "L7")
    lines = l7.description.split("\n")
    colon = next(n for n, line in enumerate(lines) if line.endswith("innenfor:"))
    assert lines[colon + 1 : colon + 5] == [
        "kompetanse og livslang læring",
        "arbeidsliv og arbeidsplassutvikling",
        "lokalsamfunn, møteplasser og kultur",
        "universelle reiselivsdestinasjoner (for eksempel samarbeidet om utvikling av Beitostølen)",
    ]
    # The strategies of L8, each with its own "Ansvarlig:", are the list of its description.
    l8 = next(i for i in initiatives if i.id == "L8")
    assert [line.split(" (PDF")[0] for line in l8.description.split("\n")[1:]] == [
        "Mobilitetsstrategi for Innlandet 2021 - 2030",
        "Handlingsplan for fylkeskommunens kollektivtransport 2023 - 2026",
        "Handlingsprogram for fylkesveger 2022-2025",
        "Kulturstrategi for Innlandet fylkeskommune",
        "Bredbånd i hele Innlandet – offentlig støtte til bredbåndutbygging",
    ]


# Issue 16: what naming each organisation looks like in the plan's own text, checked on whole
# words here independently of the register and the matcher the filters use.
NAMED_IN_SOURCE = {
    "KS": re.compile(r"\bKS\b"),
    "fylkeskommunen": re.compile(r"\bInnlandet\s+fylkeskommune\b|\bfylkeskommunen\b"),
    "kommuner": re.compile(r"\bkommun(?:er|ene)\b", re.IGNORECASE),
    "HINN": re.compile(r"\bH[øo][gy]skolen\s+i\s+Innlandet\b|\bHINN\b|\bhøgskolen\b", re.I),
    "NAV": re.compile(r"\bNAV\b"),
}


def _list_part(value: str) -> str:
    """A field's list without the prose after it: a following sentence or a clause after a
    dash ("… regionene. Det kan også være relevant for andre kommuner", "… – Statsforvalteren
    og fylkeskommunen ønsker å følge prosjektet")."""
    value = re.split(r"\.\s+(?=[A-ZÆØÅ])", value)[0]
    return re.split(r"\s–\s(?=.*\b(?:ønsker|skal|vil|kan)\b)", value)[0]


@pytest.mark.parametrize("organisation", list(NAMED_IN_SOURCE))
@pytest.mark.parametrize(
    ("filter_name", "field"), [("ansvarlig", "responsible"), ("partner", "partners")]
)
def test_organisation_filters_give_exactly_the_initiatives_the_source_names(
    initiatives, organisation, filter_name, field
):
    from assistant.initiatives import filter_initiatives

    if not SOURCE.exists():
        pytest.skip("../shared is not available")
    expected = [
        sid
        for sid, fields in _source_fields()
        if any(NAMED_IN_SOURCE[organisation].search(_list_part(v)) for v in fields.get(field, []))
    ]
    found = [i.id for i in filter_initiatives(initiatives, **{filter_name: organisation})]
    assert found == expected
    # KS owns nothing in the plan; every other pair names at least one initiative.
    assert expected or (organisation, filter_name) == ("KS", "ansvarlig")


@pytest.mark.parametrize(
    "names",
    [
        ["fylkeskommunen", "Innlandet fylkeskommune", "IFK", "innlandet FYLKESKOMMUNE"],
        ["kommuner", "kommunene", "Kommuner"],
        ["HINN", "Høgskolen i Innlandet", "høgskolen", "Høyskolen i Innlandet"],
        ["NAV", "nav", "Nav"],
        ["KS", "ks"],
    ],
)
def test_canonical_names_and_aliases_give_the_same_sets(initiatives, names):
    from assistant.initiatives import filter_initiatives

    for filter_name in ("ansvarlig", "partner"):
        sets = [[i.key for i in filter_initiatives(initiatives, **{filter_name: n})] for n in names]
        assert all(s == sets[0] for s in sets), (filter_name, names)
