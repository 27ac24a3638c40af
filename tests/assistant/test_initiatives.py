"""Initiative filters and initiative questions, on the initiatives of the real sample plan."""

from __future__ import annotations

import json

import pytest

from assistant.initiatives import (
    compose_initiative_answer,
    filter_initiatives,
    linking_to,
    match_initiative_question,
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


def test_partner_filter_matches_by_substring_case_insensitively(inis):
    found = filter_initiatives(inis, partner="nav")
    expected = [i for i in inis if any("nav" in p.lower() for p in i.partners)]
    assert found == expected and len(found) >= 5
    assert any(p != "NAV" for i in found for p in i.partners if "NAV" in p)  # "NAV Innlandet"


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


def test_ordinary_questions_are_not_captured(inis):
    ordinary = ["Hva er hovedmålet med planen?", "Hva er en trainee?"]
    dev = SHARED / "eval" / "dev-questions.jsonl"
    if dev.exists():
        ordinary += [json.loads(line)["question"] for line in dev.read_text("utf-8").splitlines()]
    captured = [q for q in ordinary if match_initiative_question(q, inis)]
    assert captured == [], captured
