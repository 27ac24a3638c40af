"""Feedback on answers ("Var svaret nyttig?") and the staff's view of it.

Everyone: the form under every answer (``POST /tilbakemelding``, then an optional comment with
``POST /tilbakemelding/kommentar``) works without JavaScript: it stores the feedback and sends
the browser back to the same answer (``/?q=…&tilbakemelding=…``) with a thank-you. chat.js
posts the same form with ``X-Requested-With: fetch`` and gets just the feedback block back.
Programs use ``POST /api/feedback``. Both are rate-limited like questions.

CSRF: the public form is anonymous and sets no cookie, so a forged post can do nothing that the
(unauthenticated) JSON API does not already allow. Still, posts that the browser marks as coming
from another site (``Sec-Fetch-Site``, else ``Origin``) are refused, so no other site can make
visitors' browsers send feedback.

Staff (``PLAN_ADMIN_TOKEN``): ``GET /api/feedback/summary`` and ``GET /api/feedback.csv`` with
``Authorization: Bearer``, and the page ``/admin/tilbakemeldinger`` (token + CSRF, like /admin).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, StrictBool, StringConstraints, ValidationError
from starlette.datastructures import FormData

from assistant.feedback import COMMENT_MAX, FeedbackStore
from assistant.service import IndexUnavailable, passage_url
from web import ratelimit
from web.admin import check_staff_form, render_with_csrf, with_refusal_headers
from web.api import rate_limit
from web.csv_export import csv_response
from web.pages import chat_page, error_page, render
from web.uploads import UploadRejected, check_token_attempt

log = logging.getLogger(__name__)
router = APIRouter()

FORM_LIMIT = 64 * 1024
PURGE_EVERY_S = 24 * 3600
FRAGMENT_HEADER = "x-requested-with"
LIMIT_MESSAGE = "Du har sendt mange tilbakemeldinger på kort tid. Vent litt og prøv igjen."
STAFF_ONLY = "Visning av tilbakemeldinger"

PassageId = Annotated[str, StringConstraints(pattern=r"^[\w.-]{1,200}$")]


class FeedbackIn(BaseModel):
    question: str = Field(min_length=1, max_length=500, description="Spørsmålet som ble besvart.")
    useful: StrictBool = Field(description="Var svaret nyttig?")
    citations: list[PassageId] = Field(
        max_length=50, description="passage_id for kildene som ble vist med svaret."
    )
    index_version: str = Field(min_length=1, max_length=100, description="Fra svaret.")
    comment: str | None = Field(
        None,
        max_length=COMMENT_MAX,
        description="Valgfri kommentar. Personopplysninger blir maskert før lagring.",
    )


class FeedbackCreated(BaseModel):
    id: str


class DayCount(BaseModel):
    day: str = Field(description="Dato (UTC), ÅÅÅÅ-MM-DD.")
    useful: int
    not_useful: int


class WorstQuestion(BaseModel):
    question: str
    not_useful: int
    useful: int
    last: str = Field(description="Siste tilbakemelding (UTC).")
    citations: list[str] = Field(description="Kildene som ble vist da svaret fikk «Nei».")
    comments: list[str]


class FeedbackSummary(BaseModel):
    useful: int
    not_useful: int
    days: int = Field(description="Hvor mange dager tilbakemeldinger tas vare på.")
    by_day: list[DayCount]
    worst: list[WorstQuestion] = Field(description="Spørsmålene med flest «Nei».")


# -- wiring -----------------------------------------------------------------------------------
def install(app: FastAPI) -> None:
    """The store on ``app.state``; the comment limit for the templates."""
    app.state.feedback = FeedbackStore(app.state.settings.feedback_db)
    app.state.templates.env.globals["comment_max"] = COMMENT_MAX


def purge_old(app: FastAPI) -> None:
    """Delete feedback past the retention period; a failure is logged, never raised."""
    try:
        removed = app.state.feedback.purge(app.state.settings.feedback_days)
    except (sqlite3.Error, OSError):
        log.exception("could not delete old feedback")
        return
    if removed:
        log.info(
            "deleted %d feedback rows older than %d days", removed, app.state.settings.feedback_days
        )


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Delete old feedback at start, then once a day."""

    async def purge_daily() -> None:
        while True:
            await asyncio.sleep(PURGE_EVERY_S)
            await run_in_threadpool(purge_old, app)

    await run_in_threadpool(purge_old, app)
    task = asyncio.create_task(purge_daily())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _store(request: Request) -> FeedbackStore:
    return request.app.state.feedback


def _save(request: Request, body: FeedbackIn) -> str | None:
    """The new row's id, or None when the database cannot be written (logged)."""
    try:
        return _store(request).add(
            body.question,
            body.useful,
            body.citations,
            body.index_version,
            request.state.lang,
            body.comment,
        )
    except (sqlite3.Error, OSError):
        log.exception("could not store feedback")
        return None


