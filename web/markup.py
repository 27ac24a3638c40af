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
