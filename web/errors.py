"""Every error answer in Norwegian and in one shape, made in one place (``error_response``):
``{"detail": "…"}`` on API paths (uploads add ``reason``), the error page on page paths, in the
page's language. Our own HTTPExceptions carry a Norwegian detail; the framework's (404, 405, a
body that cannot be parsed, a malformed form, …) carry English and get the catalogue's message
for their status instead."""

from __future__ import annotations

import logging
from http import HTTPStatus

import fastapi
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.service import IndexUnavailable
from web.i18n import Translator

log = logging.getLogger(__name__)

# English details FastAPI raises as its own HTTPException (ours are Norwegian).
FRAMEWORK_DETAILS = frozenset({"There was an error parsing the body"})


def wants_json(path: str) -> bool:
    return path.startswith("/api/") or path == "/healthz"


def status_message(status: int, lang: str = "nb") -> str:
    """The catalogue's message for an HTTP status ("http_405"), or the general one."""
    t = Translator(lang)
    key = f"http_{status}"
    message = t(key)
    return message if message != key else t("http_error" if status < 500 else "http_500")


def own_detail(exc: StarletteHTTPException) -> str | None:
    """The Norwegian detail our code raised ``exc`` with, or None for the framework's."""
    detail = exc.detail
    if (
        not isinstance(exc, fastapi.HTTPException)
        or not isinstance(detail, str)
        or detail in FRAMEWORK_DETAILS
        or detail == HTTPStatus(exc.status_code).phrase
    ):
        return None
    return detail


def error_response(
    request: Request,
    status: int,
    detail: str | None = None,
    *,
    headers: dict[str, str] | None = None,
    reason: str | None = None,
) -> Response:
    """The one way an error leaves the app: JSON for the API, a page for people."""
    headers = dict(headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    if wants_json(request.url.path):
        body = {"detail": detail or status_message(status)}
        if reason:
            body["reason"] = reason
        return JSONResponse(body, status_code=status, headers=headers)
    from web.pages import error_page

    if status == 404:
        keys = ("not_found_title", "not_found_text")
    elif status == 503:
        keys = ("unavailable_title", "unavailable_text")
    elif status >= 500:
        keys = ("server_error_title", "server_error_text")
    else:
        keys = ("request_error_title", f"http_{status}")
    page = error_page(request, status, *keys, text=None if status >= 500 else detail)
    page.headers.update(headers)
    return page


def install(app: FastAPI) -> None:
    """Route every exception to ``error_response``."""

    @app.exception_handler(IndexUnavailable)
    async def unavailable(request: Request, exc: IndexUnavailable):
        log.error("index unavailable: %s", exc.message)
        return error_response(
            request,
            503,
            "Søket er midlertidig utilgjengelig. Prøv igjen om litt.",
            headers={"Retry-After": "30"},
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        from web.api import validation_message

        return error_response(request, 422, validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return error_response(request, exc.status_code, own_detail(exc), headers=exc.headers)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return error_response(request, 500, "Det oppstod en feil hos oss.")
