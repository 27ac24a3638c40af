"""Follow-up questions through POST /api/ask, on the real server, model and index."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.integration

# (first question, follow-up, what the follow-up's first citation must be): an initiative id,
# or ("passage", explicit question, text) — the same first passage as the explicit question
# gives, and one that says so. Initiatives and themes; bokmål and nynorsk; "det", "de", "hvem"/
# "kven", "hvor mye"/"kor mykje", "og for …", questions without an object.
PAIRS = [
    ("Hva er K4?", "Hvem har ansvaret for det?", "K4", "Innlandet fylkeskommune"),
    ("Kva er K6?", "Kven er med i det?", "K6", "Samarbeidspartnarar i K6"),
    ("Hva er L5?", "Hvilke samarbeidspartnere har de?", "L5", "forskningsinstitusjoner"),
    ("Hva er K2?", "Hvem har ansvaret?", "K2", "Ansvarlig for K2"),
    ("Kva er ein trainee?", "Kven har ansvaret for det?", "K8", "Valdres næringshage"),
    ("Hva er K4?", "Og hvem er med?", "K4", "frivillige organisasjoner"),
    (
        "Hva gjør fylket for unge som står utenfor arbeidslivet?",
        "Og for innvandrere?",
        "K6",  # Kvalifiseringsplan for innvandrere
        "innvandrere",
    ),
    (
        "Kva gjer fylket for frivilligheita?",
        "Og for eldre?",
        ("passage", "Kva gjer fylket for eldre?", "eldre"),
        None,
    ),
    (
        "Hva sier planen om folkehelse for barn og unge?",
        "Hvor mye penger er satt av til det?",
        ("passage", "Hvor mye penger er satt av til folkehelse for barn og unge?", "34 millioner"),
        "34 millioner",
    ),
    (
        "Kva seier planen om folkehelse for barn og unge?",
        "Kor mykje pengar er sett av til det?",
        ("passage", "Kor mykje pengar er sett av til folkehelse for barn og unge?", "34 millioner"),
        "34 millioner",
    ),
]


def ask(live_server: str, question: str, history=None, **extra) -> dict:
    body = {"question": question, **extra}
    if history is not None:
        body["history"] = history
    response = httpx.post(f"{live_server}/api/ask", json=body, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def turn(result: dict) -> dict:
    """The history entry a client keeps for an answer: its question and cited passages."""
    cited = [c["passage_id"] for c in result["citations"]] if result["found"] else []
    return {"question": result["question"], "citations": cited}


@pytest.mark.parametrize(("first", "follow_up", "expected", "said"), PAIRS)
def test_a_follow_up_cites_what_the_conversation_was_about(
    live_server, first, follow_up, expected, said
):
    earlier = ask(live_server, first)
    assert earlier["found"]
    result = ask(live_server, follow_up, [turn(earlier)])
    assert result["found"] and result["interpreted_as"], result
    top = result["citations"][0]
    if isinstance(expected, str):
        assert top["initiative"] == expected
    else:
        _, explicit, text = expected
        assert top["passage_id"] == ask(live_server, explicit)["citations"][0]["passage_id"]
        assert text in top["text"].lower()
    if said:
        assert said in result["answer"]
    # Alone, the same follow-up does not claim to know.
    alone = ask(live_server, follow_up)
    assert not alone["found"] and alone["interpreted_as"] is None


def test_a_follow_up_alone_gets_a_short_question_back_in_the_readers_language(live_server):
    nb = ask(live_server, "Hvem har ansvaret for det?")
    assert nb["clarifying"] and nb["citations"] == []
    assert nb["answer"].startswith("Hva viser «det» til?")
    nn = ask(live_server, "Kven har ansvaret for det?")
    assert nn["answer"].startswith("Kva viser «det» til?")
    assert ask(live_server, "Hvem har ansvaret for det?", lang="nn")["answer"].startswith("Kva ")
    assert ask(live_server, "Og for eldre?")["answer"].startswith("Hva vil du vite om «for eldre»")


def test_an_unrelated_question_after_a_turn_is_refused(live_server):
    earlier = ask(live_server, "Hva er K4?")
    result = ask(live_server, "Hvem vant fotball-VM i 2022?", [turn(earlier)])
    assert not result["found"] and result["interpreted_as"] is None
    assert result["answer"] == "Jeg fant ikke noe om dette i planene."
    assert ask(live_server, "Hvem vant fotball-VM i 2022?", lang="nn")["answer"] == (
        "Eg fann ikkje noko om dette i planane."
    )


@pytest.mark.parametrize(
    "question",
    [
        "Hva er en deltidsinnbygger?",
        "Hvem har ansvaret for satsingen på et mangfoldig og likestilt arbeidsliv?",
        "Kva er L1?",
    ],
)
def test_a_self_contained_question_after_a_turn_is_answered_as_without_history(
    live_server, question
):
    earlier = ask(live_server, "Hva er K4?")
    follow = ask(live_server, "Hvem har ansvaret for det?", [turn(earlier)])
    alone = ask(live_server, question)
    after = ask(live_server, question, [turn(earlier), turn(follow)])
    assert after["interpreted_as"] is None
    assert after["citations"][0]["passage_id"] == alone["citations"][0]["passage_id"]
    assert after["answer"] == alone["answer"]


def test_a_chain_of_follow_ups_keeps_to_the_initiative(live_server):
    # Two initiatives have the number L9; the turn cited ESIRA's passage.
    esira = next(c for c in ask(live_server, "Hva er L9?")["citations"] if "ESIRA" in c["section"])
    history = [{"question": "Hva er L9?", "citations": [esira["passage_id"]]}]
    for question, field in [
        ("Hvem har ansvaret for det?", "Østlandskforskning"),
        ("Og hvem er med?", "målgrupper"),
        ("Er det satt i gang?", "januar 2024"),
    ]:
        result = ask(live_server, question, history)
        assert "ESIRA" in result["interpreted_as"] and field in result["answer"], result
        assert "Tett på 2030" not in result["answer"]
        history.append(turn(result))
    result = ask(live_server, "Kva med K5?", history)  # the latest question, about K5
    assert result["interpreted_as"] == "Er K5 satt i gang?"
    assert (
        result["citations"][0]["initiative"] == "K5" and "Prioriteringa for K5" in result["answer"]
    )


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ([{"question": "Hva er K4?"}] * 11, "høyst 10 tidligere spørsmål"),
        ([{"question": ""}], "question (1–500 tegn)"),
        ([{"question": "x" * 501}], "question (1–500 tegn)"),
        ([{"question": "Hva er K4?", "citations": ["p"] * 11}], "høyst 10 passage_id-er"),
        ([{"question": "Hva er K4?", "citations": ["p" * 201]}], "hver høyst 200 tegn"),
        ("Hva er K4?", "history må være en liste"),
    ],
)
def test_history_is_bounded_with_norwegian_messages(live_server, history, message):
    response = httpx.post(
        f"{live_server}/api/ask", json={"question": "Hvem har ansvaret?", "history": history}
    )
    assert response.status_code == 422 and message in response.json()["detail"]
    bad_lang = httpx.post(f"{live_server}/api/ask", json={"question": "Hva er K4?", "lang": "se"})
    assert bad_lang.status_code == 422
    assert bad_lang.json()["detail"] == "lang må være nb (bokmål) eller nn (nynorsk)."


def test_unknown_passage_ids_in_history_are_harmless(live_server):
    history = [{"question": "Hva er K4?", "citations": ["finnes-ikke", "../../etc/passwd"]}]
    result = ask(live_server, "Hvem har ansvaret for det?", history)
    assert result["found"] and result["citations"][0]["initiative"] == "K4"
