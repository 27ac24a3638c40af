"""Every 4xx in Norwegian, in one shape: {"detail": "…"} on API paths, the error page (in the
page's language) on page paths; request bodies are limited before they are buffered."""

from __future__ import annotations

import contextlib
import socket
from http import HTTPStatus

import pytest

from tests.web.conftest import running_server

ENGLISH = {s.phrase for s in HTTPStatus} | {"There was an error parsing the body"}


def _norwegian_json(response) -> str:
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) <= {"detail", "reason"} and isinstance(body["detail"], str)
    assert body["detail"] not in ENGLISH and "Traceback" not in body["detail"]
    return body["detail"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        (
            "post",
            "/api/ask",
            {"content": b"\xff", "headers": {"content-type": "application/json"}},
            400,
        ),
        (
            "post",
            "/api/ask",
            {"content": b'{"question": ', "headers": {"content-type": "application/json"}},
            422,
        ),
        ("get", "/api/ask", {}, 405),
        ("delete", "/api/initiatives", {}, 405),
        ("get", "/api/finnes-ikke", {}, 404),
        ("get", "/api/search", {"params": {"q": "bolig", "k": "mange"}}, 422),
        ("post", "/api/ask", {"json": {"question": "x" * 20_000}}, 413),
    ],
)
def test_api_errors_are_norwegian_json(client, method, path, kwargs, status):
    r = getattr(client, method)(path, **kwargs)
    assert r.status_code == status, r.text
    _norwegian_json(r)


def test_wrong_method_keeps_allow_and_says_what_to_do(client):
    r = client.get("/api/ask")
    assert r.status_code == 405 and "POST" in r.headers["allow"]
    assert "kan ikke brukes" in _norwegian_json(r)


@pytest.mark.parametrize(
    ("lang", "words"), [("nb", "kan ikke brukes"), ("nn", "kan ikkje brukast")]
)
def test_page_errors_are_norwegian_pages(client, lang, words):
    r = client.post("/om", params={"lang": lang})
    assert r.status_code == 405 and r.headers["content-type"].startswith("text/html")
    assert f'<html lang="{lang}">' in r.text and words in r.text
    assert "Method Not Allowed" not in r.text
    assert r.headers["content-security-policy"]


def test_too_large_json_body_says_the_limit(client, fake_settings):
    body = b'{"question": "' + b"a" * (fake_settings.max_body_kb * 1024) + b'"}'
    r = client.post("/api/ask", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert _norwegian_json(r) == "Forespørselen er for stor. Største tillatte størrelse er 16 KB."


def _raw_request(url: str, head: str, body_chunks: list[bytes]) -> tuple[bytes, int]:
    """Send a request over a socket and read the answer; how much of the body was sent
    before the server answered."""
    host, port = url.removeprefix("http://").split(":")
    sent = 0
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head.encode())
        sock.settimeout(0.05)
        answer = b""
        for chunk in body_chunks:
            with contextlib.suppress(TimeoutError):
                answer += sock.recv(65536)
            if answer:
                break
            try:
                sock.sendall(chunk)
            except OSError:  # the server closed the connection
                break
            sent += len(chunk)
        sock.settimeout(10)
        while b"\r\n\r\n" not in answer:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    return answer, sent


def test_a_huge_body_is_refused_before_it_is_sent(fake_settings, fake_assistant):
    """100 MB declared, or sent chunked without a length: 413 after at most a few chunks."""
    from web.app import create_app

    chunk = b"a" * 65536
    with running_server(create_app(fake_settings, fake_assistant)) as url:
        declared = (
            "POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {100 * 2**20}\r\n\r\n"
        )
        answer, sent = _raw_request(url, declared, [chunk] * 1600)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert sent < 2**20
        chunked = (
            "POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n"
        )
        piece = b"%x\r\n%s\r\n" % (len(chunk), chunk)
        answer, sent = _raw_request(url, chunked, [piece] * 1600)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert sent < 2**20
