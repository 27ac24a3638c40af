"""/metrics: Prometheus's text format, requests and latency per route template, the service's
own metrics, and never a question's text (nor in the logs)."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

# Words that occur in no route, metric name or log message of the service.
SECRET = "Hvor mye koster zebrafjellet for kvasirbarn"
SECRET_WORDS = ("zebrafjell", "kvasirbarn")


@pytest.fixture()
def fresh(fake_settings):
    """An app on its own Assistant, so the index gauges are set by this one."""
    from assistant.service import Assistant
    from index.embedder import FakeEmbedder
    from web.app import create_app

    assistant = Assistant(fake_settings, embedder=FakeEmbedder())
    return TestClient(create_app(fake_settings, assistant), raise_server_exceptions=False)


def _families(client) -> dict:
    r = client.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain; version=")
    return {f.name: f for f in text_string_to_metric_families(r.text)}


def _value(families: dict, family: str, sample: str, **labels: str) -> float:
    return sum(
        s.value
        for s in (families[family].samples if family in families else [])
        if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items())
    )


def test_requests_and_latency_are_counted_per_route_template(fresh):
    before = _families(fresh)
    asked = _value(before, "http_requests", "http_requests_total", handler="/api/ask")
    assert fresh.post("/api/ask", json={"question": "Hva er en trainee?"}).status_code == 200
    doc = fresh.get("/dokumenter/regional-plan-inkluderende-innlandet")
    assert doc.status_code == 200
    assert fresh.get("/ingen-side-her").status_code == 404
    families = _families(fresh)
    requests = families["http_requests"].samples
    handlers = {s.labels["handler"] for s in requests}
    assert {"/api/ask", "/dokumenter/{document_id}", "none"} <= handlers
    assert not any("regional-plan" in h or "ingen-side" in h for h in handlers)
    ask = _value(families, "http_requests", "http_requests_total", handler="/api/ask")
    assert ask == asked + 1
    latency = families["http_request_duration_seconds"].samples
    assert any(
        s.name.endswith("_count") and s.labels.get("handler") == "/api/ask" and s.value >= 1
        for s in latency
    )


def test_the_service_metrics(fresh):
    assistant = fresh.app.state.assistant
    before = _families(fresh)
    found = _value(before, "planassistent_answers", "planassistent_answers_total", found="true")
    refused = _value(before, "planassistent_answers", "planassistent_answers_total", found="false")
    assert fresh.post("/api/ask", json={"question": "Hva er en trainee?"}).json()["found"]
    page = fresh.get("/", params={"q": "Hvor mange astronauter bor på månen?"})
    assert page.status_code == 200
    families = _families(fresh)
    answers = ("planassistent_answers", "planassistent_answers_total")
    assert _value(families, *answers, found="true") == found + 1
    assert _value(families, *answers, found="false") == refused + 1
    passages = _value(families, "planassistent_index_passages", "planassistent_index_passages")
    assert passages == assistant.passage_count > 0
    version = assistant.index_version
    info = ("planassistent_index_version_info", "planassistent_index_version_info")
    assert _value(families, *info, version=version) == 1
    embed = families["planassistent_embed_seconds"]
    assert embed.type == "histogram"
    assert _value(families, "planassistent_embed_seconds", "planassistent_embed_seconds_count") > 0


def test_no_question_text_in_metrics_or_logs(fresh, caplog):
    caplog.set_level(logging.DEBUG)
    fresh.post("/api/ask", json={"question": SECRET})
    fresh.post("/api/ask", json={"question": SECRET + "?" * 600})  # refused: too long
    fresh.get("/", params={"q": SECRET})
    fresh.get("/svar", params={"q": SECRET})
    fresh.get("/api/search", params={"q": SECRET})
    fresh.get("/" + SECRET.replace(" ", "-"))  # a question typed into the address: 404
    fresh.get("/dokumenter/" + SECRET.replace(" ", "-"))
    body = {"question": SECRET, "useful": False, "citations": [], "index_version": "v-1"}
    fresh.post("/api/feedback", json=body)
    text = fresh.get("/metrics").text.lower()
    # The test client logs the URLs it requests; everything else is the service's own logging.
    service_logs = "\n".join(
        r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))
    ).lower()
    assert "http_requests_total" in text
    for word in SECRET_WORDS:
        assert word not in text
        assert word not in service_logs
