"""The JSON API (contracts in ARCHITECTURE.md)."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from assistant.conversation import MAX_CITATIONS, MAX_TURNS
from assistant.feedback import COMMENT_MAX
from assistant.initiatives import sort_initiatives
from assistant.models import (
    AskRequest,
    AskResult,
    Health,
    InitiativeChoice,
    InitiativeFacets,
    InitiativeList,
    InitiativeOut,
    SearchResult,
    Status,
)
from web import ratelimit
from web.csv_export import csv_response

router = APIRouter()
# What to do about a bad field in POST /api/feedback (web/feedback.py).
FEEDBACK_FIELDS = {
    "useful": "useful må være true (svaret var nyttig) eller false (ikke nyttig).",
    "comment": f"Kommentaren er for lang. Skriv høyst {COMMENT_MAX} tegn.",
    "index_version": "Send med index_version slik den står i svaret (høyst 100 tegn).",
    "citations": "citations må være en liste med høyst 50 passage_id-er fra svaret.",
}


# What to do about a bad field in POST /api/ask beyond the question itself.
ASK_FIELDS = {
    "history": f"history må være en liste med høyst {MAX_TURNS} tidligere spørsmål, eldst "
    "først, hvert med question (1–500 tegn) og citations (høyst "
    f"{MAX_CITATIONS} passage_id-er, hver høyst 200 tegn).",
    "lang": "lang må være nb (bokmål) eller nn (nynorsk).",
}


def validation_message(exc: RequestValidationError) -> str:
    for error in exc.errors():
        loc = error.get("loc", ())
        field = next((part for part in reversed(loc) if isinstance(part, str)), "")
        kind = error.get("type", "")
        if len(loc) > 1 and loc[0] == "body" and loc[1] in ASK_FIELDS:
            return ASK_FIELDS[loc[1]]
        if field in ("question", "q") and kind in ("string_too_short", "missing"):
            return "Skriv et spørsmål (minst ett tegn)."
        if field in ("question", "q") and kind == "string_too_long":
            return "Spørsmålet er for langt. Skriv høyst 500 tegn."
        if field == "k":
            return "k må være et heltall fra 1 til 20."
        if field in FEEDBACK_FIELDS:
            return FEEDBACK_FIELDS[field]
        if field == "status" and kind == "literal_error":
            return "status må være igangsatt, planlagt, løpende eller tas ut."
        if field == "sort" and kind == "literal_error":
            return "sort må være id, title, owner eller priority."
    return "Forespørselen er ugyldig. Sjekk feltene og prøv igjen."


def rate_limit(
    request: Request,
    scope: str = ratelimit.QUESTIONS,
    message: str = "Du har stilt mange spørsmål på kort tid. Vent litt og prøv igjen.",
) -> None:
    """429 with Retry-After when this client is over the limit (default: the question limit)."""
    wait = ratelimit.hit(request, scope)
    if wait:
        raise HTTPException(429, message, headers={"Retry-After": str(wait)})


@router.post("/api/ask", response_model=AskResult, tags=["spørsmål"])
def ask(body: AskRequest, request: Request) -> AskResult:
    """Svar på et spørsmål med sitater fra planene, eller et ærlig «fant ikke». Med
    `history` (de tidligere spørsmålene i samtalen og kildene de fikk) forstås oppfølgings-
    spørsmål som «Hvem har ansvaret for det?»; `interpreted_as` sier hva som ble søkt etter."""
    rate_limit(request)
    question = body.question.strip()
    if not question:
        raise HTTPException(422, "Skriv et spørsmål (minst ett tegn).")
    return request.app.state.assistant.ask(question, body.k, body.lang, body.turns())


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
    """Filters of the initiative list. Owners and partners match as organisations: a canonical
    name, an alias ("fylkeskommunen", "HINN") or any name, on whole words. Theme, level and
    priority match case-insensitive substrings."""

    q: str | None = Field(None, max_length=200, description="Fritekst i alle felt.")
    tema: str | None = Field(None, max_length=200)
    niva: str | None = Field(None, max_length=200)
    ansvarlig: str | None = Field(None, max_length=200)
    partner: str | None = Field(None, max_length=200)
    prioritering: str | None = Field(None, max_length=200)
    status: Status | None = None


Sort = Literal["id", "title", "owner", "priority"]


def filtered_initiatives(
    request: Request,
    filters: Annotated[InitiativeFilters, Query()],
    sort: Annotated[Sort | None, Query(description="Plan order when left out.")] = None,
):
    return sort_initiatives(request.app.state.assistant.initiatives(**filters.model_dump()), sort)


FilteredInitiatives = Annotated[list, Depends(filtered_initiatives)]


def initiative_out(ini) -> InitiativeOut:
    fields = InitiativeOut.model_fields
    doc = quote(ini.document_id, safe="")
    pid = quote(ini.passage_id or "", safe="")
    return InitiativeOut(
        **{k: v for k, v in ini.to_dict().items() if k in fields},
        url=f"/dokumenter/{doc}?passasje={pid}#passasje-{pid}"
        if pid
        else f"/dokumenter/{doc}#side-{ini.page}",
        pdf_url=f"/dokumenter/{doc}/fil#page={ini.page}",
    )


@router.get("/api/initiatives", response_model=InitiativeList, tags=["tiltak"])
def initiatives(found: FilteredInitiatives) -> InitiativeList:
    """Tiltak filtrert på fritekst, tema, nivå, ansvarlig, partner, prioritering og status."""
    return InitiativeList(initiatives=[initiative_out(i) for i in found])


@router.get("/api/initiatives.csv", tags=["tiltak"])
def initiatives_csv(found: FilteredInitiatives, request: Request) -> Response:
    """De samme tiltakene som CSV (semikolon-separert, UTF-8 med BOM for Excel)."""
    site = str(request.base_url).rstrip("/")
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
        "beskrivelse",
        "status",
        "lenke",
        "pdf-lenke",
    ]
    rows = (
        [
            o.id,
            o.title,
            o.theme,
            o.level,
            "; ".join(o.responsible),
            "; ".join(o.partners),
            "; ".join(o.links),
            o.priority,
            o.document_id,
            o.page,
            o.description,
            o.status,
            site + o.url,
            site + o.pdf_url,
        ]
        for o in map(initiative_out, found)
    )
    return csv_response(header, rows, "tiltak.csv")


@router.get("/api/initiatives/facets", response_model=InitiativeFacets, tags=["tiltak"])
def facets(request: Request, filters: Annotated[InitiativeFilters, Query()]) -> InitiativeFacets:
    """Hvem som er med i planene: verdiene for hvert filter med antall tiltak hver gir sammen
    med de andre filtrene (antallet er lengden på listen verdien gir)."""
    return InitiativeFacets(**request.app.state.assistant.initiative_facets(**filters.model_dump()))


@router.get(
    "/api/initiatives/{key}",
    response_model=InitiativeOut,
    responses={300: {"model": InitiativeChoice, "description": "Nummeret brukes av flere."}},
    tags=["tiltak"],
)
def initiative(key: str, request: Request):
    """Ett tiltak, etter nøkkel ("k8-videreutvikle-trainee-ordninger") eller nummer ("K8").
    Brukes nummeret av flere tiltak (L9), svarer vi 300 med alle."""
    found = request.app.state.assistant.initiatives_by_reference(key)
    if not found:
        raise HTTPException(404, "Fant ikke tiltaket.")
    if len(found) > 1:
        choice = InitiativeChoice(
            detail=f"{len(found)} tiltak har nummeret {found[0].id}. Velg ett av dem.",
            id=found[0].id,
            keys=[i.key for i in found],
            initiatives=[initiative_out(i) for i in found],
        )
        return JSONResponse(choice.model_dump(), status_code=300)
    return initiative_out(found[0])
