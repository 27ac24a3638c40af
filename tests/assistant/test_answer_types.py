import time

import pytest

from assistant.answer_types import AMOUNT, COUNT, PERIOD, answer_type, has_answer_of_type


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
    ],
)
def test_questions_get_their_answer_type(question, kind):
    assert answer_type(question) == kind


def test_texts_are_recognised_as_answers_of_a_type():
    assert has_answer_of_type(AMOUNT, "Det er bevilget 34 millioner for perioden")
    assert not has_answer_of_type(AMOUNT, "unge i alderen 12-26 år")
    assert has_answer_of_type(PERIOD, "Planen er 4-årig med perspektiv fram til 2030")
    assert has_answer_of_type(PERIOD, "Loven trådte i kraft 1. juli 2023.")
    assert not has_answer_of_type(PERIOD, "ungdom i aldersgruppen 16-19 år")
    assert has_answer_of_type(COUNT, "Innlandet har 46 kommuner")
    assert not has_answer_of_type(None, "46 kommuner")


@pytest.mark.parametrize("kind", [AMOUNT, PERIOD, COUNT])
def test_long_digit_runs_are_searched_in_linear_time(kind):
    text = "1 2 3 4 " * 12_500  # 100,000 characters of digits and separators
    start = time.perf_counter()
    has_answer_of_type(kind, text)
    assert time.perf_counter() - start < 1.0
