"""Upload: token, CSRF, size limit, generated names, Norwegian reasons with fitting status codes,
and a refused file never changing what is indexed."""

from __future__ import annotations

import re

import pytest

from tests.conftest import SHARED
from tests.ingest.pdf_factory import make_pdf

TOKEN = "hemmelig-test-nokkel"
PLAN_TEXT = (
    "# Boligplan for Testvik\n\n"
    "## Mål\n\n"
    "Testvik skal ha gode og rimelige boliger for unge i alle bygder. "
    "Kommunen bygger femti nye utleieboliger innen 2030.\n"
)


@pytest.fixture()
def upload_env(tmp_path):
    """A fresh index with one small plan, and an app with upload switched on."""
    from fastapi.testclient import TestClient

    from assistant.pipeline import build_index
    from assistant.service import Assistant
    from assistant.settings import Settings
    from index.embedder import FakeEmbedder
    from web.app import create_app

    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "kulturplan.md").write_text(
        "# Kulturplan\n\n## Bibliotek\n\nBiblioteket holder åpent hver dag for alle innbyggere.\n",
        "utf-8",
    )
    settings = Settings(
        index_dir=tmp_path / "index",
        docs_dir=plans,
        upload_dir=tmp_path / "uploads",
        admin_token=TOKEN,
        max_upload_mb=1,
        index_poll_s=0.05,
    )
    assert build_index(settings, embedder=FakeEmbedder()).version
    assistant = Assistant(settings, embedder=FakeEmbedder())
    client = TestClient(create_app(settings, assistant), raise_server_exceptions=False)
    return settings, assistant, client


