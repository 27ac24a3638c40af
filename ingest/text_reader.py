"""Read plain text and Markdown files into the same page/line shape as PDFs."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.errors import IngestError, Reason
from ingest.models import Line, Page, RawDocument

# Regular expressions here see whole lines of an uploaded file: each one is linear (possessive
# quantifiers, no class that can both start and end a run), or bounded by what it is applied to.
_ATX_OPENING = re.compile(r"(#{1,6})\s++")
_SETEXT = re.compile(r"^(?:=++|-++)\s*+$")
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d++[.)])\s++(.*)$")
_LINK = re.compile(r"\[([^\[\]]*)\]\([^()]*\)")
_EMPHASIS = re.compile(r"[*_`]+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


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
        paragraphs = [" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(chunk)]
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
        if heading := _atx_heading(stripped):
            flush()
            level, heading_text = heading
            lines.append(Line(text=_plain(heading_text), heading_level=level))
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
        item = _LIST_ITEM.match(stripped)
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


def _atx_heading(line: str) -> tuple[int, str] | None:
    """ "## Mål ##" → (2, "Mål"), for a stripped line; None when it is no ATX heading.

    The closing run of "#" and the spaces around it are cut with string methods: the regular
    expression that did this backtracked cubically on a line with many spaces."""
    m = _ATX_OPENING.match(line)
    if not m or m.end() == len(line):
        return None
    rest = line[m.end() :]
    text = rest.rstrip().rstrip("#").rstrip()
    return len(m.group(1)), text or rest[:1]


def _plain(text: str) -> str:
    """Strip inline Markdown (emphasis, code, links) from heading text."""
    return _EMPHASIS.sub("", _LINK.sub(r"\1", text)).strip()
