"""Pages and API through the app (fake embedder index: fast, deterministic)."""

from __future__ import annotations

import csv as _csv
import io
import re
import tomllib
from pathlib import Path

from web.i18n import LANGUAGES

WEB = Path(__file__).resolve().parents[2] / "web"


def test_catalogues_have_the_same_keys_and_no_empty_strings():
    keys = {}
    for lang in LANGUAGES:
        data = tomllib.loads((WEB / "i18n" / f"{lang}.toml").read_text("utf-8"))
        assert all(isinstance(v, str) and v.strip() for v in data.values()), lang
        keys[lang] = set(data)
    assert keys["nb"] == keys["nn"]


def test_security_headers_and_no_inline_script(client):
    r = client.get("/")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"]
    assert "<script>" not in r.text and not re.search(r"\son[a-z]+=", r.text)
    assert '<html lang="nb">' in r.text


def test_answer_page_without_js_has_citation_links(client):
    r = client.get("/", params={"q": "Hva er en trainee?"})
    assert r.status_code == 200
    assert "<h2" in r.text and "Kilder" in r.text
    links = re.findall(r'href="(/dokumenter/[^"?]+\?passasje=[^"#]+#passasje-[^"]+)"', r.text)
    assert links
    doc = client.get(links[0].replace("&amp;", "&"))
    assert doc.status_code == 200
    pid = links[0].split("passasje=")[1].split("#")[0]
    assert f'id="passasje-{pid}"' in doc.text and "cited" in doc.text


def test_validation_errors_in_norwegian(client):
    r = client.get("/", params={"q": ""})
    assert r.status_code == 422
    assert 'role="alert"' in r.text and "Skriv et spørsmål" in r.text
    assert 'aria-invalid="true"' in r.text and "Feil:" in r.text
    long = client.get("/", params={"q": "x" * 501})
    assert long.status_code == 422 and "høyst 500 tegn" in long.text
    api = client.post("/api/ask", json={"question": ""})
    assert api.status_code == 422 and "Skriv et spørsmål" in api.json()["detail"]


def test_question_text_is_escaped_everywhere(client):
    evil = "<script>alert(1)</script> {{7*7}}"
    r = client.get("/", params={"q": evil})
    assert "<script>alert(1)</script>" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert "49" not in re.sub(r"\d{3,}", "", r.text.split("Du spurte")[1][:200])
    api = client.post("/api/ask", json={"question": evil})
    assert api.status_code == 200 and api.json()["question"].startswith("<script>")


def test_nynorsk_pages(client):
    r = client.get("/", params={"lang": "nn"})
    assert '<html lang="nn">' in r.text and "Spør planane" in r.text
    assert "sprak=nn" in r.headers.get("set-cookie", "")
    again = client.get("/om")  # the cookie keeps the choice
    assert '<html lang="nn">' in again.text


def test_friendly_404_and_json_404(client):
    r = client.get("/finnes-ikke")
    assert r.status_code == 404 and "Fant ikke siden" in r.text
    assert "Traceback" not in r.text
    j = client.get("/api/initiatives/finnes-ikke")
    assert j.status_code == 404 and j.json()["detail"] == "Fant ikke tiltaket."


def test_health_and_api_shapes(client):
    h = client.get("/healthz").json()
    assert h["status"] == "ok" and h["passages"] > 100 and h["index_version"].startswith("v-")
    a = client.post("/api/ask", json={"question": "Hva er en deltidsinnbygger?", "k": 3}).json()
    assert set(a) >= {"question", "found", "answer", "citations", "index_version"}
    c = a["citations"][0]
    assert set(c) >= {
        "n",
        "passage_id",
        "document_id",
        "document_title",
        "page",
        "section",
        "initiative",
        "text",
        "score",
        "url",
        "pdf_url",
    }
    s = client.get("/api/search", params={"q": "bolig", "k": 2}).json()
    assert len(s["passages"]) == 2
    assert client.get("/api/openapi.json").status_code == 200


def test_document_reader_and_file(client):
    docs = client.get("/dokumenter")
    assert "Regional plan for det inkluderende Innlandet" in docs.text
    reader = client.get("/dokumenter/regional-plan-inkluderende-innlandet")
    assert 'id="side-25"' in reader.text
    f = client.get("/dokumenter/regional-plan-inkluderende-innlandet/fil")
    assert f.status_code == 200 and f.content.startswith(b"%PDF")
    assert f.headers["content-type"] == "application/pdf"


