"""Real Chromium, real server, real index: axe, keyboard, no-JS and the screen-reader view."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
ANSWERED = "Hva er en deltidsinnbygger?"
REFUSED = "Når har svømmehallen åpent i helgene?"


def _states(live_server):
    doc = "/dokumenter/regional-plan-inkluderende-innlandet"
    return {
        "tom samtale": "/",
        "svar": "/?q=" + quote(ANSWERED),
        "avslag": "/?q=" + quote(REFUSED),
        "valideringsfeil": "/?q=",
        "dokumentliste": "/dokumenter",
        "dokumentleser": doc + "?passasje=x#side-3",
        "tiltak": "/tiltak",
        "tiltak filtrert": "/tiltak?partner=NAV",
        "tiltak fasetter og sortering": "/tiltak?ansvarlig=fylkeskommunen&status=igangsatt"
        "&sort=title",
        "tiltak uten treff": "/tiltak?partner=KS&status=tas+ut",
        "tiltak detalj": "/tiltak/k4-sikre-digital-kompetanse",
        "tiltak detalj med liste": "/tiltak/L7",
        "tiltak L9-valg": "/tiltak/L9",
        "tilgjengelighet": "/tilgjengelighet",
        "last opp": "/admin",
        "om": "/om",
        "404": "/finnes-ikke",
    }


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_axe_finds_no_violations_on_any_page_or_state(page, live_server, lang):
    axe = Axe()
    failures = {}
    for name, path in _states(live_server).items():
        sep = "&" if "?" in path.split("#")[0] else "?"
        base, _, frag = path.partition("#")
        page.goto(f"{live_server}{base}{sep}lang={lang}" + (f"#{frag}" if frag else ""))
        assert page.evaluate("document.documentElement.lang") == lang
        results = axe.run(page, options=AXE_OPTIONS)
        violations = results.response["violations"]
        if violations:
            failures[name] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert not failures, failures


def test_without_javascript_the_form_answers_and_citations_open_the_passage(nojs_page, live_server):
    page = nojs_page
    page.goto(live_server + "/")
    page.get_by_label("Ditt spørsmål").fill(ANSWERED)
    page.get_by_role("button", name="Spør").click()
    page.wait_for_url("**/?*q=*")
    assert page.locator(".answer").inner_text().strip()
    first = page.locator("a.source-link").first
    href = first.get_attribute("href")
    assert "passasje=" in href
    first.click()
    pid = href.split("passasje=")[1].split("#")[0]
    cited = page.locator(f"#passasje-{pid}")
    assert cited.is_visible() and "cited" in cited.get_attribute("class")


def test_without_javascript_the_initiative_filters_work_by_keyboard(nojs_page, live_server):
    """Issue 16: the owner is chosen from the list of who is in the plans (with counts), the
    status from its list; the submitted page shows the API's rows, and its counts hold."""
    import httpx

    page = nojs_page
    page.goto(live_server + "/tiltak")
    all_count = page.locator("#tiltak-tabell tbody tr").count()
    assert all_count == 41
    owner = page.get_by_label("Ansvarlig")
    label = owner.locator("option", has_text="Innlandet fylkeskommune (").inner_text()
    owner.select_option("Innlandet fylkeskommune")
    page.get_by_label("Status").select_option("igangsatt")
    page.get_by_role("button", name="Vis tiltak").press("Enter")  # submits the real form
    page.wait_for_url("**/tiltak?*ansvarlig=Innlandet*")
    expected = httpx.get(
        live_server + "/api/initiatives",
        params={"ansvarlig": "Innlandet fylkeskommune", "status": "igangsatt"},
    ).json()["initiatives"]
    rows = page.locator("#tiltak-tabell tbody tr")
    assert 0 < rows.count() == len(expected) < int(label.split("(")[1].rstrip(")")) < all_count
    assert page.locator("#tiltak-tabell caption").inner_text() == f"{len(expected)} tiltak"
    assert rows.locator("a").all_inner_texts() == [i["title"] for i in expected]
    assert rows.locator("td[data-label='Status']").all_inner_texts() == ["Igangsatt"] * len(
        expected
    )
    # The chosen status shows the same count in its list as the rows shown.
    chosen = page.get_by_label("Status").locator("option:checked").inner_text()
    assert chosen == f"Igangsatt ({len(expected)})"
    page.locator("#sortering").get_by_role("link", name="tittel").click()
    page.wait_for_url("**sort=title*")
    titles = page.locator("#tiltak-tabell tbody tr a").all_inner_texts()
    norwegian = str.maketrans("æøå", "{|}")  # æ, ø, å after z
    assert sorted(titles, key=lambda t: t.casefold().translate(norwegian)) == titles
    assert len(titles) == len(expected)
    page.locator("#tiltak-tabell tbody tr a").first.click()
    page.wait_for_url("**/tiltak/*")
    assert page.locator("h1").inner_text().split()[0] in {i["id"] for i in expected}


def test_an_id_used_twice_offers_both_without_javascript(nojs_page, live_server):
    page = nojs_page
    response = page.goto(live_server + "/tiltak/L9")
    assert response.status == 300
    links = page.locator("main ul.choice-list a")
    assert links.count() == 2
    links.nth(1).click()
    page.wait_for_url("**/tiltak/l9-*")
    assert page.locator("h1").inner_text().startswith("L9 ")


def test_keyboard_only_ask_then_focus_on_answer_and_tab_to_citations(page, live_server):
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "sporsmal":
            break
    assert page.evaluate("document.activeElement.id") == "sporsmal"
    page.keyboard.type(ANSWERED)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    # Poll from Python: wait_for_function would eval() in the page, which our CSP forbids.
    for _ in range(100):
        if page.evaluate("document.activeElement.classList.contains('answer-heading')"):
            break
        page.wait_for_timeout(100)
    assert page.evaluate("document.activeElement.classList.contains('answer-heading')")
    assert page.locator("#status").inner_text() == "Svar klart"
    names = page.locator("article.turn a.source-link").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    reached = set()
    for _ in range(80):
        page.keyboard.press("Tab")
        label = page.evaluate("document.activeElement.getAttribute('aria-label')")
        if label in names:
            reached.add(label)
        if reached == set(names):
            break
    assert names and reached == set(names)


def test_accessibility_tree_names_field_status_and_citations(page, live_server):
    page.goto(live_server + "/?q=" + quote(ANSWERED))
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]

    def named(role):
        return [
            n.get("name", {}).get("value", "")
            for n in nodes
            if n.get("role", {}).get("value") == role and not n.get("ignored")
        ]

    assert "Ditt spørsmål" in named("textbox")
    assert any(n.get("role", {}).get("value") == "status" for n in nodes)
    sources = [name for name in named("link") if name.startswith("Kilde ")]
    assert sources
    for name in sources:
        if ":" in name:  # full source names, not the [n] markers
            assert "Regional plan" in name or "Innbyggerdialog" in name
            assert ", side " in name


def test_no_horizontal_scroll_at_320_px(browser, live_server):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        for path in [
            "/",
            "/?q=" + quote(ANSWERED),
            "/tiltak",
            "/tilgjengelighet",
            "/dokumenter/regional-plan-inkluderende-innlandet",
        ]:
            page.goto(live_server + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, (path, width)
    finally:
        context.close()
