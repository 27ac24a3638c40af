"""Security headers on every response, relative redirects only, a host check and a limit on every
request body (all pure ASGI middleware)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote, urlsplit

from fastapi import HTTPException, Request
from starlette._utils import parse_host_header
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def self_path(path: str, safe: str = "") -> str:
    """``path`` as a link to this site: percent-encoded, with one leading slash, so a request
    for "//evil.example/x" (or "/\\evil.example") never becomes a link to another host."""
    return "/" + quote(path, safe="/:@!$&'()*+,;=-._~" + safe).lstrip("/")


def relative_location(location: str) -> str:
    """A redirect target without scheme and host, so never built from the Host header (its
    path is already percent-encoded)."""
    parts = urlsplit(location)
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return self_path(parts.path, safe="%") + query + fragment


class SecurityHeaders:
    """The security headers on every response, relative redirects, and the original PDF shown
    by the browser's own viewer. Pure ASGI: the headers are set on the response's start
    message, so the body streams through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        original_file = path.startswith("/dokumenter/") and path.endswith("/fil")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
                if "location" in headers:
                    headers["location"] = relative_location(headers["location"])
                if original_file:
                    headers["Content-Security-Policy"] = "default-src 'none'; object-src 'self'"
            await send(message)

        await self.app(scope, receive, with_headers)


class HostCheck:
    """Answer only to the host names in PLAN_ALLOWED_HOSTS ("*" any, "*.example.no" its
    subdomains); other hosts get a Norwegian 400, and nothing is ever redirected to them."""

    def __init__(self, app: ASGIApp, allowed_hosts: list[str]) -> None:
        self.app = app
        self.allowed = [h.lower() for h in allowed_hosts]

    def allows(self, host_header: str | None) -> bool:
        if "*" in self.allowed:
            return True
        parsed = parse_host_header(host_header)
        if parsed is None:
            return False
        host = parsed.host.lower()
        return any(
            host == pattern or (pattern.startswith("*.") and host.endswith(pattern[1:]))
            for pattern in self.allowed
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if self.allows(request.headers.get("host")):
            await self.app(scope, receive, send)
            return
        from web.errors import error_response

        message = "Tjenesten svarer ikke på dette vertsnavnet. Sjekk adressen."
        await error_response(request, 400, message)(scope, receive, send)


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a request body passes its limit (413, in Norwegian)."""

    def __init__(self, limit: int) -> None:
        size = f"{limit // 1024} KB" if limit < 1024 * 1024 else f"{limit / 2**20:g} MB"
        super().__init__(413, f"Forespørselen er for stor. Største tillatte størrelse er {size}.")


class BodySizeLimit:
    """A limit on every request body, by path (``limit_for``): refused at once when the
    declared Content-Length is over it, or as soon as the bytes read pass it, so a large
    body is never buffered. The endpoint reading the body gets BodyTooLarge (413)."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        length = dict(scope.get("headers") or []).get(b"content-length", b"")
        declared_too_large = length.isdigit() and int(length) > limit
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            if declared_too_large:
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited, send)
