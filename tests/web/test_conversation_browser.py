"""A conversation in real Chromium: Enter sends, follow-ups with and without JavaScript, axe."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.web.test_browser import AXE_OPTIONS

pytestmark = pytest.mark.browser

QUESTIONS = {
    "nb": ("Hva er K4?", "Hvem har ansvaret for det?", "Tolket som"),
    "nn": ("Kva er K4?", "Kven har ansvaret for det?", "Tolka som"),
}
K4_OWNER = "Innlandet fylkeskommune"


def _wait_for_focus_on(page, selector: str) -> None:
    # Poll from Python: wait_for_function would eval() in the page, which our CSP forbids.
    for _ in range(300):
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"focus never reached {selector}")


def _send_with_enter(page, question: str, turn: int) -> None:
    field = page.locator("#sporsmal")
    field.focus()
    page.keyboard.type(question)
    page.keyboard.press("Enter")
    page.locator("article.turn").nth(turn - 1).wait_for()
    _wait_for_focus_on(page, f"article.turn:nth-of-type({turn}) .answer-heading")


def _two_turns_with_javascript(page, live_server: str, lang: str) -> None:
    first, follow_up, _ = QUESTIONS[lang]
    page.goto(f"{live_server}/?lang={lang}")
    _send_with_enter(page, first, 1)
    _send_with_enter(page, follow_up, 2)


def test_enter_sends_and_a_follow_up_names_the_owner_of_k4(page, live_server):
    _two_turns_with_javascript(page, live_server, "nb")
    turns = page.locator("article.turn")
    assert turns.count() == 2
    second = turns.nth(1)
    assert K4_OWNER in second.locator(".answer").inner_text()
    interpreted = second.locator(".interpreted").inner_text()
    assert interpreted == "Tolket som: Hvem har ansvaret for K4 Sikre digital kompetanse?"
    assert second.locator("a.source-link").first.get_attribute("href").count("passasje=") == 1
    assert page.locator("#sporsmal").input_value() == ""
    assert page.locator("#status").inner_text() == "Svar klart"
    # The hint says Enter sends; the address is the shareable answer with the turn before it.
    assert page.locator("#sporsmal-taster").is_visible()
    assert "sporsmal-taster" in page.locator("#sporsmal").get_attribute("aria-describedby")
    params = parse_qs(urlsplit(page.url).query)
    assert params["q"] == ["Hvem har ansvaret for det?"] and params["tidligere"] == ["Hva er K4?"]
    # The form carries both turns for the next question.
    carried = page.locator("#samtale-felt input[name='tidligere']")
    assert carried.evaluate_all("els => els.map(e => e.value)") == [
        "Hva er K4?",
        "Hvem har ansvaret for det?",
    ]
    # The shared address shows the same answer without JavaScript's help.
    page.goto(page.url)
    assert K4_OWNER in page.locator("article.turn .answer").inner_text()
    assert page.locator(".earlier-turn q").inner_text() == "Hva er K4?"


def test_shift_enter_makes_a_new_line_and_sends_nothing(page, live_server):
    page.goto(live_server + "/")
    page.locator("#sporsmal").focus()
    page.keyboard.type("Hva er K4?")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("Og K5?")
    page.wait_for_timeout(500)
    assert page.locator("#sporsmal").input_value() == "Hva er K4?\nOg K5?"
    assert page.locator("article.turn").count() == 0
    assert page.locator("#status").inner_text() == ""


def test_a_failed_send_keeps_the_question_in_the_field(page, live_server):
    page.goto(live_server + "/")
    page.route("**/svar?*", lambda route: route.abort())
    page.locator("#sporsmal").focus()
    page.keyboard.type("Hva er K4?")
    page.keyboard.press("Enter")
    page.locator("#sporsmal-feil").wait_for()
    assert page.locator("#sporsmal").input_value() == "Hva er K4?"
    assert page.evaluate("document.activeElement.id") == "sporsmal"
    assert "Teksten står fortsatt i feltet" in page.locator("#status").inner_text()
    assert page.locator("#sporsmal").get_attribute("aria-invalid") == "true"
    assert "sporsmal-feil" in page.locator("#sporsmal").get_attribute("aria-describedby")
    assert page.url.rstrip("/") == live_server  # no page load
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert violations == [], violations
    # Sending again once the connection is back works, and the error goes.
    page.unroute("**/svar?*")
    page.keyboard.press("Enter")
    page.locator("article.turn").first.wait_for()
    assert page.locator("#sporsmal-feil").count() == 0
    assert page.locator("#sporsmal").get_attribute("aria-invalid") is None


def test_without_javascript_a_follow_up_is_understood_on_the_answer_page(nojs_page, live_server):
    page = nojs_page
    page.goto(live_server + "/")
    page.get_by_label("Ditt spørsmål").fill("Hva er K4?")
    page.get_by_role("button", name="Spør").click()
    page.wait_for_url("**/?*q=*")
    page.get_by_label("Ditt spørsmål").fill("Hvem har ansvaret for det?")
    page.get_by_role("button", name="Spør").click()
    page.wait_for_url("**/?*tidligere=*")
    answer = page.locator("article.turn")
    assert answer.count() == 1 and K4_OWNER in answer.locator(".answer").inner_text()
    assert "Tolket som: Hvem har ansvaret for K4" in answer.locator(".interpreted").inner_text()
    # The earlier turn is shown above the new one, with its source and its own answer page.
    earlier = page.locator(".earlier-turn")
    assert earlier.count() == 1 and earlier.locator("q").inner_text() == "Hva er K4?"
    assert "passasje=" in earlier.locator("a").first.get_attribute("href")
    assert page.locator("h2").first.inner_text() == "Tidligere i samtalen"
    # A third question carries both turns.
    page.get_by_label("Ditt spørsmål").fill("Og hvem er med?")
    page.get_by_role("button", name="Spør").click()
    page.wait_for_url("**/?*Og+hvem*")
    assert page.locator(".earlier-turn").count() == 2
    assert "frivillige organisasjoner" in page.locator("article.turn .answer").inner_text()
    earlier.nth(0).get_by_role("link", name=re.compile(r"^Se svaret igjen\W+Hva er K4\?$")).click()
    assert page.locator(".earlier-turn").count() == 0
    assert "K4 er dette tiltaket" in page.locator("article.turn .answer").inner_text()


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_axe_finds_no_violations_on_a_two_turn_conversation(browser, page, live_server, lang):
    axe = Axe()
    _two_turns_with_javascript(page, live_server, lang)
    _, _, interpreted = QUESTIONS[lang]
    second = page.locator("article.turn").nth(1)
    assert second.locator(".interpreted").inner_text().startswith(interpreted)
    found = {
        "to svar lagt til av chat.js": axe.run(page, options=AXE_OPTIONS).response["violations"]
    }
    # The same two turns as the server renders them (the page a shared link or the form
    # without JavaScript gives); axe itself needs scripts, so it runs with them on.
    context = browser.new_context()
    try:
        rendered = context.new_page()
        rendered.goto(page.url)
        assert rendered.evaluate("document.documentElement.lang") == lang
        assert rendered.locator(".earlier-turn").count() == 1
        found["to svar fra serveren"] = axe.run(rendered, options=AXE_OPTIONS).response[
            "violations"
        ]
        # The question back, in the page's language whatever the question's.
        rendered.goto(f"{live_server}/?q=Kven+har+ansvaret+for+det%3F&lang={lang}")
        expected = "Hva viser «det» til?" if lang == "nb" else "Kva viser «det» til?"
        assert rendered.locator(".answer").inner_text().startswith(expected)
        found["spørsmål tilbake"] = axe.run(rendered, options=AXE_OPTIONS).response["violations"]
    finally:
        context.close()
    failures = {
        name: [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
        for name, violations in found.items()
        if violations
    }
    assert not failures, failures
