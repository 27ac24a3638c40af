"""Feedback through the app (fake-embedder index): the JSON API, the form without JavaScript,
the staff views behind the token, cross-site posts, failures that must not break the answer
page, and retention at start."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from assistant.feedback import FeedbackStore

TOKEN = "hemmelig-nokkel"
QUESTION = "Hva er en deltidsinnbygger?"


@pytest.fixture()
def app_for(fake_settings, fake_assistant, tmp_path):
    """Build an app with its own feedback database and any settings changed."""
    from web.app import create_app

    def build(**changes):
        changes.setdefault("feedback_db", tmp_path / "feedback.sqlite3")
        changes.setdefault("admin_token", TOKEN)
        return create_app(fake_settings.model_copy(update=changes), fake_assistant)

    return build


@pytest.fixture()
def app(app_for):
    return app_for()


@pytest.fixture()
def web(app):
    return TestClient(app, raise_server_exceptions=False)


def _staff(web, path="/api/feedback/summary", token=TOKEN):
    return web.get(path, headers={"Authorization": f"Bearer {token}"})


def _answer_form(web, question=QUESTION) -> dict:
    page = web.get("/", params={"q": question}).text
    return {
        "q": question,
        "index_version": re.search(r'name="index_version" value="([^"]+)"', page).group(1),
        "citations": re.findall(r'name="citations" value="([^"]+)"', page),
    }


def test_json_api_stores_feedback_and_staff_see_it(web):
    answer = web.post("/api/ask", json={"question": QUESTION}).json()
    body = {
        "question": QUESTION,
        "useful": False,
        "citations": [c["passage_id"] for c in answer["citations"]],
        "index_version": answer["index_version"],
        "comment": "Ring meg på 912 34 567.",
    }
    r = web.post("/api/feedback", json=body)
    assert r.status_code == 201
    assert re.fullmatch(r"[0-9a-f]{32}", r.json()["id"])
    summary = _staff(web).json()
    assert (summary["useful"], summary["not_useful"], summary["days"]) == (0, 1, 90)
    (worst,) = summary["worst"]
    assert worst["question"] == QUESTION and worst["not_useful"] == 1
    assert worst["citations"] == body["citations"]
    assert worst["comments"] == ["Ring meg på [telefon]."]
    assert summary["by_day"] == [
        {"day": datetime.now(UTC).strftime("%Y-%m-%d"), "useful": 0, "not_useful": 1}
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"useful": "ja"}, "useful må være true"),
        ({"comment": "x" * 1001}, "høyst 1000 tegn"),
        ({"index_version": ""}, "index_version"),
        ({"citations": ["<script>"]}, "passage_id"),
        ({"citations": "p-1"}, "passage_id"),
        ({"question": ""}, "Skriv et spørsmål"),
        ({"question": "   "}, "Skriv et spørsmål"),
    ],
)
def test_json_api_bad_input_gets_422_in_norwegian(web, change, message):
    body = {"question": QUESTION, "useful": True, "citations": [], "index_version": "v-1"}
    r = web.post("/api/feedback", json=body | change)
    assert r.status_code == 422
    assert message in r.json()["detail"]
    assert _staff(web).json()["useful"] == 0


def test_json_api_is_rate_limited_like_questions(app_for):
    web = TestClient(app_for(rate_limit_per_minute=2))
    body = {"question": QUESTION, "useful": True, "citations": [], "index_version": "v-1"}
    codes = [web.post("/api/feedback", json=body).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    last = web.post("/api/feedback", json=body)
    assert int(last.headers["retry-after"]) >= 1 and "Vent litt" in last.json()["detail"]
    # Questions have their own budget.
    assert web.post("/api/ask", json={"question": "bolig"}).status_code == 200


@pytest.mark.parametrize("path", ["/api/feedback/summary", "/api/feedback.csv"])
def test_staff_views_refuse_without_the_token_and_with_a_wrong_one(app_for, path):
    web = TestClient(app_for())
    web.post(
        "/api/feedback",
        json={
            "question": "hemmelig spørsmål",
            "useful": False,
            "citations": [],
            "index_version": "v",
        },
    )
    for headers in ({}, {"Authorization": "Bearer feil"}, {"Authorization": "Basic " + TOKEN}):
        r = web.get(path, headers=headers)
        assert r.status_code == 401, headers
        assert r.headers["www-authenticate"] == "Bearer"
        assert "hemmelig" not in r.text and "tilgangsnøkkel" in r.json()["detail"]
    off = TestClient(app_for(admin_token=""))
    r = off.get(path, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 403 and "PLAN_ADMIN_TOKEN" in r.json()["detail"]
    assert _staff(web, path).status_code == 200


def test_csv_is_excel_friendly_masked_and_formula_safe(web):
    web.post(
        "/api/feedback",
        json={
            "question": '=HYPERLINK("http://x") per@example.com',
            "useful": False,
            "citations": ["p-1", "p-2"],
            "index_version": "v-9",
            "comment": "+1 og 01019012345",
        },
    )
    r = _staff(web, "/api/feedback.csv")
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["cache-control"] == "no-store"
    assert r.content.startswith("\ufeff".encode())
    header, row = r.text.lstrip("\ufeff").strip().splitlines()
    assert header == "tid (UTC);spørsmål;nyttig;kommentar;kilder;indeksversjon;språk"
    cells = row.split(";")
    assert cells[1].startswith("\"'=HYPERLINK") and "[e-post]" in cells[1]
    assert cells[2:] == ["nei", "'+1 og [fødselsnummer]", "p-1 p-2", "v-9", "nb"]


def test_form_without_javascript_stores_and_returns_to_the_answer_with_thanks(web):
    form = _answer_form(web)
    r = web.post("/tilbakemelding?lang=nn", data={**form, "useful": "ja"}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/?q=Hva+er+en+deltidsinnbygger%3F&lang=nn")
    assert r.headers["location"].endswith("tilbakemelding=ja#svar-nyttig")
    page = web.get(r.headers["location"])
    status = re.search(r'id="status"[^>]*>([^<]*)</div>', page.text).group(1)
    assert status == "Takk for tilbakemeldinga!"
    assert 'class="answer"' in page.text and "Kjelder" in page.text
    assert 'name="useful"' not in page.text  # the form has become the thank-you
    summary = _staff(web).json()
    assert summary["useful"] == 1
    (row,) = FeedbackStore(web.app.state.settings.feedback_db).rows()
    assert (row.lang, row.citations, row.index_version) == (
        "nn",
        form["citations"],
        form["index_version"],
    )


def test_no_then_a_comment_without_javascript(web):
    form = _answer_form(web)
    r = web.post("/tilbakemelding", data={**form, "useful": "nei"}, follow_redirects=False)
    location = r.headers["location"]
    assert "tilbakemelding=nei" in location
    page = web.get(location).text
    assert '<textarea id="svar-kommentar" name="comment"' in page
    assert "Ikke skriv personopplysninger" in page
    row_id = re.search(r'name="id" value="([0-9a-f]{32})"', page).group(1)
    assert row_id in location
    done = web.post(
        "/tilbakemelding/kommentar",
        data={"q": QUESTION, "id": row_id, "comment": "Mangler tall. Mail: a@b.no"},
    )
    assert done.status_code == 200 and "Takk! Kommentaren er sendt." in done.text
    assert 'class="answer"' in done.text
    assert _staff(web).json()["worst"][0]["comments"] == ["Mangler tall. Mail: [e-post]"]


def test_feedback_comment_errors_twice_and_keep_the_text(web):
    form = _answer_form(web)
    location = web.post("/tilbakemelding", data={**form, "useful": "nei"}).url
    row_id = re.search(r"id=([0-9a-f]{32})", str(location)).group(1)
    long = "Dette er for langt. " * 60
    r = web.post("/tilbakemelding/kommentar", data={"q": QUESTION, "id": row_id, "comment": long})
    assert r.status_code == 422
    assert 'role="alert"' in r.text and 'href="#svar-kommentar"' in r.text
    assert 'id="svar-kommentar-feil"' in r.text and 'aria-invalid="true"' in r.text
    assert f"du skrev {len(long.strip())}" in r.text
    assert long.strip() in r.text  # what the user wrote is kept
    assert 'class="answer"' in r.text
    assert _staff(web).json()["worst"][0]["comments"] == []


def test_javascript_gets_just_the_feedback_block(web):
    form = _answer_form(web)
    r = web.post(
        "/tilbakemelding", data={**form, "useful": "nei"}, headers={"X-Requested-With": "fetch"}
    )
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<div class="feedback" id="svar-nyttig"')
    assert "<html" not in r.text and 'id="svar-kommentar"' in r.text


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://angriper.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://testserver"},
    ],
)
def test_posts_from_other_sites_are_refused(web, headers):
    form = _answer_form(web)
    r = web.post("/tilbakemelding", data={**form, "useful": "ja"}, headers=headers)
    assert r.status_code == 403 and "annet nettsted" in r.text and "Traceback" not in r.text
    assert _staff(web).json()["useful"] == 0
    same = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    ok = web.post("/tilbakemelding", data={**form, "useful": "ja"}, headers=same)
    assert ok.status_code == 200 and _staff(web).json()["useful"] == 1


def test_a_broken_form_gets_a_friendly_page(web):
    r = web.post("/tilbakemelding", data={"q": QUESTION, "useful": "kanskje", "index_version": "v"})
    assert r.status_code == 422 and "Gå tilbake til svaret" in r.text
    assert "Traceback" not in r.text


def test_a_database_that_cannot_be_written_never_breaks_the_answer_page(app_for, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    web = TestClient(app_for(feedback_db=blocker / "feedback.sqlite3"))
    form = _answer_form(web)
    page = web.post("/tilbakemelding", data={**form, "useful": "nei"})
    assert page.status_code == 200
    assert "kunne ikke lagre tilbakemeldingen" in page.text and 'class="answer"' in page.text
    api = web.post(
        "/api/feedback",
        json={"question": QUESTION, "useful": True, "citations": [], "index_version": "v"},
    )
    assert api.status_code == 503 and "kunne ikke lagres" in api.json()["detail"]
    assert web.get("/", params={"q": QUESTION}).status_code == 200


def test_old_rows_are_deleted_when_the_app_starts(app_for, tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    now = datetime.now(UTC)
    store.add("gammel", True, [], "v", "nb", now=now - timedelta(days=31))
    store.add("ny", True, [], "v", "nb", now=now - timedelta(days=29))
    with TestClient(app_for(feedback_days=30)):  # runs the lifespan: purge at start
        pass
    assert [r.question for r in store.rows()] == ["ny"]


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_staff_page_needs_token_and_csrf_and_links_cited_passages(web):
    form = _answer_form(web)
    web.post("/tilbakemelding", data={**form, "useful": "nei"})
    page = web.get("/admin/tilbakemeldinger")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert QUESTION not in page.text
    csrf = _csrf(page.text)
    forged = web.post("/admin/tilbakemeldinger", data={"csrf": "forfalsket", "token": TOKEN})
    assert forged.status_code == 403 and QUESTION not in forged.text
    wrong = web.post("/admin/tilbakemeldinger", data={"csrf": csrf, "token": "feil"})
    assert wrong.status_code == 401 and 'id="nokkel-feil"' in wrong.text
    assert QUESTION not in wrong.text
    shown = web.post("/admin/tilbakemeldinger", data={"csrf": csrf, "token": TOKEN, "vis": "x"})
    assert shown.status_code == 200 and f"«{QUESTION}»" in shown.text
    links = re.findall(r'<a href="(/dokumenter/[^"]+)">', shown.text)
    assert links and len(links) == len(form["citations"])
    for pid, link in zip(form["citations"], links, strict=True):
        assert link.endswith(f"?passasje={pid}#passasje-{pid}")
    csv = web.post("/admin/tilbakemeldinger", data={"csrf": csrf, "token": TOKEN, "vis": "csv"})
    assert csv.headers["content-type"].startswith("text/csv") and QUESTION in csv.text


def test_staff_page_is_off_without_a_token(app_for):
    web = TestClient(app_for(admin_token=""))
    page = web.get("/admin/tilbakemeldinger")
    assert "PLAN_ADMIN_TOKEN" in page.text and 'name="token"' not in page.text
    r = web.post("/admin/tilbakemeldinger", data={"csrf": "x", "token": "x"})
    assert r.status_code == 403 and 'name="token"' not in r.text and "PLAN_ADMIN_TOKEN" in r.text
    assert 'role="alert"' not in r.text
