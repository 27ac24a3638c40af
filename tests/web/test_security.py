"""Safe outputs: self-links from the path only, relative redirects, host names checked with a
Norwegian answer, and PLAN_ALLOWED_HOSTS set where the service is deployed."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize(
    "path", ["//evil.example/x", "///evil.example/x", "/\\evil.example/x", "//evil.example"]
)
def test_language_link_never_leaves_the_site(client, path):
    r = client.get(f"http://testserver{path}")  # the path as it is, not a URL to another host
    assert r.status_code == 404
    switch = re.search(r'class="lang-switch" href="([^"]+)"', r.text).group(1)
    assert switch.startswith("/") and switch[1:2] not in ("/", "\\")
    assert switch.endswith("?lang=nn")


def test_self_path_and_location_are_relative():
    from web.security import relative_location, self_path

    assert self_path("//evil.example/x") == "/evil.example/x"
    assert self_path("/\\evil.example") == "/%5Cevil.example"
    assert self_path("/dokumenter/plan ø") == "/dokumenter/plan%20%C3%B8"
    assert relative_location("http://evil.example/tiltak?q=1") == "/tiltak?q=1"
    assert relative_location("https://evil.example//evil.example/") == "/evil.example/"
    assert relative_location("/?q=bolig%3F&lang=nn#svar") == "/?q=bolig%3F&lang=nn#svar"
    assert relative_location("/dokumenter/plan%20%C3%B8") == "/dokumenter/plan%20%C3%B8"


def test_every_response_carries_the_security_headers(client):
    from web.security import HEADERS

    responses = [
        client.get("/"),
        client.post("/api/ask", json={"question": "bolig"}),
        client.post("/api/ask", json={"question": ""}),  # 422
        client.get("/ingen-side"),  # 404
        client.get("/static/site.css"),
        client.get("/metrics"),
        client.get("/tiltak/", follow_redirects=False),  # a redirect
    ]
    for r in responses:
        assert {name: r.headers.get(name) for name in HEADERS} == HEADERS, r.url


def test_the_original_file_streams_whole_under_its_own_policy(client):
    from web.security import HEADERS

    r = client.get("/dokumenter/regional-plan-inkluderende-innlandet/fil")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content == (ROOT / "data/plans/regional-plan-inkluderende-innlandet.pdf").read_bytes()
    assert r.headers["content-security-policy"] == "default-src 'none'; object-src 'self'"
    assert all(
        r.headers[name] == value
        for name, value in HEADERS.items()
        if name != "Content-Security-Policy"
    )


def test_redirects_do_not_echo_the_host_header(client):
    r = client.get("/tiltak/", headers={"host": "evil.example"}, follow_redirects=False)
    assert r.status_code in (301, 302, 307, 308)
    assert r.headers["location"] == "/tiltak"


def test_unknown_hosts_get_a_norwegian_400(fake_settings, fake_assistant):
    from fastapi.testclient import TestClient

    from web.app import create_app

    settings = fake_settings.model_copy(update={"allowed_hosts": ["planer.example.no"]})
    app = create_app(settings, fake_assistant)
    ok = TestClient(app, base_url="http://planer.example.no")
    assert ok.get("/healthz").status_code == 200
    evil = TestClient(app, base_url="http://evil.example")
    api = evil.get("/api/initiatives")
    assert api.status_code == 400 and "vertsnavnet" in api.json()["detail"]
    page = evil.get("/om")
    assert page.status_code == 400 and "vertsnavnet" in page.text
    assert page.headers["content-security-policy"]


def test_allowed_hosts_from_the_environment(monkeypatch):
    from assistant.settings import Settings

    monkeypatch.setenv("PLAN_ALLOWED_HOSTS", "planer.example.no, localhost")
    assert Settings().allowed_hosts == ["planer.example.no", "localhost"]
    monkeypatch.setenv("PLAN_ALLOWED_HOSTS", '["planer.example.no"]')
    assert Settings().allowed_hosts == ["planer.example.no"]


def test_the_image_sets_allowed_hosts_and_the_docs_require_it():
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    hosts = re.search(r"^\s+PLAN_ALLOWED_HOSTS=(\S+) \\$", dockerfile, re.MULTILINE).group(1)
    assert "*" not in hosts and "127.0.0.1" in hosts  # the health check's host
    operating = (ROOT / "docs" / "operating.md").read_text("utf-8")
    production = operating.split("## In production")[1].split("\n## ")[0]
    assert "PLAN_ALLOWED_HOSTS" in production and "required in production" in production
