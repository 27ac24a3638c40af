"""Answers read as answers: the best sentence first, whole sentences only, no sentence twice,
no headings, bullet lists or link lists, each sentence with its [n]."""

import re

import pytest

from assistant.answer import Source, compose, is_prose_sentence, without_run_in_heading
from assistant.glossary import Glossary
from assistant.query import analyse
from index.lexical import LexicalIndex
from index.lexicon import Lexicon
from index.norwegian import build_vocabulary

DEFINITION = (
    "Utenforskap kan få store følger. "
    "Utenforskap handler om at en person eller en gruppe står utenfor samfunnet, for eksempel "
    "ved at de ikke deltar i arbeidslivet."
)
OVERLAP = (
    "Utenforskap handler om at en person eller en gruppe står utenfor samfunnet, for eksempel "
    "ved at de ikke deltar i arbeidslivet. Fylket vil redusere utenforskap blant unge voksne."
)
SLIDE = "Hva vet vi? • Høyere andel uføre blant unge • Mange unge står utenfor arbeidslivet •"
LINKS = "Les mer om utenforskap (PDF, 2 MB) https://example.no/utenforskap.pdf Kunnskapsgrunnlag."
LONG = "Utenforskap i arbeidslivet " + "og i samfunnet for øvrig " * 30 + "er et problem."


@pytest.fixture(scope="module")
def lexical():
    texts = [DEFINITION, OVERLAP, SLIDE, LINKS, LONG]
    vocabulary = build_vocabulary(texts)
    return LexicalIndex.build(texts, vocabulary), Lexicon.from_texts(texts, vocabulary)


def query(lexical, question):
    return analyse(question, lexical[0], Glossary({}), lexical[1])


def sentences_of(answer: str) -> list[str]:
    return [s.strip() for s in re.split(r"\s*\[\d+\]\s*", answer) if s.strip()]


def test_the_defining_sentence_comes_first_with_its_source(lexical):
    sources = [Source(1, DEFINITION, 0), Source(2, OVERLAP, 1)]
    answer = compose(query(lexical, "Hva er utenforskap?"), sources, lexical[0], 3)
    assert answer.startswith("Utenforskap handler om at en person") and "[1]" in answer


def test_no_sentence_twice_and_every_sentence_cited(lexical):
    sources = [Source(1, DEFINITION, 0), Source(2, OVERLAP, 1)]
    answer = compose(query(lexical, "Hva er utenforskap?"), sources, lexical[0], 3)
    said = sentences_of(answer)
    assert len(said) == len(set(said))
    assert len(re.findall(r"\[\d+\]", answer)) == len(said) <= 3


def test_sentences_are_never_cut(lexical):
    sources = [Source(1, LONG, 0), Source(2, DEFINITION, 1)]
    answer = compose(query(lexical, "Hva er utenforskap i arbeidslivet?"), sources, lexical[0], 3)
    assert "…" not in answer
    for sentence in sentences_of(answer):
        assert sentence in LONG + " " + DEFINITION


def test_slides_and_link_lists_are_not_answer_sentences(lexical):
    sources = [Source(1, SLIDE, 0), Source(2, LINKS, 1), Source(3, DEFINITION, 2)]
    answer = compose(query(lexical, "Står unge utenfor arbeidslivet?"), sources, lexical[0], 3)
    assert "•" not in answer and "http" not in answer and "PDF" not in answer


def test_bullet_points_are_quoted_when_they_are_all_there_is(lexical):
    answer = compose(
        query(lexical, "Er det mange uføre blant unge?"), [Source(1, SLIDE, 0)], lexical[0], 3
    )
    assert answer.startswith("Planene nevner dette i stikkordsform:")
    assert "«Høyere andel uføre blant unge» [1]" in answer
    nn = compose(
        query(lexical, "Er det mange uføre blant unge?"),
        [Source(1, SLIDE, 0)],
        lexical[0],
        3,
        lang="nn",
    )
    assert nn.startswith("Planane nemner dette i stikkordsform:")


@pytest.mark.parametrize(
    ("sentence", "prose"),
    [
        ("Fylket vil redusere utenforskap blant unge voksne.", True),
        ("Hva vet vi", False),  # a heading
        ("Mobilitetsstrategi for Innlandet 2021-2030 (PDF, 9 MB) les mer.", False),
        ("• Lavt utdanningsnivå • For mange som dropper ut.", False),
        ("Foto: Ola Nordmann viser fram nye planer for byen.", False),
        (
            "Mer om den digitale infrastrukturen Kunnskapsgrunnlag: 1.3.2 Digitalt utenforskap.",
            False,
        ),
        ("Hamar Gjøvik Lillehammer Elverum Kongsvinger Tynset Otta.", False),
    ],
)
def test_what_reads_as_a_sentence(sentence, prose):
    assert is_prose_sentence(sentence) is prose


def test_a_heading_run_into_a_sentence_is_dropped():
    run_in = "Unge utenfor arbeid Å fullføre videregående er nøkkelen til jobb."
    assert without_run_in_heading(run_in) == "Å fullføre videregående er nøkkelen til jobb."
    plain = "Vi skal samarbeide med Østre Toten kommune om dette."
    assert without_run_in_heading(plain) == plain


def test_a_heading_line_leads_the_sentence_below_it(lexical):
    text = (
        "Inkludering i arbeidslivet\nUtenforskap handler om at en person står utenfor samfunnet."
        "\nArbeid for alle\nUtenforskap handler om at en person står utenfor samfunnet."
    )
    answer = compose(query(lexical, "Hva er utenforskap?"), [Source(1, text, 0)], lexical[0], 3)
    # The heading gives the sentence its topic; the same sentence under two headings is said once.
    assert sentences_of(answer) == [
        "Inkludering i arbeidslivet: Utenforskap handler om at en person står utenfor samfunnet."
    ]


def test_a_sentence_broken_by_a_line_is_read_whole(lexical):
    # A figure label inside a sentence: the lines are not sentences, so the PDF's run is kept.
    text = "Utenforskap i arbeidslivet er et problem\nFigur 2\nsom fylket vil redusere."
    answer = compose(query(lexical, "Hva er utenforskap?"), [Source(1, text, 0)], lexical[0], 3)
    assert sentences_of(answer) == [
        "Utenforskap i arbeidslivet er et problem Figur 2 som fylket vil redusere."
    ]
