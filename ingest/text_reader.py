"""Read plain text and Markdown files into the same page/line shape as PDFs."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.errors import IngestError, Reason
from ingest.models import Line, Page, RawDocument

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")


def decode(data: bytes) -> str:
    if b"\x00" in data:
        raise IngestError(Reason.UNSUPPORTED, "binary data in a text file")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_text(path: Path) -> RawDocument:
    """Plain text: form feeds separate pages; blank lines separate paragraphs.

    Each paragraph is one line here, so paragraphs become passages of their own.
    """
    text = decode(path.read_bytes()).replace("\r\n", "\n").replace("\r", "\n")
    pages: list[Page] = []
    for number, chunk in enumerate(text.split("\f"), 1):
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", chunk)]
        lines = [Line(text=p, heading_level=None) for p in paragraphs if p]
        pages.append(Page(number=number, lines=lines))
    if not any(p.lines for p in pages):
        raise IngestError(Reason.EMPTY, "no text")
    return RawDocument(pages=pages, title=None)


def read_markdown(path: Path) -> RawDocument:
    """Markdown: ATX and setext headings become sections; paragraphs stay paragraphs."""
    text = decode(path.read_bytes()).replace("\r\n", "\n").replace("\r", "\n")
    lines: list[Line] = []
    paragraph: list[str] = []
    in_code = False

    def flush() -> None:
        if paragraph:
            lines.append(Line(text=" ".join(" ".join(paragraph).split())))
            paragraph.clear()

    raw_lines = text.split("\n")
    for i, raw in enumerate(raw_lines):
        stripped = raw.strip()
        if stripped.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            paragraph.append(stripped)
            continue
        if m := _MD_HEADING.match(stripped):
            flush()
            lines.append(Line(text=_plain(m.group(2)), heading_level=len(m.group(1))))
            continue
        nxt = raw_lines[i + 1].strip() if i + 1 < len(raw_lines) else ""
        if stripped and _SETEXT.match(nxt) and not paragraph:
            lines.append(Line(text=_plain(stripped), heading_level=1 if nxt[0] == "=" else 2))
            continue
        if _SETEXT.match(stripped) and lines and lines[-1].heading_level and not paragraph:
            continue
        if not stripped:
            flush()
            continue
        item = re.match(r"^(?:[-*+]|\d+[.)])\s+(.*)$", stripped)
        if item:
            flush()
            paragraph.append(item.group(1))
            continue
        paragraph.append(stripped)
    flush()
    lines = [ln for ln in lines if ln.text]
    if not lines:
        raise IngestError(Reason.EMPTY, "no text")
    title = next((ln.text for ln in lines if ln.heading_level == 1), None)
    return RawDocument(pages=[Page(number=1, lines=lines)], title=title)


def _plain(text: str) -> str:
    """Strip inline Markdown (emphasis, code, links) from heading text."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_`]+", "", text).strip()
