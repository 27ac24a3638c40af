"""The JSON API (contracts in ARCHITECTURE.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from assistant.feedback import COMMENT_MAX
from assistant.models import (
    AskRequest,
    AskResult,
    Health,
    InitiativeList,
    InitiativeOut,
    SearchResult,
)
from web.csv_export import csv_response
from web.security import RateLimiter

router = APIRouter()
# What to do about a bad field in POST /api/feedback (web/feedback.py).
FEEDBACK_FIELDS = {
    "useful": "useful må være true (svaret var nyttig) eller false (ikke nyttig).",
    "comment": f"Kommentaren er for lang. Skriv høyst {COMMENT_MAX} tegn.",
    "index_version": "Send med index_version slik den står i svaret (høyst 100 tegn).",
    "citations": "citations må være en liste med høyst 50 passage_id-er fra svaret.",
}


def validation_message(exc: RequestValidationError) -> str:
    for error in exc.errors():
        loc = error.get("loc", ())
        field = next((part for part in reversed(loc) if isinstance(part, str)), "")
        kind = error.get("type", "")
        if field in ("question", "q") and kind in ("string_too_short", "missing"):
            return "Skriv et spørsmål (minst ett tegn)."
        if field in ("question", "q") and kind == "string_too_long":
            return "Spørsmålet er for langt. Skriv høyst 500 tegn."
        if field == "k":
            return "k må være et heltall fra 1 til 20."
        if field in FEEDBACK_FIELDS:
            return FEEDBACK_FIELDS[field]
    return "Forespørselen er ugyldig. Sjekk feltene og prøv igjen."


def client_key(request: Request) -> str:
    return request.client.host if request.client else "ukjent"


def rate_limit(
    request: Request,
    limiter: RateLimiter | None = None,
    message: str = "Du har stilt mange spørsmål på kort tid. Vent litt og prøv igjen.",
) -> None:
    """429 with Retry-After when this client is over the limit (default: the question limit)."""
    wait = (limiter or request.app.state.limiter).check(client_key(request))
    if wait:
        raise HTTPException(429, message, headers={"Retry-After": str(wait)})


@router.post("/api/ask", response_model=AskResult, tags=["spørsmål"])
def ask(body: AskRequest, request: Request) -> AskResult:
    """Svar på et spørsmål med sitater fra planene, eller et ærlig «fant ikke»."""
    rate_limit(request)
    question = body.question.strip()
    if not question:
        raise HTTPException(422, "Skriv et spørsmål (minst ett tegn).")
    return request.app.state.assistant.ask(question, body.k)


@router.get("/api/search", response_model=SearchResult, tags=["spørsmål"])
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    k: Annotated[int, Query(ge=1, le=20)] = 5,
) -> SearchResult:
    """Rangerte avsnitt for et søk, uten sammensatt svar."""
    rate_limit(request)
    return SearchResult(passages=request.app.state.assistant.search(q, k))


@router.get("/healthz", response_model=Health, tags=["drift"])
def healthz(request: Request):
    assistant = request.app.state.assistant
    version = assistant.index_version
    if version is None:
        return JSONResponse(
            {"status": "unavailable", "index_version": None, "passages": 0}, status_code=503
        )
    return Health(status="ok", index_version=version, passages=assistant.passage_count)


class InitiativeFilters(BaseModel):
    """Filters of the initiative list; text matches are case-insensitive substrings."""

    q: str | None = Field(None, max_length=200, description="Fritekst i alle felt.")
    tema: str | None = Field(None, max_length=200)
    niva: str | None = Field(None, max_length=200)
    ansvarlig: str | None = Field(None, max_length=200)
    partner: str | None = Field(None, max_length=200)
    prioritering: str | None = Field(None, max_length=200)


def filtered_initiatives(request: Request, filters: Annotated[InitiativeFilters, Query()]):
    return request.app.state.assistant.initiatives(**filters.model_dump())


FilteredInitiatives = Annotated[list, Depends(filtered_initiatives)]


def initiative_out(ini) -> InitiativeOut:
    fields = InitiativeOut.model_fields
    return InitiativeOut(**{k: v for k, v in ini.to_dict().items() if k in fields})


@router.get("/api/initiatives", response_model=InitiativeList, tags=["tiltak"])
def initiatives(found: FilteredInitiatives) -> InitiativeList:
    """Tiltak filtrert på fritekst, tema, nivå, ansvarlig, partner og prioritering."""
    return InitiativeList(initiatives=[initiative_out(i) for i in found])


@router.get("/api/initiatives.csv", tags=["tiltak"])
def initiatives_csv(found: FilteredInitiatives) -> Response:
    """De samme tiltakene som CSV (semikolon-separert, UTF-8 med BOM for Excel)."""
    header = [
        "nr",
        "tittel",
        "tema",
        "nivå",
        "ansvarlig",
        "samarbeidspartnere",
        "koblinger",
        "prioritering",
        "dokument",
        "side",
    ]
    rows = (
        [
            i.id,
            i.title,
            i.theme,
            i.level,
            "; ".join(i.responsible),
            "; ".join(i.partners),
            "; ".join(i.links),
            i.priority,
            i.document_id,
            i.page,
        ]
        for i in found
    )
    return csv_response(header, rows, "tiltak.csv")


@router.get("/api/initiatives/{key}", response_model=InitiativeOut, tags=["tiltak"])
def initiative(key: str, request: Request) -> InitiativeOut:
    found = request.app.state.assistant.initiative(key)
    if found is None:
        raise HTTPException(404, "Fant ikke tiltaket.")
    return initiative_out(found)