# -- JSON API ---------------------------------------------------------------------------------
@router.post(
    "/api/feedback",
    status_code=201,
    response_model=FeedbackCreated,
    tags=["tilbakemelding"],
    responses={
        422: {"description": "Ugyldige felt (norsk melding i detail)."},
        429: {"description": "For mange tilbakemeldinger på kort tid."},
        503: {"description": "Tilbakemeldingen kunne ikke lagres nå."},
    },
)
def post_feedback(body: FeedbackIn, request: Request) -> FeedbackCreated:
    """Si om et svar var nyttig, med valgfri kommentar.

    Lagrer tid, spørsmål, svaret (ja/nei), kommentar, kildene, indeksversjon og språk — aldri
    IP-adresse eller informasjonskapsler. Fødselsnummer, telefonnummer, e-postadresser og lange
    tallrekker blir maskert før lagring."""
    rate_limit(request, ratelimit.FEEDBACK, LIMIT_MESSAGE)
    if not body.question.strip():
        raise HTTPException(422, "Skriv et spørsmål (minst ett tegn).")
    row_id = _save(request, body)
    if row_id is None:
        raise HTTPException(503, "Tilbakemeldingen kunne ikke lagres nå. Prøv igjen senere.")
    return FeedbackCreated(id=row_id)


bearer = HTTPBearer(auto_error=False, description="PLAN_ADMIN_TOKEN")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def staff_only(request: Request, credentials: Credentials) -> None:
    """401 without the right Bearer token, 403 when no token is configured."""
    try:
        check_token_attempt(request, credentials and credentials.credentials, STAFF_ONLY)
    except UploadRejected as exc:  # 401 gets WWW-Authenticate from web.errors
        raise HTTPException(exc.status, exc.message, headers=exc.headers) from exc


STAFF = {
    "dependencies": [Depends(staff_only)],
    "tags": ["tilbakemelding"],
    "responses": {
        401: {"description": "Feil eller manglende tilgangsnøkkel."},
        403: {"description": "PLAN_ADMIN_TOKEN er ikke satt."},
    },
}


def _summary(request: Request) -> FeedbackSummary:
    found = _store(request).summary()
    return FeedbackSummary(
        useful=found.useful,
        not_useful=found.not_useful,
        days=request.app.state.settings.feedback_days,
        by_day=[DayCount(**day) for day in found.by_day],
        worst=[WorstQuestion(**vars(q)) for q in found.worst],
    )


@router.get("/api/feedback/summary", response_model=FeedbackSummary, **STAFF)
def feedback_summary(request: Request) -> FeedbackSummary:
    """Antall «Ja» og «Nei», per dag, og spørsmålene med flest «Nei». Bare for ansatte
    (`Authorization: Bearer <PLAN_ADMIN_TOKEN>`)."""
    return _summary(request)


def _csv(request: Request) -> Response:
    header = ["tid (UTC)", "spørsmål", "nyttig", "kommentar", "kilder", "indeksversjon", "språk"]
    rows = (
        [
            r.created,
            r.question,
            "ja" if r.useful else "nei",
            r.comment,
            " ".join(r.citations),
            r.index_version,
            r.lang,
        ]
        for r in _store(request).rows()
    )
    response = csv_response(header, rows, "tilbakemeldinger.csv")
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/api/feedback.csv", **STAFF)
def feedback_csv(request: Request) -> Response:
    """Alle tilbakemeldinger som CSV (semikolon, UTF-8 med BOM). Bare for ansatte."""
    return _csv(request)


# -- the form under every answer --------------------------------------------------------------
async def _small_form(request: Request) -> FormData:
    length = request.headers.get("content-length", "")
    if not length.isdigit():
        raise HTTPException(411)
    if int(length) > FORM_LIMIT:
        raise HTTPException(413)
    return await request.form(max_files=0, max_fields=100)


def _cross_site(request: Request) -> bool:
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = request.headers.get("origin")
    return origin is not None and urlsplit(origin).netloc != request.headers.get("host")


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _back_to_answer(request: Request, question: str, state: str, row_id: str | None = None):
    params = {"q": question, "lang": request.state.lang, "tilbakemelding": state}
    if row_id:
        params["id"] = row_id
    return RedirectResponse(f"/?{urlencode(params)}#svar-nyttig", status_code=303)


def _respond(request: Request, question: str, status: int = 200, **feedback) -> Response:
    """After a post: the feedback block for chat.js, or (without JavaScript) the answer page;
    a success is sent back to the answer page with a redirect, so reloading posts nothing."""
    if request.headers.get(FRAGMENT_HEADER) == "fetch":
        return render(request, "_feedback.html", status, tid="svar", question=question, **feedback)
    if status < 400:
        return _back_to_answer(request, question, feedback["feedback"], feedback.get("feedback_id"))
    return chat_page(request, question, status_code=status, **feedback)


