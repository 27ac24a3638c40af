"""Find headings in cleaned pages and cut the text into blocks under heading paths.

A line is a heading when the source says so (Markdown) or when it is set apart typographically
(bold or larger than the body text) and reads like a title (short, no closing full stop).
Numbered headings ("2.1 Strategier") nest by their numbering; initiative headings
("K4 Sikre digital kompetanse") and other unnumbered headings nest under the nearest numbered
heading, ranked among themselves by font size. Headings that wrap over lines are joined.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.cleaning import join_lines, join_paragraphs
from ingest.models import Block, Line, Page

NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,5})\.?\s+(\S.*)$")
INITIATIVE = re.compile(r"^([A-ZÆØÅ]{1,3})(\d{1,3})\s+([A-ZÆØÅa-zæøå«\"(].*)$")
MAX_HEADING_CHARS = 160


def initiative_id(heading: str) -> str | None:
    """ "K4 Sikre digital kompetanse" → "K4"; None when the heading names no initiative."""
    m = INITIATIVE.match(heading)
    return f"{m.group(1)}{m.group(2)}" if m else None


def body_size(pages: list[Page]) -> float:
    weights: Counter = Counter()
    for page in pages:
        for line in page.lines:
            if line.size:
                weights[round(line.size, 1)] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def _looks_like_heading(line: Line, body: float) -> bool:
    if line.heading_level is not None:
        return True
    text = line.text
    if not body or not line.size or len(text) > MAX_HEADING_CHARS:
        return False
    if line.size < body - 0.1:
        return False
    if not (line.bold or line.size >= body * 1.15):
        return False
    if text.endswith((".", ";")) and not text.endswith("..") and not NUMBERED.match(text):
        return False
    return any(ch.isalpha() for ch in text)


@dataclass
class _Heading:
    text: str
    rank: float
    size: float
    numbered: bool


def _starts_new_heading(text: str) -> bool:
    return bool(NUMBERED.match(text) or INITIATIVE.match(text))


def find_blocks(pages: list[Page], title: str | None = None) -> list[Block]:
    """Blocks of body text, each under its heading path (outermost first)."""
    body = body_size(pages)
    styles = sorted(
        {
            round(ln.size, 1)
            for p in pages
            for ln in p.lines
            if ln.heading_level is None and _looks_like_heading(ln, body)
        },
        reverse=True,
    )
    title_key = (title or "").strip().lower()
    widths = {
        p.number: max(
            (len(ln.text) for ln in p.lines if not _looks_like_heading(ln, body)), default=0
        )
        for p in pages
    }

    stack: list[_Heading] = []
    blocks: list[Block] = []
    current: Block | None = None
    body_lines: list[str] = []
    body_page = 0

    def flush_body() -> None:
        nonlocal body_lines
        if body_lines and current is not None:
            width = widths.get(body_page) or None
            current.parts.append((body_page, join_paragraphs(body_lines, width)))
        body_lines = []

    def open_block(carried: str | None = None) -> None:
        nonlocal current
        path = [h.text for h in stack]
        if carried and path:
            path = [*path[:-1], carried, path[-1]]
        current = Block(path=path)
        blocks.append(current)

    def push(text: str, size: float, level: int | None) -> None:
        if level is not None:  # Markdown: the source gives the level
            rank, numbered = float(level), True
        elif m := NUMBERED.match(text):
            rank, numbered = float(m.group(1).count(".") + 1), True
        else:
            base = max((h.rank for h in stack if h.numbered), default=0.0)
            style = styles.index(round(size, 1)) if round(size, 1) in styles else len(styles)
            rank, numbered = int(base) + 0.5 + style / 100, False
        while stack and (
            stack[-1].rank >= rank
            or (numbered and not stack[-1].numbered and stack[-1].size <= size + 0.05)
        ):
            stack.pop()
        stack.append(_Heading(text, rank, size, numbered))

    open_block()
    for page in pages:
        lines = page.lines
        i = 0
        while i < len(lines):
            line = lines[i]
            if not _looks_like_heading(line, body):
                if body_lines and body_page != page.number:
                    flush_body()
                body_page = page.number
                body_lines.append(line.text)
                i += 1
                continue
            # Join a heading that wraps over the following lines in the same style.
            parts = [line.text]
            j = i + 1
            while (
                j < len(lines)
                and line.heading_level is None
                and lines[j].bold == line.bold
                and abs(lines[j].size - line.size) < 0.05
                and _looks_like_heading(lines[j], body)
                and not _starts_new_heading(lines[j].text)
                and not parts[-1].endswith((":", "?", "!"))
                and sum(len(p) for p in parts) + len(lines[j].text) <= MAX_HEADING_CHARS
            ):
                parts.append(lines[j].text)
                j += 1
            text = join_lines(parts)
            i = j
            flush_body()
            if (
                title_key
                and not stack
                and line.heading_level is None
                and title_key.startswith(text.lower())
            ):
                continue  # the document title on the cover is not a section
            # A heading with no text of its own stays with the text that follows it
            # ("Hva vet vi – Oppvekstbarometeret sier …" over a slide that is only an image).
            orphan = stack[-1] if stack and current is not None and not current.parts else None
            push(text, line.size, line.heading_level)
            carried = orphan.text if orphan is not None and orphan not in stack else None
            open_block(carried)
    flush_body()
    return [b for b in blocks if b.parts]