def test_initiative_pages_and_csv(client):
    r = client.get("/tiltak")
    assert "41 tiltak" in r.text
    filtered = client.get("/tiltak", params={"prioritering": "lang sikt"})
    count = int(re.search(r"(\d+) tiltak</caption>", filtered.text).group(1))
    api = client.get("/api/initiatives", params={"prioritering": "lang sikt"}).json()
    assert count == len(api["initiatives"]) and 0 < count < 41
    detail = client.get("/tiltak/" + api["initiatives"][0]["key"])
    assert detail.status_code == 200 and "Koblinger til andre tiltak" in detail.text
    csv = client.get("/api/initiatives.csv", params={"partner": "NAV"})
    assert csv.headers["content-type"].startswith("text/csv")
    # Issue 16: descriptions keep their lines, so count rows, not lines.
    rows = list(_csv.reader(io.StringIO(csv.text.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 1 + len(
        client.get("/api/initiatives", params={"partner": "NAV"}).json()["initiatives"]
    )


def test_rate_limit_and_trusted_host(fake_settings, fake_assistant):
    from fastapi.testclient import TestClient

    from web.app import create_app

    settings = fake_settings.model_copy(
        update={"rate_limit_per_minute": 2, "allowed_hosts": ["planer.example.no"]}
    )
    c = TestClient(create_app(settings, fake_assistant), base_url="http://planer.example.no")
    codes = [c.post("/api/ask", json={"question": "bolig"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    last = c.post("/api/ask", json={"question": "bolig"})
    assert int(last.headers["retry-after"]) >= 1 and "Vent litt" in last.json()["detail"]
    bad = TestClient(create_app(settings, fake_assistant), base_url="http://evil.example")
    assert bad.get("/").status_code == 400


def test_no_index_gives_503_not_a_crash(tmp_path):
    from fastapi.testclient import TestClient

    from assistant.service import Assistant
    from assistant.settings import Settings
    from index.embedder import FakeEmbedder
    from web.app import create_app

    settings = Settings(index_dir=tmp_path / "empty")
    c = TestClient(create_app(settings, Assistant(settings, embedder=FakeEmbedder())))
    assert c.get("/healthz").status_code == 503
    r = c.post("/api/ask", json={"question": "bolig"})
    assert r.status_code == 503 and "midlertidig utilgjengelig" in r.json()["detail"]
    page = c.get("/", params={"q": "bolig"})
    assert page.status_code == 503 and "midlertidig utilgjengelig" in page.text


def _ids(client, **params) -> list[str]:
    return [i["id"] for i in client.get("/api/initiatives", params=params).json()["initiatives"]]


def test_facets_api_counts_equal_the_lists_it_leads_to(client):
    for filters in ({}, {"status": "igangsatt", "partner": "NAV"}):
        facets = client.get("/api/initiatives/facets", params=filters)
        assert facets.status_code == 200
        body = facets.json()
        assert set(body) == {"ansvarlig", "partner", "tema", "niva", "prioritering", "status"}
        for facet, values in body.items():
            for value in values:
                assert set(value) == {"name", "count"}
                shown = _ids(client, **{**filters, facet: value["name"]})
                assert value["count"] == len(shown) > 0, (facet, value)
    owners = {v["name"] for v in client.get("/api/initiatives/facets").json()["ansvarlig"]}
    assert "Innlandet fylkeskommune" in owners and "fylkeskommunen" not in owners


def test_status_on_every_initiative_and_as_a_filter(client):
    everything = client.get("/api/initiatives").json()["initiatives"]
    assert all("status" in i for i in everything)
    removed = client.get("/api/initiatives", params={"status": "tas ut"}).json()["initiatives"]
    assert [i["title"] for i in removed] == ["Tett på 2030 - distriktsutvikling i Innlandet"]
    wrong = client.get("/api/initiatives", params={"status": "ferdig"})
    assert wrong.status_code == 422 and "igangsatt, planlagt" in wrong.json()["detail"]
    page = client.get("/tiltak", params={"status": "tas ut"})
    assert "1 tiltak</caption>" in page.text and ">Tas ut</td>" in page.text


def test_short_addresses_resolve_by_id_and_an_id_used_twice_offers_both(client):
    k8 = client.get("/api/initiatives/K8")
    assert k8.status_code == 200 and k8.json()["id"] == "K8"
    assert client.get("/api/initiatives/" + k8.json()["key"]).json() == k8.json()  # slugs work
    page = client.get("/tiltak/k8")
    assert page.status_code == 200 and "<h1>K8 Videreutvikle trainee-ordninger</h1>" in page.text
    l9 = client.get("/api/initiatives/L9")
    assert l9.status_code == 300
    keys = l9.json()["keys"]
    assert len(keys) == 2 and [i["key"] for i in l9.json()["initiatives"]] == keys
    choice = client.get("/tiltak/L9")
    assert choice.status_code == 300 and "2 tiltak har nummeret L9" in choice.text
    for key in keys:
        assert f'href="/tiltak/{key}"' in choice.text
        assert client.get(f"/tiltak/{key}").status_code == 200
    assert client.get("/api/initiatives/facets").status_code == 200  # not taken for a key
    assert client.get("/tiltak/Z99").status_code == 404


def test_sorting_links_work_without_javascript(client):
    page = client.get("/tiltak", params={"partner": "NAV"})
    assert 'href="/tiltak?partner=NAV&amp;sort=title"' in page.text
    by_title = client.get("/tiltak", params={"partner": "NAV", "sort": "title"})
    titles = re.findall(r'<td data-label="Tiltak"><a href="[^"]+">([^<]+)</a>', by_title.text)
    api = client.get("/api/initiatives", params={"partner": "NAV", "sort": "title"}).json()
    assert titles == [i["title"] for i in api["initiatives"]] and len(titles) >= 5
    assert titles != [
        i["title"]
        for i in client.get("/api/initiatives", params={"partner": "NAV"}).json()["initiatives"]
    ]
    assert 'aria-sort="ascending"' in by_title.text
    assert 'name="sort" value="title"' in by_title.text  # the filter form keeps the order


def test_csv_has_description_status_and_links(client):
    body = client.get("/api/initiatives.csv", params={"status": "løpende"}).text
    header, *rows = list(_csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert header[-4:] == ["beskrivelse", "status", "lenke", "pdf-lenke"]
    (row,) = rows
    record = dict(zip(header, row, strict=True))
    assert record["status"] == "løpende" and record["beskrivelse"].startswith("Dette er en")
    assert record["lenke"].startswith("http://testserver/dokumenter/")
    assert record["pdf-lenke"].endswith(f"/fil#page={record['side']}")
    reader = client.get(record["lenke"].removeprefix("http://testserver"))
    assert reader.status_code == 200


def test_detail_page_shows_status_and_keeps_lists(client):
    l7 = client.get("/tiltak/L7").text
    items = re.findall(r"<li>([^<]+)</li>", l7.split("<h2>")[1])
    assert items[:2] == ["kompetanse og livslang læring", "arbeidsliv og arbeidsplassutvikling"]
    assert len(items) == 4
    k1 = client.get("/tiltak/K1")
    assert "<dt>Status</dt><dd>Igangsatt</dd>" in k1.text
    nn = client.get("/tiltak/K1", params={"lang": "nn"})
    assert "<dd>Sett i gang</dd>" in nn.text


def test_owner_and_partner_are_choices_with_counts(client):
    page = client.get("/tiltak", params={"ansvarlig": "fylkeskommunen"}).text
    n = len(
        client.get("/api/initiatives", params={"ansvarlig": "fylkeskommunen"}).json()["initiatives"]
    )
    assert (
        f'<option value="Innlandet fylkeskommune" selected>Innlandet fylkeskommune ({n})</option>'
        in page
    )
    assert '<select id="f-partner" name="partner">' in page
    assert re.search(r'<option value="KS">KS \(\d+\)</option>', page)


def test_refusal_offers_themes_from_chapters_and_initiatives_not_slide_titles(client):
    r = client.get("/", params={"q": "Når har svømmehallen åpent i helgene?"})
    themes = re.findall(r"<li>([^<]+)</li>", r.text.split('class="themes"')[1].split("</ul>")[0])
    assert "Kompetanse og livslang læring" in themes  # an initiative theme and a chapter
    assert "Lokalsamfunn, møteplasser og kultur" in themes
    assert len(themes) == len({t.casefold() for t in themes})
    for theme in themes:
        assert not theme.endswith(("?", "...", "…")), theme
        assert not theme.startswith(("Hva ", "Velkommen", "Handlingsprogram")), theme


def test_favicon_is_served_and_linked(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client.get("/").text
    assert '<link rel="icon" href="/favicon.ico"' in page
    assert client.get("/static/favicon.svg").headers["content-type"].startswith("image/svg")


def test_api_docs_page_loads_swagger_ui_from_this_app_without_inline_script(client):
    r = client.get("/api/docs")
    assert r.status_code == 200
    assert "<script>" not in r.text and not re.search(r"\son[a-z]+=", r.text)
    sources = re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"', r.text)
    assert "/api/docs/ui/swagger-ui-bundle.js" in sources and "/static/api-docs.js" in sources
    assert all(s.startswith("/") and not s.startswith("//") for s in sources), sources
    for source in sources:
        assert client.get(source).status_code == 200, source
    assert "script-src 'self'" in r.headers["content-security-policy"]
