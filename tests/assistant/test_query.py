"""The question analysed once: nynorsk folded, misspellings corrected, the question sentence
found, the answer type and the defined term read."""

import pytest

from assistant.glossary import Glossary
from assistant.query import analyse, question_sentences
from index.lexical import LexicalIndex
from index.lexicon import Lexicon
from index.norwegian import build_vocabulary

TEXTS = [
    "Utenforskap handler om at en person står utenfor samfunnet.",
    "Fylket vil gi flere unge utdanning og arbeid.",
    "Universell utforming gjelder bygg, apper og nettsider.",
    "Eldre skal kunne bo hjemme lenger med gode tjenester.",
    "Bredbånd og fiber skal bygges ut i distriktene.",
]


@pytest.fixture(scope="module")
def index():
    vocabulary = build_vocabulary(TEXTS)
    lexical = LexicalIndex.build(TEXTS, vocabulary)
    return lexical, Lexicon.from_texts(TEXTS, vocabulary)


def ask(index, question, glossary=None, off=frozenset()):
    lexical, lexicon = index
    return analyse(question, lexical, glossary or Glossary({}), lexicon, off)


def test_nynorsk_questions_are_searched_in_bokmal_and_recognised(index):
    q = ask(index, "Kva tenester får eldre som vil bu heime?")
    assert q.language == "nn"
    assert "hva" in q.searched and "tjenester" in q.searched and "hjemme" in q.searched
    assert ask(index, "Hva får eldre?").language == "nb"


def test_a_misspelt_word_is_corrected_and_shown(index):
    q = ask(index, "Hva gjør fylket for utdaning og universell utfroming?")
    assert q.corrections == {"utdaning": "utdanning", "utfroming": "utforming"}
    assert "utdanning" in q.searched and {"utdanning", "utforming"} <= set(q.also_searched)
    # The model reads both the question as asked and the corrected one.
    assert q.dense_texts == [q.text, q.searched]


def test_spelling_and_nynorsk_rules_can_be_switched_off(index):
    q = ask(index, "Hva med utdaning?", off=frozenset({"spelling"}))
    assert q.corrections == {} and q.dense_texts == [q.text]


def test_personal_framing_is_not_the_question(index):
    q = ask(index, "Jeg er 19 og har droppet ut av skolen. Finnes det utdanning for sånne som meg?")
    assert q.focus == "Finnes det utdanning for sånne som meg?"
    assert {t.word for t in q.focus_terms} == {"utdanning", "sånne"}
    assert question_sentences("Hva er utenforskap") == "Hva er utenforskap"


def test_answer_type_and_defined_term_are_read_once(index):
    assert ask(index, "Hva menes med utenforskap?").answer_type == "definition"
    assert ask(index, "Hva menes med utenforskap?").defined == ["utenforskap"]
    assert ask(index, "Kor mykje kostar bredbånd?").answer_type == "amount"
    assert ask(index, "Hvor mange eldre bor hjemme?").answer_type == "count"
    assert ask(index, "Hva gjør fylket for eldre?").answer_type is None


def test_glossary_words_are_searched_with_less_weight(index):
    g = Glossary.from_toml('[terms]\n"jobb" = ["arbeid"]\n')
    q = ask(index, "Hvordan får unge jobb?", glossary=g)
    assert q.expansions == ["arbeid"]
    assert q.bm25_weights["arbeid"] < q.bm25_weights["ung"]
