"""Text split into plain and marked pieces for templates (autoescaped; never |safe)."""

from __future__ import annotations

import re

_MARKER = re.compile(r"\[(\d+)\]")


def marked_segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """[(piece, is_marked)] covering ``text`` in order; overlapping spans are merged."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for start, end in sorted(spans):
        start = max(start, pos)
        if end <= start or start >= len(text):
            continue
        if start > pos:
            out.append((text[pos:start], False))
        out.append((text[start:end], True))
        pos = end
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def answer_segments(answer: str) -> list[tuple[str, int | None]]:
    """The answer split into text and citation markers: [(text, None), ("1", 1), ...]."""
    out: list[tuple[str, int | None]] = []
    pos = 0
    for m in _MARKER.finditer(answer):
        if m.start() > pos:
            out.append((answer[pos : m.start()], None))
        out.append((m.group(1), int(m.group(1))))
        pos = m.end()
    if pos < len(answer):
        out.append((answer[pos:], None))
    return out


def _list_item(paragraph: str) -> bool:
    """Short, and one phrase or sentence: "kompetanse og livslang læring"."""
    return len(paragraph) <= 200 and not re.search(r"[.!?]\s+\S", paragraph)


def description_blocks(text: str) -> list[tuple[str, str | list[str]]]:
    """An initiative's description as ("p", paragraph) and ("ul", [items]): two or more short
    lines after a paragraph ending in ":" are the list it introduces."""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    blocks: list[tuple[str, str | list[str]]] = []
    i = 0
    while i < len(paragraphs):
        blocks.append(("p", paragraphs[i]))
        i += 1
        if blocks[-1][1].endswith(":"):
            j = i
            while j < len(paragraphs) and _list_item(paragraphs[j]):
                j += 1
            if j - i >= 2:
                blocks.append(("ul", paragraphs[i:j]))
                i = j
    return blocks
