"""Read a PDF with pypdf into pages of lines that keep their font size and weight.

Runs in-process; ``ingest.safe_parse`` calls it in a child process with time and memory limits.
This module must stay light: it imports pypdf and nothing heavy (no torch, no faiss).
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

from ingest.errors import IngestError, Reason
from ingest.models import Line, Page, RawDocument

logging.getLogger("pypdf").setLevel(logging.ERROR)


def _is_bold(font_dict) -> bool:
    if not font_dict:
        return False
    try:
        name = str(font_dict.get("/BaseFont", ""))
    except Exception:  # damaged font dictionaries
        return False
    lowered = name.lower()
    return any(w in lowered for w in ("bold", "black", "heavy", "semibold", "demi"))


def _page_lines(page) -> list[Line]:
    """Lines of one page in drawing order, each with the dominant font size and weight."""
    fragments: list[tuple[str, float, bool]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text:
            return
        try:
            scale = abs(float(tm[0])) * abs(float(cm[0])) or 1.0
        except (TypeError, ValueError, IndexError):
            scale = 1.0
        size = float(font_size or 0.0) * scale if font_size else 0.0
        fragments.append((text, round(size, 1), _is_bold(font_dict)))

    page.extract_text(visitor_text=visit)

    lines: list[Line] = []
    buf: list[str] = []
    sizes: Counter = Counter()
    bolds: Counter = Counter()

    def flush() -> None:
        text = "".join(buf)
        if text.strip():
            size = sizes.most_common(1)[0][0] if sizes else 0.0
            bold = bolds[True] > bolds[False]
            lines.append(Line(text=text.strip(), size=size, bold=bold))
        buf.clear()
        sizes.clear()
        bolds.clear()

    for text, size, bold in fragments:
        pieces = text.split("\n")
        for i, piece in enumerate(pieces):
            if i > 0:
                flush()
            if piece:
                buf.append(piece)
                if piece.strip():
                    sizes[size] += len(piece.strip())
                    bolds[bold] += len(piece.strip())
    flush()
    return lines


def _labels(reader, count: int) -> list[str | None]:
    try:
        labels = list(reader.page_labels)[:count]
    except Exception:  # a broken /PageLabels tree only loses labels
        return [None] * count
    out: list[str | None] = []
    for i in range(count):
        label = labels[i] if i < len(labels) else None
        out.append(label if label and label != str(i + 1) else None)
    return out


def read_pdf(path: Path, max_pages: int = 2000) -> RawDocument:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    try:
        reader = PdfReader(str(path), strict=False)
    except FileNotDecryptedError as exc:
        raise IngestError(Reason.ENCRYPTED, str(exc)) from exc
    if reader.is_encrypted:
        try:
            result = reader.decrypt("")
        except Exception as exc:  # unsupported crypto etc.
            raise IngestError(Reason.ENCRYPTED, str(exc)) from exc
        if not result:
            raise IngestError(Reason.ENCRYPTED, "needs a password")
    try:
        count = len(reader.pages)
    except FileNotDecryptedError as exc:
        raise IngestError(Reason.ENCRYPTED, str(exc)) from exc
    if count == 0:
        raise IngestError(Reason.NO_TEXT, "no pages")
    if count > max_pages:
        raise IngestError(Reason.TOO_MANY_PAGES, f"{count} pages > {max_pages}")

    warnings: list[str] = []
    pages: list[Page] = []
    labels = _labels(reader, count)
    failed = 0
    for i in range(count):
        try:
            lines = _page_lines(reader.pages[i])
        except FileNotDecryptedError as exc:
            raise IngestError(Reason.ENCRYPTED, str(exc)) from exc
        except RecursionError as exc:
            raise IngestError(Reason.DAMAGED, f"page {i + 1}: recursion") from exc
        except Exception as exc:  # one bad page must not sink the document
            if type(exc).__name__ == "LimitReachedError":
                raise IngestError(Reason.BOMB, str(exc)) from exc
            failed += 1
            warnings.append(f"Side {i + 1} kunne ikke leses og er hoppet over.")
            lines = []
        pages.append(Page(number=i + 1, lines=lines, label=labels[i]))
    if failed == count:
        raise IngestError(Reason.DAMAGED, "no page could be read")

    title, tools = None, set()
    try:
        meta = reader.metadata
        if meta and meta.title:
            title = str(meta.title).strip() or None
        # A scanner or converter may stamp its name on the page: that is not text.
        tools = {str(meta.get(k, "")).strip().casefold() for k in ("/Producer", "/Creator")}
        tools.discard("")
    except Exception:  # metadata is optional
        title = None
    for page in pages:
        page.lines = [ln for ln in page.lines if ln.text.strip().casefold() not in tools]
    if not any(line.text.strip() for p in pages for line in p.lines):
        raise IngestError(Reason.NO_TEXT, "no text layer")
    return RawDocument(pages=pages, title=title, warnings=warnings)
