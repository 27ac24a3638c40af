"""Uploading plans: ``POST /api/documents`` (token in the Authorization header) and the admin
page ``/admin`` (token in the form, CSRF-protected). Upload is off while PLAN_ADMIN_TOKEN is empty.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.service import IndexUnavailable
from web.errors import error_response
from web.pages import render
from web.security import BodyTooLarge
from web.uploads import (
    UploadRejected,
    check_token_attempt,
    csrf_ok,
    ingest_upload,
    new_csrf_token,
    refuse_if_blocked,
    too_large,
)

router = APIRouter()
CSRF_COOKIE = "plan_csrf"
TOKEN_REASONS = ("bad_token", "upload_disabled", "csrf", "too_many_attempts")
CHUNK = 1 << 20

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "PDF, TXT eller Markdown.",
                        }
                    },
                }
            }
        },
    },
    "responses": {
        "201": {"description": "Dokumentet er lest inn i en ny indeksversjon."},
        "401": {"description": "Feil eller manglende tilgangsnøkkel."},
        "429": {"description": "For mange forsøk med feil tilgangsnøkkel."},
        "403": {"description": "Opplasting er slått av."},
        "409": {"description": "Dokumentet finnes fra før, eller en annen innlesing pågår."},
        "413": {"description": "Filen er for stor."},
        "415": {"description": "Filtypen støttes ikke."},
        "422": {"description": "Filen kan ikke leses (med norsk begrunnelse)."},
    },
}


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


async def _form(request: Request) -> FormData:
    try:
        return await request.form(max_files=1, max_fields=5)
    except BodyTooLarge as exc:
        raise too_large(request.app.state.settings) from exc
    except StarletteHTTPException as exc:  # malformed multipart body
        raise UploadRejected(
            400, "Skjemaet kunne ikke leses. Last opp filen på nytt.", "bad_form"
        ) from exc


async def _receive_file(request: Request, form) -> tuple[Path, str | None]:
    """Copy the uploaded file to a temporary name in the upload directory, within the limit."""
    settings = request.app.state.settings
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise UploadRejected(422, "Velg en fil å laste opp.", "no_file")
    directory = Path(settings.upload_dir)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f".incoming-{uuid.uuid4().hex}"
    limit = int(settings.max_upload_mb * 1024 * 1024)
    size = 0
    try:
        with target.open("wb") as out:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise too_large(settings)
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target, upload.filename


async def _ingest(request: Request, form):
    path, name = await _receive_file(request, form)
    state = request.app.state
    return await run_in_threadpool(ingest_upload, state.settings, state.assistant, path, name)


@router.post(
    "/api/documents",
    status_code=201,
    tags=["drift"],
    summary="Last opp et plandokument",
    openapi_extra=UPLOAD_BODY,
)
async def upload_document(request: Request):
    """Les inn en ny plan (PDF, TXT, Markdown).

    Krever `Authorization: Bearer <PLAN_ADMIN_TOKEN>`."""
    try:
        check_token_attempt(request, _bearer(request))
        form = await _form(request)
        result = await _ingest(request, form)
    except UploadRejected as exc:
        return error_response(
            request, exc.status, exc.message, reason=exc.reason, headers=exc.headers
        )
    return JSONResponse(asdict(result), status_code=201)


def _documents(request: Request) -> list:
    try:
        return request.app.state.assistant.documents()
    except IndexUnavailable:  # no index yet: the first upload creates it
        return []


def render_with_csrf(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    """A staff page under /admin: a CSRF token in the form (``csrf``) and in a cookie, no cache."""
    token = request.cookies.get(CSRF_COOKIE) or new_csrf_token()
    response = render(
        request,
        template,
        status_code=status,
        enabled=bool(request.app.state.settings.admin_token),
        csrf=token,
        **context,
    )
    response.set_cookie(
        CSRF_COOKIE, token, httponly=True, samesite="strict", path="/admin", max_age=8 * 3600
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def check_staff_form(request: Request, form: FormData, what: str = "Opplasting") -> None:
    """A staff form must carry the page's CSRF token (403) and the admin token (401/403)."""
    field, token = form.get("csrf"), form.get("token")
    if not csrf_ok(request.cookies.get(CSRF_COOKIE), field if isinstance(field, str) else None):
        raise UploadRejected(403, request.state.t("admin_csrf_error"), "csrf")
    check_token_attempt(request, token if isinstance(token, str) else None, what)


def with_refusal_headers(page: HTMLResponse, exc: UploadRejected) -> HTMLResponse:
    """A staff page answering a refusal carries its headers (Retry-After; 401: Bearer)."""
    page.headers.update(exc.headers)
    if exc.status == 401:
        page.headers["WWW-Authenticate"] = "Bearer"
    return page


def _admin_page(request: Request, status: int = 200, **context) -> HTMLResponse:
    return render_with_csrf(
        request,
        "admin.html",
        status,
        documents=_documents(request),
        max_mb=request.app.state.settings.max_upload_mb,
        **context,
    )


@router.get("/admin", include_in_schema=False)
def admin(request: Request) -> HTMLResponse:
    return _admin_page(request)


@router.post("/admin", include_in_schema=False)
async def admin_upload(request: Request) -> HTMLResponse:
    try:
        if request.app.state.settings.admin_token:  # refused before the upload is read
            refuse_if_blocked(request)
        form = await _form(request)
        check_staff_form(request, form)
        result = await _ingest(request, form)
    except UploadRejected as exc:
        field_id = "fil" if exc.reason not in TOKEN_REASONS else "nokkel"
        page = _admin_page(request, exc.status, error=exc.message, error_field=field_id)
        return with_refusal_headers(page, exc)
    return _admin_page(request, 201, result=result)
