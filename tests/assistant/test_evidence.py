"""The refusal decision's inputs and the fitted model."""

import json

import pytest

from assistant.evidence import (
    LEXICAL_ONLY,
    MODEL_FILE,
    Evidence,
    coverage,
    load_refusal_model,
    refusal_model_for,
    unknown_share,
)
from assistant.glossary import Glossary
from assistant.query import analyse
from index.lexical import LexicalIndex
from index.norwegian import build_vocabulary

TEXTS = ["Fylket gir tilskudd til boliger i distriktene.", "Kollektivtransport og buss i byene."]


@pytest.fixture(scope="module")
def lexical():
    return LexicalIndex.build(TEXTS, build_vocabulary(TEXTS))


def terms(lexical, question):
    return analyse(question, lexical, Glossary({})).terms


def test_coverage_weighs_rare_words_and_counts_compound_parts(lexical):
    q = terms(lexical, "Tilskudd til boligbygging i distriktene?")
    passage = set(lexical.query_terms(TEXTS[0]))
    assert coverage(q, passage) > coverage(q, set(lexical.query_terms(TEXTS[1])))
    assert coverage([], passage) == 0.0


def test_words_the_index_never_saw_are_unknown(lexical):
    q = terms(lexical, "Hva koster en byggetillatelse for garasje?")
    assert unknown_share(q, lexical) > 0.5
    assert unknown_share(terms(lexical, "Tilskudd til boliger?"), lexical) == 0.0


def test_the_fitted_model_prefers_close_covered_questions():
    model = load_refusal_model()
    on_topic = Evidence(0.90, 0.90, 1.0, 0.0, 0.0)
    off_topic = Evidence(0.80, 0.80, 0.1, 0.8, 1.0)
    assert model.score(on_topic) > 0 > model.score(off_topic)
    assert 0 < model.probability(off_topic) < 0.5 < model.probability(on_topic) < 1
    data = json.loads(MODEL_FILE.read_text("utf-8"))
    assert set(data["features"]) <= set(Evidence.__dataclass_fields__)


def test_another_embedding_model_falls_back_to_the_question_words(caplog):
    assert refusal_model_for(load_refusal_model().model) is load_refusal_model()
    fallback = refusal_model_for("some-other-model")
    assert fallback is LEXICAL_ONLY and "not some-other-model" in caplog.text
    assert fallback.score(Evidence(0, 0, 0.6, 0, 0)) > 0 > fallback.score(Evidence(1, 1, 0.4, 0, 0))


def gather(lexical, question, sentences):
    query = analyse(question, lexical, Glossary({}))
    found = [(s, set(lexical.query_terms(s))) for s in sentences]
    return Evidence.gather(query, 0.9, 0.9, [t for _s, t in found], found, lexical)


def test_a_typed_question_wants_its_value_next_to_the_words_of_the_clause_that_asks(lexical):
    dated = "Tilskudd til boliger i distriktene kan søkes innen 2025."
    undated = "Fylket gir tilskudd til boliger i distriktene."
    # "…, og når …?": the date must be next to the words of the clause that asks for it.
    asked = "Gir fylket tilskudd til boliger, og når kan man søke?"
    assert gather(lexical, asked, [dated]).typed_missing == 0
    asked = "Gir fylket tilskudd til boliger, og når er fristen?"
    assert gather(lexical, asked, [dated]).typed_missing == 1
    assert gather(lexical, "Når kan man søke tilskudd til boliger?", [dated]).typed_missing == 0
    assert gather(lexical, "Når kan man søke tilskudd til boliger?", [undated]).typed_missing == 1
    # A yes/no question with "når" inside wants no date.
    asked = "Er distriktene tenkt på når fylket gir tilskudd til boliger?"
    assert gather(lexical, asked, [undated]).typed_missing == 0
