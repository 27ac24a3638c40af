"""Read one plan file into a Document: parse (PDF, TXT or Markdown), clean, cut into passages,
find initiatives. Runs in the limited child process of ``ingest.safe_parse``; it imports the
readers and the tokenizer, nothing heavy (no torch, no faiss)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.document_builder import build_document
from ingest.errors import IngestError, Reason
from ingest.initiatives import extract_initiatives
from ingest.models import Document, RawDocument

# A PDF with fewer letters than this has no real text layer: a scan whose only text is a
# scanner's or producer's name ("pdf.js") or a few page numbers.
MIN_PDF_LETTERS = 20


@dataclass(frozen=True)
class ReadJob:
    """What the child process needs besides the file (all plain values, sent as JSON)."""

    media_type: str
    file_name: str  # shown, and slugged into the document id
    sha256: str
    model_dir: str | None = None  # count tokens as this model does (None: estimate them)
    max_pages: int = 2000
    max_tokens: int = 200
    max_chars: int = 800
    overlap_sentences: int = 1


def parse(path: Path, job: ReadJob) -> RawDocument:
    if job.media_type == "application/pdf":
        from ingest.pdf_reader import read_pdf

        return read_pdf(path, job.max_pages)
    from ingest.text_reader import read_markdown, read_text

    return read_markdown(path) if job.media_type == "text/markdown" else read_text(path)


def read_document(path: Path, job: ReadJob) -> Document:
    """The file as a Document with passages and initiatives; raises IngestError."""
    from ingest.tokens import estimate_tokens, model_token_counter

    raw = parse(path, job)
    doc, blocks = build_document(
        raw,
        file_name=job.file_name,
        sha256=job.sha256,
        media_type=job.media_type,
        count_tokens=model_token_counter(job.model_dir) if job.model_dir else estimate_tokens,
        max_tokens=job.max_tokens,
        max_chars=job.max_chars,
        overlap_sentences=job.overlap_sentences,
    )
    if not doc.passages:
        raise IngestError(_no_passages_reason(job.media_type, raw), "no passages")
    if job.media_type == "application/pdf":
        letters = sum(ch.isalpha() for p in doc.passages for ch in p.text)
        if letters < MIN_PDF_LETTERS:
            raise IngestError(Reason.NO_TEXT, f"{letters} letters of text")
    doc.initiatives = extract_initiatives(doc.document_id, blocks)
    link_initiative_passages(doc)
    return doc


def _no_passages_reason(media_type: str, raw: RawDocument) -> Reason:
    if media_type == "application/pdf":
        return Reason.NO_TEXT  # text only in headers and footers: a scan
    lines = [ln for page in raw.pages for ln in page.lines]
    if lines and all(ln.heading_level is not None for ln in lines):
        return Reason.ONLY_HEADINGS
    return Reason.EMPTY


def link_initiative_passages(doc: Document) -> None:
    """Point each initiative at the first passage of its own section (ids may repeat)."""
    for ini in doc.initiatives:
        for p in doc.passages:
            if p.initiative == ini.id and p.section.endswith(ini.title) and p.page >= ini.page:
                ini.passage_id = p.passage_id
                break
