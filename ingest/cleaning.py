"""Clean page lines: Unicode normalisation, running headers/footers and page numbers out.

Running headers and footers are lines that sit at the top or bottom of most pages with the same
text once digits are ignored ("Regional plan for det inkluderende Innlandet", "15/37").
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

from ingest.models import Line, Page

EDGE_LINES = 3  # lines at the top and bottom of a page that may be running headers/footers
# Possessive quantifiers keep the patterns here linear on any line (tests/test_linear_time.py).
PAGE_NUMBER = re.compile(
    r"^\s*+(?:side\s++|s\.\s*+|-\s*+)?(\d{1,4})(?:\s*+(?:/|av|of)\s*+\d{1,4})?\s*+(?:-\s*+)?$",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)


def normalise_text(text: str) -> str:
    """NFKC (ligatures such as "ﬁ" become "fi"), no soft hyphens or zero-width marks,
    single spaces, typographic quotes kept."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def _edge_key(line: Line) -> str:
    return re.sub(r"\d+", "#", line.text.lower()).strip() + f"@{round(line.size)}"


def _edge_indices(count: int) -> set[int]:
    return set(range(min(EDGE_LINES, count))) | set(range(max(0, count - EDGE_LINES), count))


def remove_running_lines(pages: list[Page]) -> list[Page]:
    """Drop repeated header/footer lines and bare page numbers; keep printed page labels."""
    pages = [
        Page(
            p.number,
            [
                Line(t, ln.size, ln.bold, ln.heading_level)
                for ln in p.lines
                if (t := normalise_text(ln.text))
            ],
            p.label,
        )
        for p in pages
    ]
    counts: Counter = Counter()
    for page in pages:
        edges = _edge_indices(len(page.lines))
        counts.update({_edge_key(page.lines[i]) for i in edges})
    threshold = max(3, math.ceil(0.5 * len(pages)))
    running = {key for key, n in counts.items() if n >= threshold} if len(pages) >= 3 else set()

    cleaned: list[Page] = []
    for page in pages:
        edges = _edge_indices(len(page.lines))
        keep: list[Line] = []
        label = page.label
        for i, line in enumerate(page.lines):
            if i in edges:
                number = PAGE_NUMBER.match(line.text)
                if number and len(pages) > 1:
                    printed = number.group(1)
                    if label is None and printed != str(page.number):
                        label = printed
                    continue
                if _edge_key(line) in running:
                    continue
            keep.append(line)
        cleaned.append(Page(page.number, keep, label))
    return cleaned


_TOC_ENTRY = re.compile(r"^\d++(?:\.\d++)*+\.?\s++\S.{0,100}?(?:\s\.{2,}+\s*+\d++|\s\d{1,4})?$")
TOC_TITLES = {"innhold", "innholdsfortegnelse", "innhaldsliste", "innhald"}


def remove_table_of_contents(pages: list[Page], min_run: int = 5) -> list[Page]:
    """Drop tables of contents: runs of numbered short lines that are not headings."""
    out: list[Page] = []
    for page in pages:
        lines = page.lines
        drop: set[int] = set()
        run: list[int] = []
        for i, line in enumerate([*lines, None]):
            is_entry = (
                line is not None
                and not line.bold
                and line.heading_level is None
                and len(line.text) <= 110
                and not line.text.endswith((".", ":", ";", ","))
                and _TOC_ENTRY.match(line.text) is not None
            )
            if is_entry:
                run.append(i)
                continue
            if len(run) >= min_run:
                drop.update(run)
                first = run[0]
                if first > 0 and lines[first - 1].text.lower().strip(" :") in TOC_TITLES:
                    drop.add(first - 1)
            run = []
        out.append(
            Page(page.number, [ln for i, ln in enumerate(lines) if i not in drop], page.label)
        )
    return out


_HYPHEN_END = re.compile(r"(\w)-$")
_KEEP_HYPHEN_NEXT = {"og", "eller", "til", "samt", "enn", "som"}
TAIL_CHARS = 200  # the end of the text a join looks at (longer "words" are not words)


class LineJoiner:
    """Running text built from wrapped lines (see ``join_lines``), in time linear in its length:
    a join looks only at the last TAIL_CHARS characters of the text so far."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._tail = ""
        self.length = 0

    def append(self, text: str) -> None:
        """Add ``text`` as it is."""
        if text:
            self._parts.append(text)
            self._tail = (self._tail + text)[-TAIL_CHARS:]
            self.length += len(text)

    def add_line(self, line: str) -> None:
        """Add a wrapped line, undoing end-of-line hyphenation."""
        line = line.strip()
        if not line:
            return
        if not self.length:
            self.append(line)
            return
        if _HYPHEN_END.search(self._tail) and line[:1].islower():
            next_word = line.split(" ", 1)[0].strip(",.;:")
            prefix = self._tail.rsplit(" ", 1)[-1][:-1]
            if next_word in _KEEP_HYPHEN_NEXT:
                self.append(f" {line}")
            elif prefix.isupper() or any(ch.isdigit() for ch in prefix):
                self.append(line)
            else:
                self._drop_last_char()
                self.append(line)
        else:
            self.append(f" {line}")

    def _drop_last_char(self) -> None:
        self._parts[-1] = self._parts[-1][:-1]
        self._tail = self._tail[:-1]
        self.length -= 1

    def text(self) -> str:
        return "".join(self._parts)


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines into running text, undoing end-of-line hyphenation.

    "arbeids-" + "plassen" → "arbeidsplassen"; "By-" + "og regionsentre" keeps "By- og";
    "NAV-" + "kontor" keeps "NAV-kontor" (a hyphen after capitals is part of the word).
    """
    joiner = LineJoiner()
    for line in lines:
        joiner.add_line(line)
    return joiner.text()


_TERMINAL = (".", "!", "?", ":", "…")
# Words no sentence ends with: a line ending in one runs on ("… sammen med Høyskolen i" /
# "Innlandet/Østlandsforskning").
_RUNS_ON = re.compile(r"\b(?:i|til|og|eller|med|for|av|på|om|som|at|fra|frå|ved|mot|en|et|ei)$")


def join_paragraphs(lines: list[str], width: int | None = None) -> str:
    """Join wrapped lines, keeping paragraph ends as "\\n".

    A line ends a paragraph when it is clearly shorter than a full line and either closes a
    sentence or is followed by a line that starts like a new one (capital letter, bullet).
    A line ending in "i", "til", "og" … runs on. A list whose bullets the PDF lost keeps its
    items apart: after a line ending in ":", each short line is an item of its own
    ("innenfor:" / "kompetanse og livslang læring" / …).
    ``width`` is the length of a full line on the page (default: the longest line given).
    """
    lines = [ln.strip() for ln in lines if ln.strip()]
    if not lines:
        return ""
    width = width or max(len(ln) for ln in lines)
    paragraphs: list[list[str]] = [[]]
    in_list = False
    for i, line in enumerate(lines):
        paragraphs[-1].append(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        short = len(line) < 0.75 * width
        starts_new = bool(nxt) and (nxt[0].isupper() or nxt[0] in "•–-►→*")
        opens_list = line.endswith(":") and bool(nxt) and len(nxt) < 0.75 * width
        item_ends = in_list and short and len(paragraphs[-1]) == 1
        in_list = opens_list or item_ends
        if (
            nxt
            and not line.endswith("-")
            and not _RUNS_ON.search(line)
            and (opens_list or item_ends or (short and (line.endswith(_TERMINAL) or starts_new)))
        ):
            paragraphs.append([])
    return "\n".join(join_lines(p) for p in paragraphs if p)
