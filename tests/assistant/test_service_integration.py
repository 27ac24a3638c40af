"""The spine end to end: real PDFs, real model, real FAISS and BM25."""

from __future__ import annotations

import json
import re

import pytest

from assistant.evaluation import evaluate, load_questions
from tests.conftest import SHARED

pytestmark = pytest.mark.integration

DEV = SHARED / "eval" / "dev-questions.jsonl"
DEV2 = SHARED / "eval" / "dev2-questions.jsonl"
NORQUAD = SHARED / "eval" / "norquad-dev" / "questions.jsonl"

# dev2's nynorsk and misspelt questions, with the same question in correct bokmål.
WRITTEN_DIFFERENTLY = {
    "d2-05": "Hva betyr folkehelse egentlig?",
    "d2-07": "Følger fylket med på hvor mange småbarn som faktisk går i barnehage?",
    "d2-13": "Kan jeg ta høyere utdanning uten å flytte fra bygda der jeg bor?",
    "d2-14": "Blir det mange nye jobber i helse nå som vi blir flere gamle?",
    "d2-15": "Hva er en lavinntektsfamilie?",
    "d2-24": "Gjelder universell utforming også apper og nettsider, ikke bare bygg?",
    "d2-26": "Hva med kultur?",
    "d2-31": "Hvem har hovedansvaret for satsingen på inkluderende oppvekstmiljø, og hvem er med?",
    "d2-40": "Jeg er bonde på fjellet og kjenner meg ganske ensom. Er det noen som tar tak i det?",
    "d2-44": "Jeg er nyvalgt i eldrerådet og kjenner meg litt bortkommen. Får vi noe opplæring?",
    "d2-46": "Kan vi få offentlig støtte til bredbånd og fiber på gården, eller må vi betale selv?",
    "d2-52": "Har barnevernet mye å gjøre i Østre Toten?",
    "d2-53": "Blir det færre barn og flere gamle i Østre Toten framover?",
}


def test_main_goal_question_is_answered_with_citations(real_assistant):
    result = real_assistant.ask("Hva er hovedmålet med planen for det inkluderende Innlandet?")
    assert result.found
    assert re.search(r"\[1\]", result.answer)
    first = result.citations[0]
    assert first.n == 1 and first.page >= 1 and first.document_title and first.section
    assert first.url.startswith(f"/dokumenter/{first.document_id}?passasje={first.passage_id}")
    assert first.pdf_url.endswith(f"#page={first.page}")
    # every [n] in the answer points at a listed citation
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", result.answer)}
    assert numbers <= {c.n for c in result.citations}


def test_citation_pages_are_where_the_text_is(real_assistant):
    """The page of a citation is the 1-based PDF page that really holds the passage text."""
    from pypdf import PdfReader

    from tests.conftest import PLANS

    result = real_assistant.ask("Hva er en deltidsinnbygger?")
    c = result.citations[0]
    meta, _ = real_assistant.document(c.document_id)
    reader = PdfReader(PLANS / meta["file_name"])
    page_text = " ".join((reader.pages[c.page - 1].extract_text() or "").split())
    words = c.text.split()[:6]
    assert " ".join(words)[:30].lower() in page_text.lower().replace("- ", "")


def test_unanswerable_question_is_refused_honestly(real_assistant):
    result = real_assistant.ask("Når har svømmehallen åpent i helgene?")
    assert not result.found
    assert result.answer.startswith("Jeg fant ikke noe om dette i planene.")


def _report(path, assistant):
    return evaluate(load_questions(path), lambda q: assistant.ask(q, k=10))


def test_dev_questions_reach_the_spine_targets(real_assistant):
    report = _report(DEV, real_assistant)
    summary = report.summary()
    print(json.dumps(summary), report.misses())
    assert summary["hit@5"] >= 0.95, report.misses()
    assert summary["mrr@10"] >= 0.85, report.misses()
    assert summary["refusal_accuracy"] >= 0.9, report.misses()
    assert summary["false_refusal_rate"] <= 0.05, report.misses()


def test_passages_are_short_enough_to_read(real_assistant):
    passages = real_assistant._state_now().loaded.passages
    assert max(len(p.text) for p in passages) <= 800


def test_reingest_of_unchanged_files_reuses_everything(real_settings, real_embedder):
    from assistant.pipeline import build_index

    report = build_index(real_settings, embedder=real_embedder)
    assert report.new_documents == [] and len(report.reused_documents) == 2
    # Every passage and sentence vector is reused.
    assert report.embedded == 0 and report.reused_vectors > report.passages


def test_questions_written_like_people_write_reach_their_targets(real_assistant):
    """dev2: personal situations, synonyms, nynorsk, typos, tricky unanswerable questions."""
    report = _report(DEV2, real_assistant)
    summary = report.summary()
    print(json.dumps(summary), report.misses())
    assert summary["hit@5"] >= 0.92, report.misses()
    assert summary["mrr@10"] >= 0.75, report.misses()
    assert summary["false_refusal_rate"] <= 0.08, report.misses()
    assert summary["refusal_accuracy"] >= 0.75, report.misses()


def test_nynorsk_and_misspelt_questions_do_as_well_as_bokmal(real_assistant):
    """Every nynorsk or misspelt dev2 question whose bokmål spelling is answered with the right
    passage among the first five is answered with it too."""
    from assistant.evaluation import first_hit

    questions = {q["id"]: q for q in load_questions(DEV2)}
    compared = 0
    for qid, bokmal in WRITTEN_DIFFERENTLY.items():
        gold = questions[qid]["gold"]
        right = real_assistant.ask(bokmal, k=10)
        rank = first_hit(right, gold)
        if not (right.found and rank and rank <= 5):
            continue
        compared += 1
        asked = real_assistant.ask(questions[qid]["question"], k=10)
        found_rank = first_hit(asked, gold)
        assert asked.found, questions[qid]["question"]
        assert found_rank and found_rank <= 5, (questions[qid]["question"], found_rank)
    assert compared >= 8


@pytest.mark.parametrize(
    "question",
    [
        "Jeg er 19 og droppet ut av videregående i fjor. Finnes det noe opplegg for sånne som meg?",
        "Jeg sitter i rullestol. Hva gjør fylket for at alle skal kunne delta?",
        "Mamma er 82 og vil bo hjemme så lenge som mulig. Tenker planen noe på boliger for eldre?",
    ],
)
def test_personal_framing_does_not_cause_a_refusal(real_assistant, question):
    assert real_assistant.ask(question).found


def test_questions_about_other_things_are_refused(real_assistant):
    """NorQuAD questions (news and Wikipedia) asked of the plans: off-topic, to be refused."""
    questions = load_questions(NORQUAD)[::17]  # about 100, spread over the articles
    report = evaluate(questions, lambda q: real_assistant.ask(q, k=10), off_topic=True)
    assert report.refusal_accuracy >= 0.9, report.misses()


def test_nynorsk_refusal_is_in_nynorsk(real_assistant):
    result = real_assistant.ask("Når har symjehallen ope i helgane?", lang="nn")
    assert not result.found and result.answer.startswith("Eg fann ikkje noko om dette")
