import time

import pytest

from assistant.answer_types import (
    AMOUNT,
    COUNT,
    PERIOD,
    answer_type,
    has_answer_of_type,
    typed_clause,
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("hvor mye penger er satt av til folkehelse?", AMOUNT),
        ("hva koster en bussbillett?", AMOUNT),
        ("hvor mye får jeg i stipend?", AMOUNT),
        ("hvor høy er eiendomsskatten?", AMOUNT),
        ("hvor lenge gjelder planen?", PERIOD),
        ("når ble handlingsprogrammet vedtatt?", PERIOD),
        ("hvor ofte blir planen revidert?", PERIOD),
        ("hvor mange kommuner er det i innlandet?", COUNT),
        ("hva gjør fylket for eldre?", None),
        # A clause after "og" or a verb of asking still asks.
        ("kan kommunen søke midler, og når er søknadsfristen?", PERIOD),
        ("jeg lurer på hvor mange som bor i innlandet", COUNT),
        ("jeg er 70. når kommer planen?", PERIOD),
        # Inside a yes/no question an interrogative asks for nothing.
        ("følger fylket med på hvor mange småbarn som går i barnehage?", None),
        ("er eldre tenkt på når kommunen snakker om fellesskap?", None),
    ],
)
def test_questions_get_their_answer_type(question, kind):
    assert answer_type(question) == kind


def test_the_typed_clause_is_the_one_that_asks():
    kind, clause = typed_clause("kan kommunen søke midler, og når er søknadsrunden?")
    assert (kind, clause) == (PERIOD, "når er søknadsrunden")
    # An apposition between commas does not end the clause.
    kind, clause = typed_clause("når ble handlingsprogrammet, 2023-versjonen, vedtatt?")
    assert clause == "når ble handlingsprogrammet, 2023-versjonen, vedtatt"
    assert typed_clause("hva gjør fylket for eldre?") == (None, "")


def test_texts_are_recognised_as_answers_of_a_type():
    assert has_answer_of_type(AMOUNT, "Det er bevilget 34 millioner for perioden")
    assert not has_answer_of_type(AMOUNT, "unge i alderen 12-26 år")
    assert has_answer_of_type(PERIOD, "Planen er 4-årig med perspektiv fram til 2030")
    assert has_answer_of_type(PERIOD, "Loven trådte i kraft 1. juli 2023.")
    assert not has_answer_of_type(PERIOD, "ungdom i aldersgruppen 16-19 år")
    assert has_answer_of_type(COUNT, "Innlandet har 46 kommuner")
    assert has_answer_of_type(COUNT, "To konferanser om rasisme er gjennomført.")
    assert has_answer_of_type(PERIOD, "Loven trådte i kraft sommeren 2023.")
    assert has_answer_of_type(PERIOD, "Dialogmøter 28.3. og 4.4. i Lena")
    assert has_answer_of_type(PERIOD, "Programmet fornyes hvert år.")
    assert not has_answer_of_type(PERIOD, "Andelen økte med 2.5 prosent.")
    assert not has_answer_of_type(None, "46 kommuner")


@pytest.mark.parametrize("kind", [AMOUNT, PERIOD, COUNT])
def test_long_digit_runs_are_searched_in_linear_time(kind):
    text = "1 2 3 4 " * 12_500  # 100,000 characters of digits and separators
    start = time.perf_counter()
    has_answer_of_type(kind, text)
    assert time.perf_counter() - start < 1.0
