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
        "svar med tilbakemeldingsskjema": "/?q=" + quote(ANSWERED),
        "svar etter Ja": "/?q=" + quote(ANSWERED) + "&tilbakemelding=ja",
        "svar etter Nei, med kommentarfelt": "/?q="
        + quote(ANSWERED)
        + "&tilbakemelding=nei&id=0123456789abcdef0123456789abcdef",
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
        "tilbakemeldinger (ansatte)": "/admin/tilbakemeldinger",
        "API-dokumentasjon": "/api/docs",
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
        if base == "/api/docs":
            page.wait_for_selector(".opblock")  # Swagger UI has rendered the operations
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
            "/?q=" + quote(ANSWERED) + "&tilbakemelding=nei&id=x",
            "/?tidligere=Hva+er+K4%3F&kilder=&q=Hvem+har+ansvaret+for+det%3F",  # a follow-up
            "/admin/tilbakemeldinger",
        ]:
            page.goto(live_server + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, (path, width)
    finally:
        context.close()


TOKEN = "browser-test-token"  # the live_server's PLAN_ADMIN_TOKEN


def _no_violations(page) -> list:
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


def _wait_for(page, script: str, expected, tries: int = 100):
    """Poll from Python (wait_for_function would eval() in the page, which our CSP forbids)."""
    for _ in range(tries):
        value = page.evaluate(script)
        if value == expected:
            return value
        page.wait_for_timeout(100)
    return page.evaluate(script)


def _comments_for(live_server: str, question: str) -> list[str]:
    import httpx

    summary = httpx.get(
        live_server + "/api/feedback/summary", headers={"Authorization": f"Bearer {TOKEN}"}
    ).json()
    return [c for q in summary["worst"] if q["question"] == question for c in q["comments"]]


def test_feedback_without_javascript_thanks_in_the_status_and_the_answer_stays(
    nojs_page, page, live_server
):
    checker, page = page, nojs_page  # axe needs JavaScript: it checks the same states in `checker`
    page.goto(live_server + "/?q=" + quote(ANSWERED))
    answer = page.locator(".answer").inner_text()
    sources = page.locator("a.source-link").count()
    assert answer.strip() and sources
    page.get_by_role("button", name="Nei (svaret var ikke nyttig)").click()
    page.wait_for_url("**tilbakemelding=nei*")
    thanks = "Takk for tilbakemeldingen! Du kan også skrive en kort kommentar."
    assert page.locator("#status").inner_text() == thanks
    assert page.get_by_role("status").inner_text() == thanks
    assert page.locator(".answer").inner_text() == answer
    assert page.locator("a.source-link").count() == sources
    checker.goto(page.url)
    assert _no_violations(checker) == []
    field = page.get_by_label("Hva manglet, eller hva var feil? (valgfritt)")
    assert "Ikke skriv personopplysninger" in page.locator("#svar-kommentar-hint").inner_text()
    field.fill("For langt. " * 100)
    page.get_by_role("button", name="Send kommentar").click()
    page.wait_for_load_state()
    assert "Kommentaren er for lang" in page.locator("#feiloppsummering").inner_text()
    assert (
        page.get_by_label("Hva manglet, eller hva var feil? (valgfritt)").get_attribute(
            "aria-invalid"
        )
        == "true"
    )
    assert page.locator(".answer").inner_text() == answer
    # The same error page in `checker`: the comment form posted the plain way, without chat.js.
    checker.evaluate("document.querySelector('.feedback-form').classList.remove('feedback-form')")
    checker.locator("#svar-kommentar").fill("For langt. " * 100)
    checker.get_by_role("button", name="Send kommentar").click()
    checker.wait_for_load_state()
    assert checker.locator("#feiloppsummering").is_visible()
    assert _no_violations(checker) == []
    comment = "Sa ingenting om helg. Ring meg på 912 34 567."
    page.get_by_label("Hva manglet, eller hva var feil? (valgfritt)").fill(comment)
    page.get_by_role("button", name="Send kommentar").click()
    page.wait_for_url("**tilbakemelding=kommentar*")
    assert page.locator("#status").inner_text() == "Takk! Kommentaren er sendt."
    assert page.locator(".answer").inner_text() == answer
    assert "Sa ingenting om helg. Ring meg på [telefon]." in _comments_for(live_server, ANSWERED)


def test_feedback_with_javascript_is_announced_in_place(page, live_server):
    navigations = []
    page.goto(live_server + "/?lang=nn")
    for question in (ANSWERED, REFUSED):
        page.get_by_label("Spørsmålet ditt").fill(question)
        page.get_by_role("button", name="Spør", exact=True).click()
        _wait_for(page, "document.activeElement.classList.contains('answer-heading')", True)
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    assert page.locator("article.turn").count() == 2
    first, second = page.locator("article.turn").all()
    answer = first.locator(".answer").inner_text()

    first.get_by_role("button", name="Ja (svaret var nyttig)").click()
    assert _wait_for(
        page, "document.getElementById('status').textContent", "Takk for tilbakemeldinga!"
    )
    assert page.evaluate("document.activeElement.id") == "svar1-nyttig"
    assert first.locator(".answer").inner_text() == answer

    second.get_by_role("button", name="Nei (svaret var ikkje nyttig)").click()
    thanks = "Takk for tilbakemeldinga! Du kan òg skrive ein kort kommentar."
    assert _wait_for(page, "document.getElementById('status').textContent", thanks) == thanks
    assert page.evaluate("document.activeElement.id") == "svar2-kommentar"
    field = second.get_by_label("Kva mangla, eller kva var feil? (valfritt)")
    assert field.get_attribute("aria-describedby") == "svar2-kommentar-hint"
    assert "Ikkje skriv personopplysningar" in page.locator("#svar2-kommentar-hint").inner_text()
    assert _no_violations(page) == []

    field.fill("x" * 1001)
    second.get_by_role("button", name="Send kommentar").click()
    _wait_for(page, "document.activeElement.getAttribute('aria-invalid')", "true")
    assert "Kommentaren er for lang" in page.locator("#status").inner_text()
    assert page.evaluate("document.activeElement.id") == "svar2-kommentar"
    assert _no_violations(page) == []

    field = second.get_by_label("Kva mangla, eller kva var feil? (valfritt)")
    field.fill("Fann ikkje opningstider. Epost: kari@example.com")
    second.get_by_role("button", name="Send kommentar").click()
    done = "Takk! Kommentaren er send."
    assert _wait_for(page, "document.getElementById('status').textContent", done) == done
    assert page.evaluate("document.activeElement.id") == "svar2-nyttig"
    assert navigations == []  # everything happened in place
    assert "Fann ikkje opningstider. Epost: [e-post]" in _comments_for(live_server, REFUSED)


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_staff_feedback_page_shows_the_worst_questions_with_links(page, live_server, lang):
    import httpx

    answer = httpx.post(live_server + "/api/ask", json={"question": REFUSED}).json()
    httpx.post(
        live_server + "/api/feedback",
        json={
            "question": REFUSED,
            "useful": False,
            "citations": [c["passage_id"] for c in answer["citations"]],
            "index_version": answer["index_version"],
        },
    ).raise_for_status()
    page.goto(f"{live_server}/admin/tilbakemeldinger?lang={lang}")
    assert _no_violations(page) == []
    page.get_by_label("Tilgangsnøkkel").fill(TOKEN)
    show = {"nb": "Vis tilbakemeldinger", "nn": "Vis tilbakemeldingar"}[lang]
    page.get_by_role("button", name=show).click()
    page.wait_for_load_state()
    entry = page.locator("ol.worst > li", has_text=REFUSED)
    assert entry.count() == 1
    assert entry.locator("a").count() == len(answer["citations"])
    assert _no_violations(page) == []
    href = entry.locator("a").first.get_attribute("href")
    assert href == answer["citations"][0]["url"]
    entry.locator("a").first.click()
    pid = answer["citations"][0]["passage_id"]
    assert "cited" in page.locator(f"#passasje-{pid}").get_attribute("class")


def test_api_docs_show_every_operation_under_the_csp_without_other_hosts(page, live_server):
    import httpx

    requests, blocked = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    response = page.goto(live_server + "/api/docs")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe" not in csp
    spec = httpx.get(live_server + "/api/openapi.json").json()
    methods = {"get", "post", "put", "patch", "delete"}
    expected = {
        (m.upper(), path) for path, item in spec["paths"].items() for m in item if m in methods
    }
    assert len(expected) >= 10
    page.wait_for_selector(".opblock")
    _wait_for(page, "document.querySelectorAll('.opblock').length", len(expected))
    shown = page.locator(".opblock-summary").evaluate_all(
        """els => els.map(e => [
            e.querySelector('.opblock-summary-method').textContent.trim(),
            e.querySelector('.opblock-summary-path').getAttribute('data-path')])"""
    )
    assert {tuple(s) for s in shown} == expected
    assert [u for u in requests if not u.startswith(live_server)] == []
    assert blocked == []
