"""Initiative filters and initiative questions, on the initiatives of the real sample plan."""

from __future__ import annotations

import json
import re

import pytest

from assistant.initiatives import (
    FACETS,
    compose_initiative_answer,
    filter_initiatives,
    initiative_facets,
    linking_to,
    match_initiative_question,
    resolve_reference,
    sort_initiatives,
)
from ingest.document_builder import build_document
from ingest.initiatives import extract_initiatives
from ingest.pdf_reader import read_pdf
from ingest.tokens import estimate_tokens
from tests.conftest import PLANS, SHARED

PDF = PLANS / "regional-plan-inkluderende-innlandet.pdf"


@pytest.fixture(scope="module")
def inis():
    doc, blocks = build_document(
        read_pdf(PDF),
        file_name=PDF.name,
        sha256="0",
        media_type="application/pdf",
        count_tokens=estimate_tokens,
    )
    return extract_initiatives(doc.document_id, blocks)


def test_partner_filter_matches_the_organisation_on_whole_words_in_any_case(inis):
    found = filter_initiatives(inis, partner="nav")
    expected = [i for i in inis if any(re.search(r"\bNAV\b", p) for p in i.partners)]
    assert found == expected and len(found) >= 5
    assert any(p != "NAV" for i in found for p in i.partners if "NAV" in p)  # "NAV Innlandet"
    # Issue 16: "KS" is not in "landbruksorganisasjonene", "IT-virksomheter", "andre eksterne".
    ks = filter_initiatives(inis, partner="KS")
    assert ks and all(any(re.search(r"\bKS\b", p) for p in i.partners) for i in ks)
    # Names the register does not know match as whole-word phrases.
    gjovik = filter_initiatives(inis, partner="gjøvik kommune")
    assert gjovik and all("Gjøvik kommune" in i.partners for i in gjovik)
    assert filter_initiatives(inis, partner="Gjøvik kommun") == []


def test_responsible_priority_theme_level_and_text_filters(inis):
    fk = filter_initiatives(inis, ansvarlig="Innlandet fylkeskommune")
    assert fk and all(
        any("innlandet fylkeskommune" in r.lower() for r in i.responsible) for i in fk
    )
    long = filter_initiatives(inis, prioritering="LANG SIKT")
    assert {i.id for i in long} >= {"K4", "A11", "A12"}
    assert all("lang sikt" in i.priority.lower() for i in long)
    theme = filter_initiatives(inis, tema="kompetanse og livslang")
    assert {i.id[0] for i in theme} == {"K"} and len(theme) == 11
    level = filter_initiatives(inis, niva="Distriktssatsinger")
    assert {i.id for i in level} >= {"K7", "A4", "L9", "L12"}
    beito = [i.id for i in filter_initiatives(inis, q="beitostølen")]
    assert "L13" in beito
    assert beito == [
        i.id
        for i in inis
        if "beitostølen" in (i.title + i.description).lower()
        or any("beitostølen" in o.lower() for o in i.responsible + i.partners)
    ]
    assert filter_initiatives(inis, q="beitostølen", partner="NAV") == []


def test_linking_in_both_directions(inis):
    k4 = next(i for i in inis if i.id == "K4")
    assert {i.id for i in linking_to(inis, k4)} == {
        i.id for i in inis if "K4" in i.links and i.id != "K4"
    }


@pytest.mark.parametrize(
    ("question", "kind", "value"),
    [
        ("Hvilke tiltak har NAV ansvar for?", "responsible", "NAV"),
        ("Hvilke tiltak har fylkeskommunen ansvar for?", "responsible", "Innlandet fylkeskommune"),
        ("Hvilke tiltak deltar HINN i?", "partner", "Høgskolen i Innlandet"),
        ("Hvilke tiltak deltar KS i?", "partner", "KS"),
        ("Hvilke tiltak deltar NAV i?", "partner", "NAV"),
        ("Hva er K4?", "id", "K4"),
        ("Kva er L9?", "id", "L9"),
        ("Hvilke satsinger har lang sikt?", "priority", "lang sikt"),
        ("Hva er koblet til K4?", "links", "K4"),
    ],
)
def test_initiative_questions_are_recognised(inis, question, kind, value):
    match = match_initiative_question(question, inis)
    assert match is not None and match.kind == kind and match.value == value
    assert match.initiatives
    answer = compose_initiative_answer(match)
    assert "[1]" in answer


