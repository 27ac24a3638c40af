"""What ingestion produces. Provenance is data: every passage carries where it came from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ingest.initiative_status import status_of


@dataclass
class Line:
    """One text line of a page as the PDF draws it, with the font facts heading detection needs."""

    text: str
    size: float = 0.0
    bold: bool = False
    heading_level: int | None = None  # set when the source says so (Markdown "#", "##")


@dataclass
class Page:
    """One page: ``number`` is the 1-based PDF index; ``label`` the printed one if different."""

    number: int
    lines: list[Line]
    label: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass
class Passage:
    passage_id: str
    document_id: str
    document_title: str
    page: int
    section: str
    text: str
    char_start: int = 0
    char_end: int = 0
    page_label: str | None = None
    initiative: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Passage:
        return cls(**data)


@dataclass
class Initiative:
    """A tiltak/satsing of an action programme. ``key`` is unique; ``id`` ("L9") need not be."""

    key: str
    id: str
    title: str
    theme: str
    level: str
    description: str
    responsible: list[str]
    partners: list[str]
    links: list[str]
    priority: str
    document_id: str
    page: int
    passage_id: str | None = None
    status: str | None = None  # "igangsatt" | "planlagt" | "løpende" | "tas ut"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Initiative:
        if "status" not in data:  # an index written before initiatives had a status
            data = {**data, "status": status_of(data.get("priority"))}
        return cls(**data)


# Version of the way documents are cut into passages; raised when a change to parsing or
# splitting changes the passages (2: a line without a full stop ends with a newline).
PARSER_VERSION = 2


@dataclass
class Document:
    """A whole ingested file. ``pages`` holds cleaned page text (headers/footers removed)."""

    document_id: str
    title: str
    file_name: str
    sha256: str
    media_type: str
    pages: list[str]
    passages: list[Passage] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # How passages were cut (``PARSER_VERSION``): a document parsed by an older version is parsed
    # again, not reused, when its file is ingested again.
    parser_version: int = 0

    def meta(self) -> dict[str, Any]:
        """Everything but passages and initiatives (those are stored apart)."""
        return {
            "document_id": self.document_id,
            "title": self.title,
            "file_name": self.file_name,
            "sha256": self.sha256,
            "media_type": self.media_type,
            "pages": self.pages,
            "warnings": self.warnings,
            "parser_version": self.parser_version,
        }


@dataclass
class RawDocument:
    """What a reader returns before cleaning: pages of lines, the metadata title, warnings."""

    pages: list[Page]
    title: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class Block:
    """A run of body text under one heading path, possibly spanning pages.

    ``parts`` holds ``(page_number, text)`` in reading order; ``path`` is the heading path
    from the top level down to the heading this block sits under.
    """

    path: list[str]
    parts: list[tuple[int, str]] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return self.path[-1] if self.path else ""

    @property
    def page(self) -> int:
        return self.parts[0][0] if self.parts else 0

    @property
    def text(self) -> str:
        return "\n".join(t for _, t in self.parts)
