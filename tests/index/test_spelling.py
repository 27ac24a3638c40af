import pytest

from index.spelling import SpellingCorrector

COUNTS = {
    "utdanning": 40,
    "utforming": 12,
    "bredbånd": 5,
    "innvandrere": 9,
    "folkehelse": 20,
    "bolig": 15,
    "boliger": 7,
    "skole": 30,
    "tjenester": 25,
}


@pytest.fixture(scope="module")
def corrector():
    return SpellingCorrector(COUNTS, is_compound=lambda w: w in {"skolebussen"})


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("utdaning", "utdanning"),  # a letter missing
        ("bredbånnd", "bredbånd"),  # a letter too many
        ("utfroming", "utforming"),  # two letters swapped count once
        ("innvandere", "innvandrere"),
        ("folkhelse", "folkehelse"),
        ("tenester", "tjenester"),  # nynorsk spelling of a word the index knows
    ],
)
def test_misspelt_words_become_words_the_index_knows(corrector, typed, meant):
    assert corrector.correct(typed) == meant


@pytest.mark.parametrize("word", ["utdanning", "gamle", "game", "skole", "hus", "2024", "x-y"])
def test_known_real_short_and_non_words_are_left_alone(corrector, word):
    assert corrector.correct(word) is None


def test_a_compound_of_known_words_is_not_forced_onto_another_word(corrector):
    assert corrector.correct("skolebussen") is None


def test_common_norwegian_words_are_the_fallback(corrector):
    # "gamle" is not in the index, but it is a common word one edit away.
    assert corrector.correct("gammle") == "gamle"


def test_the_more_frequent_word_wins_a_tie():
    c = SpellingCorrector({"bolig": 50, "bolag": 1})
    assert c.correct("bolxg") == "bolig"