def test_two_l9s_are_both_answered(inis):
    match = match_initiative_question("Hva er L9?", inis)
    assert len(match.initiatives) == 2 and "2 tiltak" in compose_initiative_answer(match)


@pytest.mark.parametrize(
    ("question", "fields", "expected"),
    [
        (
            "Hvem har ansvaret for K4?",
            ["responsible"],
            "Ansvarlig for K4 Sikre digital kompetanse:",
        ),
        ("Kven er med i K6?", ["partner"], "Samarbeidspartnarar i K6 "),
        ("Er L6 satt i gang?", ["priority"], "Prioriteringen for L6 "),
        ("Hvilke tiltak er K4 koblet til?", ["links"], "K4 Sikre digital kompetanse [1] er koblet"),
        (
            "Kven har hovudansvaret for K1, og kven er med?",
            ["responsible", "partner"],
            "Ansvarleg for K1 Inkluderende oppvekstmiljø: Statsforvalteren [1].",
        ),
    ],
)
def test_fields_of_a_named_initiative_are_answered_from_its_data(inis, question, fields, expected):
    match = match_initiative_question(question, inis)
    assert (match.kind, match.fields) == ("field", fields)
    lang = "nn" if question.startswith("Kven") else "nb"
    answer = compose_initiative_answer(match, lang=lang)
    assert expected in answer
    ini = match.initiatives[0]
    if "responsible" in fields:
        assert all(name in answer for name in ini.responsible)
    if "partner" in fields:
        assert all(name in answer for name in ini.partners)
    if "links" in fields:  # each linked initiative is named and cited after the asked one
        assert [i.id for i in match.cited[1:]] == ini.links
        for n, other in enumerate(match.cited[1:], 2):
            assert f"{other.id} {other.title} [{n}]" in answer


def test_status_is_said_in_the_readers_language(inis):
    match = match_initiative_question("Er A1 satt i gang?", inis)  # "settes i gang i 2024"
    assert "Status: planlagt [1]." in compose_initiative_answer(match)
    assert "Status: planlagd [1]." in compose_initiative_answer(match, lang="nn")
    lead = compose_initiative_answer(match_initiative_question("Kva er K4?", inis), lang="nn")
    assert lead.startswith("K4 er dette tiltaket i planane:") and "ansvarleg:" in lead


def test_the_initiative_a_turn_is_about(inis):
    from assistant.initiatives import referred_initiative
    from ingest.models import Passage

    esira = next(i for i in inis if i.key.startswith("l9-esira"))

    def passage(ini):  # a passage of the initiative, as the index has them
        section = f"5 Handlingsprogram › {ini.id} {ini.title}"
        return Passage("p", ini.document_id, "", ini.page, section, "", initiative=ini.id)

    assert referred_initiative("Hva er K4?", [], inis).id == "K4"
    # Named twice (L9): the one the turn cited.
    assert referred_initiative("Hva er L9?", [passage(esira)], inis) is esira
    # Not named: the first cited passage's initiative; none for a passage of no initiative.
    k5 = next(i for i in inis if i.id == "K5")
    assert referred_initiative("Hva gjør fylket for mangfold?", [passage(k5)], inis) is k5
    plain = Passage("x", k5.document_id, "", 3, "", "")
    assert referred_initiative("Hva gjør fylket for mangfold?", [plain, passage(k5)], inis) is None
    # The conversation's initiative picks one of two with the same id.
    match = match_initiative_question("Hvem har ansvaret for L9?", inis, key=esira.key)
    assert match.initiatives == [esira]