async def _checked_form(request: Request) -> FormData | Response:
    """The posted form, or the page to answer with when it came from another site."""
    if _cross_site(request):
        return error_page(request, 403, "feedback_invalid_title", "feedback_cross_site")
    return await _small_form(request)


def _over_limit(request: Request) -> bool:
    return ratelimit.hit(request, ratelimit.FEEDBACK) > 0


@router.post("/tilbakemelding", include_in_schema=False)
async def feedback_form(request: Request) -> Response:
    form = await _checked_form(request)
    if isinstance(form, Response):
        return form
    question, useful = _text(form, "q"), _text(form, "useful")
    try:
        body = FeedbackIn(
            question=question,
            useful=useful == "ja",
            citations=form.getlist("citations"),
            index_version=_text(form, "index_version"),
        )
    except ValidationError:
        body = None
    if body is None or useful not in ("ja", "nei") or not question.strip():
        return error_page(request, 422, "feedback_invalid_title", "feedback_invalid_text")
    kept = {"citations": body.citations, "index_version": body.index_version}
    if _over_limit(request):
        message = request.state.t("feedback_rate_limited")
        return _respond(request, question, 429, feedback_error=message, **kept)
    row_id = await run_in_threadpool(_save, request, body)
    if row_id is None:
        return _respond(request, question, feedback="feil")
    if body.useful:
        return _respond(request, question, feedback="ja")
    return _respond(request, question, feedback="nei", feedback_id=row_id)


@router.post("/tilbakemelding/kommentar", include_in_schema=False)
async def feedback_comment(request: Request) -> Response:
    form = await _checked_form(request)
    if isinstance(form, Response):
        return form
    question, row_id, comment = _text(form, "q"), _text(form, "id"), _text(form, "comment")
    t = request.state.t
    if not question.strip() or len(question) > request.app.state.settings.max_question_chars:
        return error_page(request, 422, "feedback_invalid_title", "feedback_invalid_text")
    again = {"feedback": "nei", "feedback_id": row_id, "comment": comment}
    if len(comment.strip()) > COMMENT_MAX:
        message = t("feedback_comment_too_long", max=COMMENT_MAX, n=len(comment.strip()))
        return _respond(request, question, 422, feedback_error=message, **again)
    if _over_limit(request):
        return _respond(request, question, 429, feedback_error=t("feedback_rate_limited"), **again)
    if comment.strip():
        try:
            saved = await run_in_threadpool(_store(request).add_comment, row_id, comment)
        except (sqlite3.Error, OSError):
            log.exception("could not store a feedback comment")
            saved = False
        if not saved:
            return _respond(request, question, feedback="feil")
    return _respond(request, question, feedback="kommentar")


# -- the staff page ---------------------------------------------------------------------------
def _with_passages(request: Request, worst: list[WorstQuestion]) -> list[dict]:
    """The worst questions, each cited passage resolved to a link into the reader if it is still
    in the index."""
    assistant = request.app.state.assistant
    out = []
    for q in worst:
        passages = []
        for pid in q.citations:
            try:
                p = assistant.passage(pid)
            except IndexUnavailable:
                p = None
            passages.append(
                {
                    "id": pid,
                    "url": passage_url(p),
                    "title": p.document_title,
                    "page": p.page,
                    "section": p.section,
                }
                if p
                else {"id": pid}
            )
        out.append({**q.model_dump(), "passages": passages})
    return out


def _staff_page(request: Request, status: int = 200, **context) -> HTMLResponse:
    return render_with_csrf(
        request,
        "admin_feedback.html",
        status,
        days=request.app.state.settings.feedback_days,
        **context,
    )


@router.get("/admin/tilbakemeldinger", include_in_schema=False)
def staff_feedback(request: Request) -> HTMLResponse:
    return _staff_page(request)


@router.post("/admin/tilbakemeldinger", include_in_schema=False)
async def staff_feedback_show(request: Request) -> Response:
    if not request.app.state.settings.admin_token:
        return _staff_page(request, 403)  # the page says that viewing is switched off
    form = await _small_form(request)
    try:
        check_staff_form(request, form, STAFF_ONLY)
    except UploadRejected as exc:
        return with_refusal_headers(_staff_page(request, exc.status, error=exc.message), exc)
    if _text(form, "vis") == "csv":
        return await run_in_threadpool(_csv, request)
    summary = await run_in_threadpool(_summary, request)
    return _staff_page(
        request,
        summary=summary,
        worst=_with_passages(request, summary.worst),
        recent_days=summary.by_day[-14:][::-1],
    )