def _post(client, content: bytes, name: str = "boligplan.md", token: str | None = TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/documents", files={"file": (name, content)}, headers=headers)


def _version(settings) -> str:
    return (settings.index_dir / "current").read_text().strip()


def test_upload_ingests_under_a_generated_name_and_is_answerable(upload_env):
    settings, _assistant, client = upload_env
    before = _version(settings)
    r = _post(client, PLAN_TEXT.encode(), name="../../etc/Boligplan Testvik.md")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["document_id"] == "boligplan-testvik"
    assert body["index_version"] != before
    assert body["documents"] == 2
    stored = [p.name for p in settings.upload_dir.iterdir()]
    assert len(stored) == 1 and re.fullmatch(r"[0-9a-f]{32}\.md", stored[0])
    assert not (settings.upload_dir.parent / "etc").exists()
    # The running app serves the new version without a restart.
    answer = client.post("/api/ask", json={"question": "Hvor mange utleieboliger bygges?"}).json()
    assert answer["index_version"] == body["index_version"]
    assert any(c["document_id"] == "boligplan-testvik" for c in answer["citations"])


@pytest.mark.parametrize(
    ("content", "name", "status", "reason"),
    [
        (b"<html><body>Ikke en plan</body></html>", "plan.pdf", 415, "not_pdf"),
        (b"<html><body>Ikke en plan</body></html>", "plan.txt", 415, "unsupported"),
        (b"PK\x03\x04\x00\x00binary", "plan.docx", 415, "unsupported"),
        (b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF", "plan.pdf", 422, None),
        (b"", "tom.pdf", 422, "empty"),
        (b"   \n\n  ", "tom.txt", 422, "empty"),
        (b"# Plan\n\n## M\xc3\xa5l\n\n## Tiltak\n", "disposisjon.md", 422, "only_headings"),
    ],
)
def test_bad_files_get_a_norwegian_reason_and_leave_the_index_alone(
    upload_env, content, name, status, reason
):
    settings, _assistant, client = upload_env
    before = _version(settings)
    r = _post(client, content, name=name)
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert re.search(r"[æøå]|Filen|filen", detail) and "Traceback" not in detail
    if reason:
        assert r.json()["reason"] == reason
    assert _version(settings) == before
    assert list(settings.upload_dir.iterdir()) == []


def test_too_large_is_413_before_ingesting(upload_env):
    settings, _assistant, client = upload_env
    before = _version(settings)
    r = _post(client, b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024), name="stor.pdf")
    assert r.status_code == 413
    assert "for stor" in r.json()["detail"]
    assert _version(settings) == before


def test_a_file_already_indexed_is_409(upload_env):
    _settings, _assistant, client = upload_env
    assert _post(client, PLAN_TEXT.encode()).status_code == 201
    again = _post(client, PLAN_TEXT.encode(), name="kopi.md")
    assert again.status_code == 409
    assert "allerede" in again.json()["detail"]


def test_a_second_writer_gets_409(upload_env):
    from index.store import IndexStore

    settings, _assistant, client = upload_env
    with IndexStore(settings.index_dir).writer_lock():
        r = _post(client, PLAN_TEXT.encode())
    assert r.status_code == 409
    assert "pågår" in r.json()["detail"]


def test_token_is_required_and_upload_is_off_without_one(upload_env, tmp_path):
    from fastapi.testclient import TestClient

    from web.app import create_app

    settings, assistant, client = upload_env
    assert _post(client, PLAN_TEXT.encode(), token=None).status_code == 401
    assert _post(client, PLAN_TEXT.encode(), token="feil").status_code == 401
    off = TestClient(create_app(settings.model_copy(update={"admin_token": ""}), assistant))
    r = _post(off, PLAN_TEXT.encode())
    assert r.status_code == 403 and "PLAN_ADMIN_TOKEN" in r.json()["detail"]


def test_pdf_upload_with_text_is_ingested(upload_env, tmp_path):
    _settings, _assistant, client = upload_env
    pdf = make_pdf(
        tmp_path / "x.pdf",
        [[("Trafikkplan", 18, True), ("Kommunen skal bygge gang- og sykkelveier.", 11, False)]],
        title="Trafikkplan for Testvik",
    )
    r = _post(client, pdf.read_bytes(), name="trafikk.pdf")
    assert r.status_code == 201, r.text
    assert r.json()["title"] == "Trafikkplan for Testvik"


def _csrf(page_html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page_html).group(1)


def test_admin_page_uploads_with_csrf_and_token(upload_env):
    _settings, _assistant, client = upload_env
    page = client.get("/admin")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert '<label for="nokkel">' in page.text and '<label for="fil">' in page.text
    token = _csrf(page.text)
    r = client.post(
        "/admin",
        data={"csrf": token, "token": TOKEN},
        files={"file": ("Boligplan.md", PLAN_TEXT.encode())},
    )
    assert r.status_code == 201, r.text
    assert "Planen er lest inn" in r.text and "/dokumenter/boligplan" in r.text


def test_admin_page_refuses_a_missing_or_wrong_csrf_token(upload_env):
    settings, _assistant, client = upload_env
    before = _version(settings)
    client.get("/admin")
    r = client.post(
        "/admin",
        data={"csrf": "forfalsket", "token": TOKEN},
        files={"file": ("Boligplan.md", PLAN_TEXT.encode())},
    )
    assert r.status_code == 403
    assert "Skjemaet er utløpt" in r.text and 'role="alert"' in r.text
    assert _version(settings) == before


def test_admin_page_shows_reasons_next_to_the_field(upload_env):
    _settings, _assistant, client = upload_env
    token = _csrf(client.get("/admin").text)
    r = client.post(
        "/admin",
        data={"csrf": token, "token": TOKEN},
        files={"file": ("plan.pdf", b"<html>nei</html>")},
    )
    assert r.status_code == 415
    assert 'id="fil-feil"' in r.text and 'aria-invalid="true"' in r.text
    wrong = client.post(
        "/admin",
        data={"csrf": token, "token": "feil"},
        files={"file": ("plan.md", PLAN_TEXT.encode())},
    )
    assert wrong.status_code == 401 and 'id="nokkel-feil"' in wrong.text


def test_401_says_bearer_and_failed_tokens_are_limited_per_client(upload_env):
    settings, _assistant, client = upload_env
    before = _version(settings)
    first = _post(client, PLAN_TEXT.encode(), token="feil-nokkel")
    assert first.status_code == 401 and first.headers["www-authenticate"] == "Bearer"
    codes = [_post(client, PLAN_TEXT.encode(), token=f"feil-{n}").status_code for n in range(6)]
    assert codes[:4] == [401] * 4 and codes[4:] == [429, 429]
    blocked = _post(client, PLAN_TEXT.encode())  # even the right token waits
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 60
    assert "For mange forsøk" in blocked.json()["detail"]
    assert _version(settings) == before


def test_the_admin_form_counts_failed_tokens_too(upload_env):
    _settings, _assistant, client = upload_env
    token = _csrf(client.get("/admin").text)
    for _ in range(5):
        r = client.post(
            "/admin",
            data={"csrf": token, "token": "feil-nokkel"},
            files={"file": ("plan.md", PLAN_TEXT.encode())},
        )
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    r = client.post(
        "/admin", data={"csrf": token, "token": TOKEN}, files={"file": ("plan.md", b"x")}
    )
    assert r.status_code == 429 and "For mange forsøk" in r.text and 'id="nokkel-feil"' in r.text
    assert _post(client, PLAN_TEXT.encode()).status_code == 429  # the same client on the API


def test_a_pdf_that_is_not_a_pdf_is_refused_as_such(upload_env):
    settings, _assistant, client = upload_env
    before = _version(settings)
    bad = (SHARED / "bad-pdfs" / "qpdf_bad1.pdf").read_bytes()  # "oops"
    r = _post(client, bad, name="qpdf_bad1.pdf")
    assert r.status_code == 415 and r.json()["reason"] == "not_pdf"
    assert "ikke en PDF" in r.json()["detail"]
    assert _version(settings) == before and list(settings.upload_dir.iterdir()) == []
    renamed = _post(client, b"%PDF-1.7\n%%EOF", name="plan")
    assert renamed.status_code == 415 and renamed.json()["reason"] == "unsupported"


def test_a_scan_whose_only_text_is_a_tool_name_is_refused(upload_env):
    settings, _assistant, client = upload_env
    before = _version(settings)
    scan = (SHARED / "bad-pdfs" / "pdfjs_scan-bad.pdf").read_bytes()  # its text: "pdf.js"
    r = _post(client, scan, name="skannet.pdf")
    assert r.status_code == 422 and r.json()["reason"] == "no_text"
    assert "OCR" in r.json()["detail"]
    assert _version(settings) == before


def test_an_upload_that_runs_too_long_is_stopped_and_the_writer_released(upload_env, monkeypatch):
    import time

    from index.embedder import FakeEmbedder
    from index.store import IndexStore

    settings, _assistant, client = upload_env
    before = _version(settings)

    encode = FakeEmbedder.encode_passages

    def slow(self, texts):
        time.sleep(0.3)
        return encode(self, texts)

    monkeypatch.setattr(FakeEmbedder, "encode_passages", slow)
    client.app.state.settings = settings.model_copy(update={"upload_timeout_s": 1.0})
    long_plan = "# Stor plan\n\n" + "".join(
        f"## Del {i}\n\nAvsnitt {i} om boliger og tjenester i kommunen.\n\n" for i in range(300)
    )
    started = time.monotonic()
    r = _post(client, long_plan.encode(), name="stor.md")
    assert r.status_code == 422 and r.json()["reason"] == "timeout", r.text
    assert "for lang tid" in r.json()["detail"]
    assert time.monotonic() - started < 10
    assert _version(settings) == before
    with IndexStore(settings.index_dir).writer_lock():  # released: a new writer gets it
        pass


def test_failed_tokens_count_on_every_staff_endpoint_together(upload_env):
    _settings, _assistant, client = upload_env
    wrong = {"Authorization": "Bearer feil-nokkel-men-lang-nok"}
    for _ in range(5):
        r = client.get("/api/feedback/summary", headers=wrong)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/feedback.csv", headers=wrong).status_code == 429
    assert _post(client, PLAN_TEXT.encode()).status_code == 429  # the right token, same client