def test_ordinary_questions_are_not_captured(inis):
    ordinary = ["Hva er hovedmålet med planen?", "Hva er en trainee?"]
    dev = SHARED / "eval" / "dev-questions.jsonl"
    if dev.exists():
        ordinary += [json.loads(line)["question"] for line in dev.read_text("utf-8").splitlines()]
    captured = [q for q in ordinary if match_initiative_question(q, inis)]
    assert captured == [], captured


def test_the_chat_uses_the_filters_organisation_matching(inis):
    for question, kind, value in [
        ("Hvilke tiltak har fylkeskommunen ansvar for?", "ansvarlig", "fylkeskommunen"),
        ("Hvilke tiltak deltar kommunene i?", "partner", "kommuner"),
        ("Hvilke tiltak deltar KS i?", "partner", "KS"),
    ]:
        match = match_initiative_question(question, inis)
        assert match.initiatives == filter_initiatives(inis, **{kind: value}), question


@pytest.mark.parametrize(
    "filters",
    [{}, {"status": "igangsatt"}, {"ansvarlig": "fylkeskommunen", "prioritering": "kort sikt"}],
)
def test_facet_counts_equal_the_lengths_of_the_filtered_lists(inis, filters):
    facets = initiative_facets(inis, **filters)
    assert set(facets) == set(FACETS)
    for facet, values in facets.items():
        assert values, facet
        for value in values:
            chosen = {**filters, facet: value["name"]}
            assert value["count"] == len(filter_initiatives(inis, **chosen)), (facet, value)
    # Every initiative with an owner is under some owner in the list.
    within = filter_initiatives(inis, **filters)
    owners = [v["name"] for v in facets["ansvarlig"]]
    covered = {i.key for o in owners for i in filter_initiatives(within, ansvarlig=o)}
    assert covered == {i.key for i in within if i.responsible}


def test_facets_list_organisations_once_by_their_canonical_name(inis):
    facets = initiative_facets(inis)
    owners = {v["name"]: v["count"] for v in facets["ansvarlig"]}
    partners = {v["name"]: v["count"] for v in facets["partner"]}
    assert owners["Innlandet fylkeskommune"] == len(filter_initiatives(inis, ansvarlig="IFK"))
    assert "fylkeskommunen" not in owners and "NAV Vestre Toten" not in partners
    assert partners["kommunene"] == len(filter_initiatives(inis, partner="kommuner"))
    assert {v["name"] for v in facets["status"]} == {"igangsatt", "planlagt", "løpende", "tas ut"}


def test_short_references_resolve_by_id_and_an_id_used_twice_gives_both(inis):
    (k8,) = resolve_reference(inis, "K8")
    assert k8.id == "K8" and resolve_reference(inis, "k8") == [k8]
    assert resolve_reference(inis, k8.key) == [k8]
    l9 = resolve_reference(inis, "L9")
    assert len(l9) == 2 and len({i.key for i in l9}) == 2
    assert resolve_reference(inis, "Z99") == []


def test_sorting_by_id_title_owner_and_priority(inis):
    assert sort_initiatives(inis, None) == inis
    ids = [i.id for i in sort_initiatives(inis, "id")]
    assert ids[:3] == ["A1", "A2", "A3"] and ids.index("A10") == ids.index("A9") + 1
    titles = [i.title for i in sort_initiatives(inis, "title")]
    norwegian = str.maketrans("æøå", "{|}")  # æ, ø, å after z
    assert titles == sorted(titles, key=lambda t: t.casefold().translate(norwegian))
    horizons = [
        next((n for n, h in enumerate(("kort", "middels", "lang")) if f"{h} sikt" in i.priority), 3)
        for i in sort_initiatives(inis, "priority")
    ]
    assert horizons == sorted(horizons) and horizons[0] == 0 and 2 in horizons
    owners = [i.responsible[0] for i in sort_initiatives(inis, "owner")]
    assert owners.index("Beitostølen utvikling") < owners.index("Innlandet fylkeskommune")
    assert owners.index("Innlandet fylkeskommune") < owners.index("Valdres næringshage")
