"""Shapes of what the assistant returns: the JSON API contract (ARCHITECTURE.md), extended only."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from assistant.conversation import MAX_CITATIONS, MAX_TURNS, Turn


class Citation(BaseModel):
    n: int = Field(description="Number used by the [n] markers in the answer.")
    passage_id: str
    document_id: str
    document_title: str
    page: int = Field(description="1-based PDF page index.")
    page_label: str | None = Field(None, description="Printed page label, if it differs.")
    section: str = Field(description="Heading path, parts joined by ' › '.")
    initiative: str | None = None
    text: str
    score: float
    url: str = Field(description="The passage in the document reader.")
    pdf_url: str = Field(description="The original file at #page=N.")
    marks: list[tuple[int, int]] = Field(
        default_factory=list, description="Character spans of the question's words in text."
    )


class HistoryTurn(BaseModel):
    """An earlier turn of the conversation, as the client kept it."""

    question: str = Field(min_length=1, max_length=500, description="The question as asked.")
    citations: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list,
        max_length=MAX_CITATIONS,
        description="passage_id of the passages its answer cited, in order.",
    )


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=500)
    k: int | None = Field(None, ge=1, le=20)
    history: list[HistoryTurn] | None = Field(
        None,
        max_length=MAX_TURNS,
        description="Earlier turns, oldest first, kept by the client only. A follow-up "
        '("Hvem har ansvaret for det?") is resolved against them.',
    )
    lang: Literal["nb", "nn"] | None = Field(
        None,
        description="Language the assistant writes in: nb (bokmål) or nn (nynorsk). "
        "Default: nn when the question is nynorsk, else nb.",
    )

    def turns(self) -> list[Turn]:
        return [Turn(t.question, tuple(t.citations)) for t in self.history or []]


class AskResult(BaseModel):
    question: str
    found: bool
    answer: str
    citations: list[Citation]
    index_version: str
    expanded_terms: list[str] = Field(
        default_factory=list, description="Plan words also searched for (klarspråk glossary)."
    )
    interpreted_as: str | None = Field(
        None, description="The question as searched, when a follow-up was rewritten from history."
    )
    clarifying: bool = Field(
        False, description="The answer is a question back: a follow-up with nothing to refer to."
    )


class SearchResult(BaseModel):
    passages: list[Citation]


Status = Literal["igangsatt", "planlagt", "løpende", "tas ut"]


class InitiativeOut(BaseModel):
    key: str
    id: str
    title: str
    theme: str
    level: str
    description: str = Field(description="Paragraphs and list items, one per line.")
    responsible: list[str]
    partners: list[str]
    links: list[str]
    priority: str
    status: Status | None = Field(None, description="Read from the priority text.")
    document_id: str
    page: int
    passage_id: str | None = None
    url: str = Field("", description="The initiative in the document reader.")
    pdf_url: str = Field("", description="The original file at #page=N.")


class InitiativeList(BaseModel):
    initiatives: list[InitiativeOut]


class InitiativeChoice(BaseModel):
    """An id used by more than one initiative (answered with status 300)."""

    detail: str
    id: str
    keys: list[str]
    initiatives: list[InitiativeOut]


class FacetValue(BaseModel):
    name: str
    count: int = Field(description="Initiatives shown when this value is chosen.")


class InitiativeFacets(BaseModel):
    ansvarlig: list[FacetValue]
    partner: list[FacetValue]
    tema: list[FacetValue]
    niva: list[FacetValue]
    prioritering: list[FacetValue]
    status: list[FacetValue]


class Health(BaseModel):
    status: str
    index_version: str | None
    passages: int


class DocumentInfo(BaseModel):
    document_id: str
    title: str
    file_name: str
    media_type: str
    pages: int
    passages: int
