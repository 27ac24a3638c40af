"""Cheap checks before parsing: which files to read, their size, emptiness and what the bytes
really are. Nothing here imports the model or the parsers, so the command line can refuse bad
paths at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import MESSAGES_NB, IngestError, Reason

PDF_SUFFIXES = {".pdf"}
MARKUP = (b"<!doctype", b"<html", b"<?xml", b"pk\x03\x04")  # HTML, XML and ZIP (docx, odt)
MARKDOWN_SUFFIXES = {".md", ".markdown"}
TEXT_SUFFIXES = {".txt"}
SUPPORTED_SUFFIXES = PDF_SUFFIXES | MARKDOWN_SUFFIXES | TEXT_SUFFIXES


@dataclass
class PlanFiles:
    files: list[Path] = field(default_factory=list)  # to read
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # in a folder, with why
    missing: list[Path] = field(default_factory=list)  # named, but not there


def find_plan_files(paths: Iterable[Path]) -> PlanFiles:
    """The plan files under ``paths``: a folder is searched recursively, its files of other
    types and hidden files are skipped with the reason; a file named is read whatever its type
    (the parser says why when it cannot)."""
    found = PlanFiles()
    for path in map(Path, paths):
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                if not p.is_file():
                    continue
                if p.name.startswith("."):
                    found.skipped.append((p, MESSAGES_NB[Reason.HIDDEN]))
                elif p.suffix.lower() in SUPPORTED_SUFFIXES:
                    found.files.append(p)
                else:
                    found.skipped.append((p, MESSAGES_NB[Reason.UNSUPPORTED]))
        elif path.exists():
            found.files.append(path)
        else:
            found.missing.append(path)
    return found


def sniff(path: Path, max_bytes: int) -> str:
    """The media type to parse ``path`` as; raises IngestError with the reason when we can't."""
    size = path.stat().st_size
    if size == 0:
        raise IngestError(Reason.EMPTY, "0 bytes")
    if size > max_bytes:
        raise IngestError(Reason.TOO_LARGE, f"{size} bytes > {max_bytes}")
    with path.open("rb") as f:
        head = f.read(1024)
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        if b"%PDF-" not in head:
            if not head.strip():
                raise IngestError(Reason.EMPTY, "only whitespace")
            raise IngestError(Reason.NOT_PDF, f"starts with {head[:8]!r}")
        return "application/pdf"
    if suffix in MARKDOWN_SUFFIXES | TEXT_SUFFIXES:
        if b"\x00" in head or head.startswith(b"%PDF-") or head.lstrip().lower().startswith(MARKUP):
            raise IngestError(Reason.UNSUPPORTED, "binary data or markup in a text file")
        if not head.strip():
            raise IngestError(Reason.EMPTY, "only whitespace")
        return "text/markdown" if suffix in MARKDOWN_SUFFIXES else "text/plain"
    raise IngestError(Reason.UNSUPPORTED, f"suffix {suffix!r}")
