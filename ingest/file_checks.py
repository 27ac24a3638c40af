"""Cheap checks before parsing: size, emptiness and what the bytes really are."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import IngestError, Reason

PDF_SUFFIXES = {".pdf"}
MARKUP = (b"<!doctype", b"<html", b"<?xml", b"pk\x03\x04")  # HTML, XML and ZIP (docx, odt)
MARKDOWN_SUFFIXES = {".md", ".markdown"}
TEXT_SUFFIXES = {".txt"}


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
