"""Follow-up questions: how a question relates to the conversation, and how it is rewritten."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from assistant.conversation import (
    HISTORY_BUDGET,
    MAX_TURNS,
    PAGE_CITATIONS,
    Turn,
    fit,
    form_fields,
    page_history,
    read,
    resolve,
    subject_of,
)
from assistant.messages import MESSAGES
from tests.conftest import SHARED

# Initiatives as the index would give them: (key, id, title) by the passage a turn cited.
INITIATIVES = {
    "p-k4": ("k4-sikre-digital-kompetanse", "K4", "Sikre digital kompetanse"),
    "p-k5": ("k5-kompetanseprogram", "K5", "Kompetanseprogram om mangfold og integrering"),
}


def initiative_of(text: str, citations) -> tuple[str, str, str] | None:
    for ini in INITIATIVES.values():
        if ini[1] in text.split() or f"{ini[1]}?" in text:
            return ini
    return INITIATIVES.get(citations[0]) if citations else None


@pytest.mark.parametrize(
    ("question", "kind", "word"),
    [
        ("Hvem har ansvaret for det?", "reference", "det"),
        ("Kven har ansvaret for det?", "reference", "det"),
        ("Kor mykje kostar det?", "reference", "det"),
        ("Hvilke samarbeidspartnere har de?", "reference", "de"),
        ("Kva gjer dei?", "reference", "dei"),
        ("Hvor mye koster dette tiltaket?", "reference", "dette tiltaket"),
        ("Hvem har ansvaret for satsinga?", "reference", "satsinga"),
        ("Hva gjør fylket med det?", "reference", "det"),
        ("Og hva koster det?", "reference", "det"),
        ("Hvem har ansvaret?", "bare", ""),
        ("Kven er med?", "bare", ""),
        ("Hva er målet?", "bare", ""),
        ("Og for eldre?", "continuation", ""),
        ("og i Østre Toten?", "continuation", ""),
        ("Og innvandrere?", "continuation", ""),
        ("Kva med kultur?", "topic", ""),
        ("Hva så med K5?", "topic", ""),
        # A subject of their own: never a follow-up, whatever pronouns they have.
        ("Hvor mange deltidsinnbyggere er det?", "standalone", ""),
        ("Hva er de sju prinsippene for universell utforming?", "standalone", ""),
        ("Hvor lenge gjelder planen?", "standalone", ""),
        ("Hvilke tiltak er viktigst?", "standalone", ""),
        ("Eller er det bare klima og miljø?", "standalone", ""),
        ("Og hvem har ansvaret for K4?", "standalone", ""),
        ("Hvem vant fotball-VM i 2022?", "standalone", ""),
        ("Jeg er bonde og kjenner meg einsam. Er det nokon som tek tak i det?", "standalone", ""),
    ],
)
def test_how_a_question_relates_to_the_conversation(question, kind, word):
    reading = read(question)
    assert reading.kind == kind
    if word:
        assert question[reading.span[0] : reading.span[1]] == word


def _eval_questions(name: str) -> list[str]:
    path = SHARED / "eval" / name
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return [json.loads(line)["question"] for line in path.read_text("utf-8").splitlines()]


@pytest.mark.parametrize(
    "name", ["dev-questions.jsonl", "dev2-questions.jsonl", "norquad-dev/questions.jsonl"]
)
def test_questions_written_to_stand_alone_are_not_changed(name):
    """Evaluation questions (plan questions and 1,674 NorQuAD questions) stand alone: without
    history none is rewritten or answered with a question back."""
    changed = [
        q
        for q in _eval_questions(name)
        if (r := resolve(q)).clarify or r.question != " ".join(q.split())
    ]
    assert changed == []


def test_a_pronoun_stands_for_the_initiative_of_the_turn_before():
    history = [Turn("Hva er K4?", ("p-k4",))]
    r = resolve("Hvem har ansvaret for det?", history, initiative_of)
    assert r.interpreted_as == "Hvem har ansvaret for K4 Sikre digital kompetanse?"
    assert r.question == r.interpreted_as
    assert r.subject.initiative_key == "k4-sikre-digital-kompetanse"


def test_the_initiative_may_come_from_the_first_cited_passage():
    history = [Turn("Hva gjør fylket for digital kompetanse?", ("p-k4", "p-k5"))]
    r = resolve("Når starter det?", history, initiative_of)
    assert r.interpreted_as == "Når starter K4 Sikre digital kompetanse?"


def test_without_an_initiative_the_subject_words_stand_in():
    history = [Turn("Hva sier planen om folkehelse for barn og unge?", ("p-other",))]
    r = resolve("Hvor mye penger er satt av til det?", history, initiative_of)
    assert r.interpreted_as == "Hvor mye penger er satt av til folkehelse for barn og unge?"
    definition = [Turn("Hva er en deltidsinnbygger?")]
    assert resolve("Hva betyr det?", definition).interpreted_as == "Hva betyr deltidsinnbygger?"


def test_a_question_without_an_object_gets_the_subject_in_front():
    history = [Turn("Hva er K4?", ("p-k4",))]
    assert (
        resolve("Og hvem er med?", history, initiative_of).interpreted_as
        == "Om K4 Sikre digital kompetanse: hvem er med?"
    )


@pytest.mark.parametrize(
    ("earlier", "follow_up", "expected"),
    [
        # The same preposition: the earlier question from there on is replaced.
        (
            "Hva gjør fylket for unge som står utenfor arbeidslivet?",
            "Og for innvandrere?",
            "Hva gjør fylket for innvandrere?",
        ),
        (
            "Hvilke nasjonale minoriteter bor i Innlandet?",
            "Men i Østre Toten?",
            "Hvilke nasjonale minoriteter bor i Østre Toten?",
        ),
        # Otherwise the subject is replaced.
        ("Kva gjer fylket for eldre?", "Kva med kultur?", "Kva gjer fylket for kultur?"),
        ("Hva er K4?", "Hva med K5?", "Hva er K5?"),
        ("Hva er en deltidsinnbygger?", "Og en trainee?", "Hva er en trainee?"),
    ],
)
def test_a_continuation_takes_the_earlier_question_with_a_new_subject(earlier, follow_up, expected):
    citations = ("p-k4",) if "K4" in earlier else ()
    r = resolve(follow_up, [Turn(earlier, citations)], initiative_of)
    assert r.interpreted_as == expected


def test_earlier_follow_ups_are_resolved_in_order():
    history = [
        Turn("Hva er K4?", ("p-k4",)),
        Turn("Hvem har ansvaret for det?", ("p-k4",)),
        Turn("Hvem vant fotball-VM i 2022?"),  # refused: no citations, its words are its subject
    ]
    r = resolve("Hva med K5?", history[:2], initiative_of)
    assert r.interpreted_as == "Hvem har ansvaret for K5?"
    assert "fotball-VM" in resolve("Hva koster det?", history, initiative_of).interpreted_as


def test_a_turn_with_nothing_to_refer_to_is_skipped_for_an_earlier_one():
    history = [Turn("Hva er K4?", ("p-k4",)), Turn("Kven er med i det?"), Turn("Hva gjør fylket?")]
    r = resolve("Hvem har ansvaret for det?", history, initiative_of)
    assert "K4 Sikre digital kompetanse" in r.interpreted_as


def test_a_question_with_its_own_subject_is_not_changed_by_history():
    history = [Turn("Hva er K4?", ("p-k4",))]
    for question in ["Hva er en deltidsinnbygger?", "Hvem vant fotball-VM i 2022?"]:
        r = resolve(question, history, initiative_of)
        assert (r.question, r.interpreted_as, r.clarify) == (question, None, None)


@pytest.mark.parametrize(
    ("question", "key", "values"),
    [
        ("Hvem har ansvaret for det?", "clarify_reference", {"word": "det"}),
        ("Kor mykje kostar dette tiltaket?", "clarify_reference", {"word": "dette tiltaket"}),
        ("Hvem har ansvaret?", "clarify_bare", {}),
        ("Og for eldre?", "clarify_ellipsis", {"phrase": "for eldre"}),
    ],
)
def test_a_follow_up_with_nothing_before_it_gets_a_question_back(question, key, values):
    r = resolve(question)
    assert (r.clarify, dict(r.values), r.interpreted_as) == (key, values, None)
    # "Hva med kultur?" and "Hva er målet?" read as questions of their own instead.
    assert resolve("Hva med kultur?").clarify is None
    assert resolve("Hva er målet?").clarify is None


def test_the_subject_of_a_question_sentence():
    s = subject_of("Jeg er 45. Hva gjør fylket for folk som vil bytte yrke?")
    assert (s.phrase, s.question) == (
        "folk som vil bytte yrke",
        "Hva gjør fylket for folk som vil bytte yrke?",
    )
    s = subject_of("Hvem har ansvaret for K4 Sikre digital kompetanse?", INITIATIVES["p-k4"])
    assert s.question[s.span[0] : s.span[1]] == "K4 Sikre digital kompetanse"
    assert subject_of("Hva gjør fylket?") is None


def test_a_page_carries_at_most_ten_turns_within_the_byte_budget():
    turns = [Turn(f"Spørsmål nummer {i}?", ("a-1", "b-2")) for i in range(15)]
    kept = fit(turns)
    assert kept == turns[-MAX_TURNS:]
    long = [Turn("æøå " * 120, ("p-" + "x" * 60,) * PAGE_CITATIONS) for _ in range(10)]
    kept = fit(long)
    assert 1 <= len(kept) < len(long) and kept[-1] is long[-1]
    assert len(urlencode(form_fields(kept))) <= HISTORY_BUDGET
    # The latest turn is kept even when it alone is over the budget.
    assert fit([Turn("x" * 5000)]) == [Turn("x" * 5000)]


def test_a_pages_hidden_fields_are_read_leniently():
    questions = ["Hva er K4?", "  ", "x" * 501, "Hvem har ansvaret for det?"]
    citations = ["p-k4 q-1 r-2 s-3", "", "", "<script> p-ok"]
    turns = page_history(questions, citations, max_chars=500)
    assert turns == [
        Turn("Hva er K4?", ("p-k4", "q-1", "r-2")),  # at most PAGE_CITATIONS ids a turn
        Turn("Hvem har ansvaret for det?", ("p-ok",)),  # not a passage id: left out
    ]
    assert page_history(["Hva er K4?"], [], 500) == [Turn("Hva er K4?")]
    fields = form_fields(turns)
    assert fields[:2] == [("tidligere", "Hva er K4?"), ("kilder", "p-k4 q-1 r-2")]


def test_the_assistants_words_exist_in_bokmal_and_nynorsk():
    assert MESSAGES["nb"].keys() == MESSAGES["nn"].keys()
    assert all(text.strip() for lang in MESSAGES.values() for text in lang.values())
    assert MESSAGES["nn"]["clarify_reference"].startswith("Kva viser «{word}» til?")
    assert MESSAGES["nb"]["clarify_reference"].startswith("Hva viser «{word}» til?")
