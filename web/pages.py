"""Server-rendered pages. Everything works without JavaScript; chat.js only enhances."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse

from assistant.conversation import (
    HISTORY_BUDGET,
    MAX_TURNS,
    PAGE_CITATIONS,
    Turn,
    fit,
    form_fields,
    page_history,
)
from assistant.initiatives import SORTS, sort_initiatives, sort_key
from assistant.messages import message
from assistant.service import passage_url
from ingest.organisations import register
from ingest.splitter import split_sentences
from web import ratelimit
from web.api import initiative_out
from web.markup import description_blocks
from web.security import self_path

router = APIRouter(include_in_schema=False)
HERE = Path(__file__).parent
# What the feedback form under an answer shows after a post (web/feedback.py).
FEEDBACK_STATES = ("ja", "nei", "kommentar", "feil")


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    t = request.state.t
    lang = request.state.lang
    other = "nn" if lang == "nb" else "nb"
    params = {k: v for k, v in request.query_params.items() if k != "lang"}
    params["lang"] = other
    context.update(
        request=request,
        t=t,
        lang=lang,
        switch_url=f"{self_path(request.scope['path'])}?{urlencode(params)}",
        path=request.url.path,
        say=lambda key, **values: message(key, lang, **values),  # the assistant's own words
    )
    return request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status_code
    )


def error_page(
    request: Request, status: int, title_key: str, text_key: str, text: str | None = None
) -> HTMLResponse:
    """The error page; ``text`` (already in the page's language) replaces ``text_key``'s."""
    if not hasattr(request.state, "t"):
        from web.i18n import Translator

        request.state.t, request.state.lang = Translator("nb"), "nb"
    return render(
        request, "error.html", status_code=status, title_key=title_key, text_key=text_key, text=text
    )


def _question_error(request: Request, q: str) -> str | None:
    t = request.state.t
    limit = request.app.state.settings.max_question_chars
    if not q.strip():
        return t("error_empty")
    if len(q) > limit:
        return t("error_too_long", max=limit, n=len(q))
    return None


def _history(request: Request) -> list[Turn]:
    """The earlier turns the page's form carried (hidden fields; nothing is kept here)."""
    params = request.query_params
    limit = request.app.state.settings.max_question_chars
    return page_history(params.getlist("tidligere"), params.getlist("kilder"), limit)


def _answer_context(request: Request, q: str | None, history: list[Turn]):
    """(question, result, error, status) for the chat page and the answer fragment."""
    if q is None:
        return None, None, None, 200
    error = _question_error(request, q)
    if error:
        return q, None, error, 422
    wait = ratelimit.hit(request, ratelimit.QUESTIONS)
    if wait:
        return q, None, request.state.t("error_rate_limited"), 429
    assistant = request.app.state.assistant
    return q, assistant.ask(q.strip(), lang=request.state.lang, history=history), None, 200


def _page_url(request: Request, history: list[Turn], question: str) -> str:
    """The shareable address of an answer: the question and the turns before it."""
    fields = [*form_fields(history), ("q", question), ("lang", request.state.lang)]
    return "/?" + urlencode(fields)


def _conversation(request: Request, history: list[Turn], question, result) -> dict:
    """What the templates need to show and carry the conversation: the earlier turns with
    their sources, the hidden fields for the next question, the share link."""
    assistant = request.app.state.assistant
    found = result is not None and result.found
    carried = [c.passage_id for c in result.citations[:PAGE_CITATIONS]] if found else []
    earlier = []
    for i, turn in enumerate(history):
        passages = [p for p in map(assistant.passage, turn.citations) if p is not None]
        earlier.append(
            {
                "question": turn.question,
                "sources": [(p, passage_url(p)) for p in passages],
                "url": _page_url(request, history[:i], turn.question),
            }
        )
    turns = fit([*history, Turn(question.strip(), tuple(carried))]) if result else history
    return {
        "earlier": earlier,
        "carried": carried,
        "conversation_fields": form_fields(turns),
        "share_url": _page_url(request, history, question) if question else None,
        "max_turns": MAX_TURNS,
        "history_budget": HISTORY_BUDGET,
    }


@router.get("/", response_class=HTMLResponse)
def chat(request: Request, q: str | None = None, tilbakemelding: str | None = None):
    """The chat page; ``tilbakemelding`` (and ``id``) say which feedback was just given;
    ``tidligere``/``kilder`` pairs are the earlier turns of the conversation."""
    feedback = tilbakemelding if tilbakemelding in FEEDBACK_STATES else None
    return chat_page(request, q, feedback=feedback, feedback_id=request.query_params.get("id"))


def chat_page(request: Request, q: str | None, status_code: int | None = None, **feedback):
    """The chat page with the answer to ``q``; ``feedback`` is the state of its feedback form."""
    history = _history(request)
    question, result, error, status = _answer_context(request, q, history)
    refused = result and not result.found and not result.clarifying
    themes = request.app.state.assistant.themes() if refused else []
    response = render(
        request,
        "chat.html",
        status_code=status_code or status,
        question=question,
        result=result,
        error=error,
        themes=themes,
        **_conversation(request, history, question, result),
        **feedback,
    )
    if status == 429:
        response.headers["Retry-After"] = "60"
    return response


@router.get("/svar", response_class=HTMLResponse)
def answer_fragment(request: Request, q: str | None = None):
    """The answer as an HTML fragment, for chat.js to append to the conversation."""
    history = _history(request)
    question, result, error, status = _answer_context(request, q or "", history)
    if error:
        raise HTTPException(status, error)
    themes = request.app.state.assistant.themes() if not (result.found or result.clarifying) else []
    return render(
        request,
        "_answer.html",
        question=question,
        result=result,
        themes=themes,
        turn_id=None,
        **_conversation(request, history, question, result),
    )


@router.get("/dokumenter", response_class=HTMLResponse)
def documents(request: Request):
    return render(request, "documents.html", documents=request.app.state.assistant.documents())


def _display_text(passages) -> list[tuple[object, str]]:
    """Passages with the sentences they repeat from the previous one left out (overlap)."""
    out = []
    prev = None
    for p in passages:
        text = p.text
        if prev is not None and prev.section == p.section:
            sentences = split_sentences(text)
            while sentences and sentences[0] in prev.text and len(sentences) > 1:
                sentences.pop(0)
            text = " ".join(sentences)
        out.append((p, text))
        prev = p
    return out


@router.get("/dokumenter/{document_id}", response_class=HTMLResponse)
def document(request: Request, document_id: str, passasje: str | None = None):
    found = request.app.state.assistant.document(document_id)
    if found is None:
        raise HTTPException(404)
    meta, passages = found
    pages: dict[int, list] = {}
    for p, text in _display_text(passages):
        pages.setdefault(p.page, []).append((p, p.text if p.passage_id == passasje else text))
    return render(
        request,
        "document.html",
        meta=meta,
        pages=sorted(pages.items()),
        cited=passasje,
        page_count=len(meta["pages"]),
    )


@router.get("/dokumenter/{document_id}/fil")
def document_file(request: Request, document_id: str):
    assistant = request.app.state.assistant
    path = assistant.document_file(document_id)
    found = assistant.document(document_id)
    if path is None or found is None:
        raise HTTPException(404)
    meta = found[0]
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{document_id}{path.suffix}")
    return FileResponse(
        path,
        media_type=meta["media_type"],
        headers={"Content-Disposition": f'inline; filename="{safe_name}"'},
    )


FILTERS = ("q", "tema", "niva", "ansvarlig", "partner", "prioritering", "status")
STATUS_KEYS = {
    "igangsatt": "initiative_status_started",
    "planlagt": "initiative_status_planned",
    "løpende": "initiative_status_ongoing",
    "tas ut": "initiative_status_removed",
}


def _status_labels(request: Request) -> dict[str, str]:
    return {status: request.state.t(key) for status, key in STATUS_KEYS.items()}


def _facet_choices(facets: dict, filters: dict, shown: int) -> dict[str, list[dict]]:
    """Each filter's values with counts, the chosen one marked; a chosen value the facets do
    not list (typed in a link, "fylkeskommunen") is shown as the organisation it names."""
    reg = register()
    choices: dict[str, list[dict]] = {}
    for name, values in facets.items():
        chosen = filters.get(name)
        org = reg.resolve(chosen) if chosen and name in ("ansvarlig", "partner") else None
        chosen = org.name if org else chosen
        options = [
            dict(v, selected=bool(chosen) and sort_key(v["name"]) == sort_key(chosen))
            for v in values
        ]
        if chosen and not any(o["selected"] for o in options):
            options.append({"name": chosen, "count": shown, "selected": True})
        if name in ("ansvarlig", "partner", "tema", "niva"):
            options.sort(key=lambda o: sort_key(o["name"]))
        choices[name] = options
    return choices


@router.get("/tiltak", response_class=HTMLResponse)
def initiatives(request: Request):
    assistant = request.app.state.assistant
    filters = {k: (request.query_params.get(k) or "").strip()[:200] or None for k in FILTERS}
    sort = request.query_params.get("sort")
    sort = sort if sort in SORTS else None
    found = sort_initiatives(assistant.initiatives(**filters), sort)
    facets = assistant.initiative_facets(**filters)
    active = {k: v for k, v in filters.items() if v}
    query = urlencode({**active, **({"sort": sort} if sort else {})})
    return render(
        request,
        "initiatives.html",
        initiatives=found,
        filters=filters,
        choices=_facet_choices(facets, filters, len(found)),
        sort=sort,
        sort_urls={
            key: "/tiltak?" + urlencode({**active, **({"sort": key} if key else {})})
            for key in (None, *SORTS)
        },
        status_labels=_status_labels(request),
        csv_url="/api/initiatives.csv" + (f"?{query}" if query else ""),
    )


@router.get("/tiltak/{key}", response_class=HTMLResponse)
def initiative(request: Request, key: str):
    assistant = request.app.state.assistant
    found = assistant.initiatives_by_reference(key)
    if not found:
        raise HTTPException(404)
    if len(found) > 1:  # an id used twice (L9): offer both
        return render(
            request,
            "initiative_choice.html",
            status_code=300,
            ref=found[0].id,
            choices=[initiative_out(i) for i in found],
            status_labels=_status_labels(request),
        )
    ini = found[0]
    links = [
        other
        for link in ini.links
        for other in assistant.all_initiatives()
        if other.id == link and other.document_id == ini.document_id and other.key != ini.key
    ]
    return render(
        request,
        "initiative.html",
        ini=initiative_out(ini),
        description=description_blocks(ini.description),
        links=links,
        linked_from=assistant.initiatives_linking_to(ini),
        status_labels=_status_labels(request),
    )


@lru_cache(maxsize=1)
def wcag() -> dict:
    """web/data/wcag.toml: the statement's dates, the known deviations and every criterion."""
    return tomllib.loads((HERE / "data" / "wcag.toml").read_text("utf-8"))


def criterion_status(criterion: dict, data: dict) -> str:
    """samsvar, brudd (a known deviation), ikke_relevant, or unntatt (not in the regulation)."""
    if criterion["id"] in data["statement"]["exempt"]:
        return "unntatt"
    if any(criterion["id"] in d["criteria"] for d in data.get("deviation", [])):
        return "brudd"
    if criterion["how"].startswith("Ikke relevant"):
        return "ikke_relevant"
    return "samsvar"


@router.get("/tilgjengelighet", response_class=HTMLResponse)
def accessibility(request: Request):
    """The accessibility statement, in the structure of Digdir's (uustatus.no)."""
    data = wcag()
    t = request.state.t
    statement = data["statement"]
    criteria = [{**c, "status": criterion_status(c, data)} for c in data["criterion"]]
    required = [c for c in criteria if c["status"] != "unntatt"]
    names = {c["id"]: f"{c['id']} {c['name']}" for c in criteria}
    deviations = [
        {"key": d["key"], "criteria": [names[i] for i in d["criteria"]]}
        for d in data.get("deviation", [])
    ]
    settings = request.app.state.settings
    return render(
        request,
        "accessibility.html",
        criteria=criteria,
        total=len(required),
        breaches=sum(c["status"] == "brudd" for c in required),
        exempt=", ".join(statement["exempt"]),
        deviations=deviations,
        manual=[c for c in required if c["test"].startswith("Manuell")],
        updated=t.long_date(statement["updated"]),
        automated=t.long_date(statement["automated"]),
        contact_email=settings.contact_email,
        contact_url=settings.contact_url,
    )


@router.get("/om", response_class=HTMLResponse)
def about(request: Request):
    return render(request, "about.html")


@router.get("/favicon.ico")
def favicon():
    return FileResponse(HERE / "static" / "favicon.ico", media_type="image/x-icon")
