"""The conversation without JavaScript: hidden fields, earlier turns, caps and the page's language
(fake-embedder index; initiative questions are answered from the structured data)."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from assistant.conversation import HISTORY_BUDGET, MAX_TURNS

FOLLOW_UP = "Hvem har ansvaret for det?"


def carried(page: str) -> list[tuple[str, str]]:
    """The conversation the page's form sends with the next question."""
    return [
        (name, html.unescape(value))
        for name, value in re.findall(
            r'<input type="hidden" name="(tidligere|kilder)" value="([^"]*)">', page
        )
    ]


def test_an_answer_page_carries_its_turn_for_the_next_question(client):
    page = client.get("/", params={"q": "Hva er K4?"}).text
    fields = carried(page)
    assert [name for name, _ in fields] == ["tidligere", "kilder"]
    assert fields[0][1] == "Hva er K4?"
    k4 = re.search(r'data-citations="([^"]*)"', page).group(1)
    assert fields[1][1] == k4 and k4.startswith("regional-plan-inkluderende-innlandet-")
    # The next question sent with those fields is a follow-up about K4.
    follow = client.get("/", params=[*fields, ("q", FOLLOW_UP)])
    assert follow.status_code == 200
    text = follow.text
    assert "Tolket som: Hvem har ansvaret for K4 Sikre digital kompetanse?" in text
    assert "Ansvarlig for K4 Sikre digital kompetanse: Innlandet fylkeskommune" in text
    # The earlier turn above the answer, with its source and its own answer page.
    assert text.index("Tidligere i samtalen") < text.index('id="svar-tittel"')
    assert re.search(r'<li class="earlier-turn">.*?<q>Hva er K4\?</q>', text, re.S)
    assert f"?passasje={k4}" in text
    # The share link and the next form carry both turns; the feedback form the searched words.
    share = re.search(r'<a class="tool-link" href="([^"]+)"', text).group(1)
    params = parse_qsl(urlsplit(html.unescape(share)).query)
    assert params[:2] == fields and ("q", FOLLOW_UP) in params
    assert [v for n, v in carried(text) if n == "tidligere"] == ["Hva er K4?", FOLLOW_UP]
    assert 'name="q" value="Hvem har ansvaret for K4 Sikre digital kompetanse?"' in text


def test_the_same_follow_up_alone_asks_back_in_the_pages_language(client):
    nb = client.get("/", params={"q": FOLLOW_UP}).text
    assert "Hva viser «det» til?" in nb and "Tolket som" not in nb
    assert "Temaer i planene" not in nb  # a question back is not a refusal
    nn = client.get("/", params={"q": FOLLOW_UP, "lang": "nn"}).text
    assert "Kva viser «det» til?" in nn
    fragment = client.get("/svar", params={"q": "Og for eldre?", "lang": "nn"}).text
    assert "Kva vil du vite om «for eldre»?" in fragment


def test_the_page_keeps_at_most_ten_turns_within_the_byte_budget(client):
    turns = [("tidligere", f"Hva er K{i}?") for i in range(1, 13)]
    fields = [pair for question in turns for pair in (question, ("kilder", ""))]
    page = client.get("/", params=[*fields, ("q", "Hva er K4?")]).text
    kept = [v for n, v in carried(page) if n == "tidligere"]
    assert len(kept) == MAX_TURNS and kept[-1] == "Hva er K4?" and kept[0] == "Hva er K4?"
    assert page.count('<li class="earlier-turn">') == MAX_TURNS
    long = [("tidligere", "Hvordan " + "æøå " * 120 + "?"), ("kilder", "")] * 6
    page = client.get("/", params=[*long, ("q", "Hva er K4?")]).text
    assert 1 < len(carried(page)) // 2 < 6
    assert len(urlencode(carried(page))) <= HISTORY_BUDGET


def test_the_answer_fragment_resolves_with_the_history_it_is_sent(client):
    first = client.get("/svar", params={"q": "Kva er K6?", "lang": "nn"}).text
    cited = re.search(r'data-citations="([^"]*)"', first).group(1)
    params = {"tidligere": "Kva er K6?", "kilder": cited, "q": "Kven er med i det?", "lang": "nn"}
    fragment = client.get("/svar", params=params).text
    assert "Tolka som: Kven er med i K6 Kvalifiseringsplan for innvandrere?" in fragment
    assert "Samarbeidspartnarar i K6" in fragment


def test_without_javascript_the_keys_hint_is_not_shown(client):
    page = client.get("/").text
    assert '<p class="hint" id="sporsmal-taster" hidden>' in page
    assert 'aria-describedby="sporsmal-hint"' in page
