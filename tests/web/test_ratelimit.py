"""The per-client rate limit on a real uvicorn server: behind a proxy in
PLAN_FORWARDED_ALLOW_IPS each client named in X-Forwarded-For has its own count; from any other
address the header is ignored and the connection's address is the client."""

from __future__ import annotations

import httpx
import pytest

from tests.web.conftest import running_server

A, B = "203.0.113.5", "203.0.113.6"  # two clients behind the proxy (documentation addresses)


def _ask(url: str, client: str) -> httpx.Response:
    return httpx.post(
        f"{url}/api/ask", json={"question": "bolig"}, headers={"X-Forwarded-For": client}
    )


def _page(url: str, client: str) -> httpx.Response:
    return httpx.get(url + "/", params={"q": "bolig"}, headers={"X-Forwarded-For": client})


def _server(fake_settings, fake_assistant, trusted: list[str]):
    from web.app import create_app

    settings = fake_settings.model_copy(
        update={"rate_limit_per_minute": 2, "forwarded_allow_ips": trusted}
    )
    return running_server(create_app(settings, fake_assistant))


def test_clients_behind_a_trusted_proxy_are_limited_each_on_their_own(
    fake_settings, fake_assistant
):
    with _server(fake_settings, fake_assistant, ["127.0.0.1"]) as url:
        assert [_ask(url, A).status_code for _ in range(3)] == [200, 200, 429]
        limited = _ask(url, A)
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert "Vent litt" in limited.json()["detail"]
        assert _ask(url, B).status_code == 200  # another client behind the same proxy
        page = _page(url, A)  # pages count against the same limit, and say so in Norwegian
        assert page.status_code == 429 and page.headers["retry-after"]
        assert "<html" in page.text and 'lang="nb"' in page.text
        assert _page(url, B).status_code == 200


@pytest.mark.parametrize("trusted", [[], ["192.0.2.1"]], ids=["no proxy", "another proxy"])
def test_x_forwarded_for_from_an_untrusted_address_is_ignored(
    fake_settings, fake_assistant, trusted
):
    with _server(fake_settings, fake_assistant, trusted) as url:
        codes = [_ask(url, client).status_code for client in (A, B, "203.0.113.7")]
        assert codes == [200, 200, 429]  # one client: this test's own address
