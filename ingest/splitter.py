"""Sentence splitting and packing sentences into passages.

Passages are sentence-aligned, at most ``max_tokens`` model tokens and ``max_chars`` characters,
repeat ``overlap`` sentences from the previous passage, and never leave their block (so never
cross a section boundary). A sentence longer than the limits is cut at clause boundaries, then
at word boundaries, and a "word" longer than the limits (a list of numbers without spaces) at
the last separator that fits, or at the limit: no passage is ever longer than ``max_chars``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

# Abbreviations after which a full stop does not end a sentence (bokmål and nynorsk).
ABBREVIATIONS = {
    "bl.a",
    "f.eks",
    "t.d",
    "m.m",
    "m.v",
    "mv",
    "osv",
    "o.l",
    "dvs",
    "jf",
    "jfr",
    "nr",
    "ca",
    "kap",
    "pkt",
    "kl",
    "mill",
    "mrd",
    "pst",
    "ev",
    "evt",
    "inkl",
    "ekskl",
    "t.o.m",
    "f.o.m",
    "iht",
    "vedr",
    "hhv",
    "s",
    "st",
    "tlf",
    "ref",
}
_BOUNDARY = re.compile(r"(?<=[.!?…])[»\"')\]]*+\s++(?=[«\"(\[]?[A-ZÆØÅ0-9])")
_DAY_NUMBER = re.compile(r"\d{1,2}")  # "16. desember", "1. januar"
_LETTER = re.compile(r"[a-zæøå]")  # "a. b." list items, initials


def split_sentences(text: str) -> list[str]:
    """Split running Norwegian text into sentences, keeping abbreviations and dates whole.

    A newline marks a paragraph end and always ends a sentence.
    """
    if "\n" in text:
        return [s for para in text.split("\n") for s in split_sentences(para)]
    text = " ".join(text.split())
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.start()  # just after the full stop: the candidate sentence is text[start:end]
        word_start = max(start, text.rfind(" ", start, end) + 1)
        last_word = text[word_start:end].rstrip(".!?…»\"')]").lower()
        if text[end - 1] == "." and (
            last_word in ABBREVIATIONS
            or _DAY_NUMBER.fullmatch(last_word)
            or _LETTER.fullmatch(last_word)
        ):
            continue
        sentences.append(text[start:end])
        start = m.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


@dataclass
class Piece:
    text: str
    start: int  # offset in the block text
    line_end: bool = False  # a line of its own without a full stop (a heading, a list item)


_TERMINAL = re.compile(r"[.!?…:;][»\"')\]]*$")


def _join(units: list[Piece]) -> str:
    """The units' text: a unit that was a line of its own without a full stop (a heading run
    into the text below it in the PDF, "Toleranse for feil") ends with a newline, so answers
    can tell it from the sentence after it; the rest are joined by spaces. Models and BM25 read
    a newline as a space."""
    if not units:
        return ""
    joints = [
        "\n" if u.line_end and not nxt.text[:1].islower() else " "  # lower case: wrapped text
        for u, nxt in itertools.pairwise(units)
    ]
    return "".join(u.text + j for u, j in zip(units, joints, strict=False)) + units[-1].text


def _cut_long(sentence: str, fits: Callable[[str], bool], max_chars: int) -> list[str]:
    """Cut a sentence that does not fit into pieces that do, at ';', ',' or spaces, and cut
    what still does not fit with ``_cut_hard``."""
    if fits(sentence):
        return [sentence]
    for sep in ("; ", ", ", " "):
        parts = sentence.split(sep)
        if len(parts) < 2:
            continue
        out: list[str] = []
        cur = ""
        for part in parts:
            cand = f"{cur}{sep}{part}" if cur else part
            if fits(cand) or not cur:
                cur = cand
            else:
                out.append(cur + (sep.strip() if sep.strip() else ""))
                cur = part
        if cur:
            out.append(cur)
        if all(fits(p) for p in out):
            return out
        if sep == " ":
            return [q for p in out for q in ([p] if fits(p) else _cut_hard(p, fits, max_chars))]
        return [q for p in out for q in _cut_long(p, fits, max_chars)]
    return _cut_hard(sentence, fits, max_chars)


def _cut_hard(text: str, fits: Callable[[str], bool], max_chars: int) -> list[str]:
    """Pieces of ``text`` that fit, cut after the last separator (not a letter or a digit) in
    the second half of a piece, else at the limit; shorter when a piece has too many tokens."""
    pieces: list[str] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + max_chars)
        while end - start > 1 and not fits(text[start:end]):
            end = start + (end - start) * 3 // 4
        if end < len(text):
            cut = end
            while cut > start + (end - start) // 2 and text[cut - 1].isalnum():
                cut -= 1
            if cut > start + (end - start) // 2:
                end = cut
        pieces.append(text[start:end].strip() or text[start:end])
        start = end
    return pieces


def pack(
    text: str,
    count_tokens: Callable[[str], int],
    max_tokens: int,
    max_chars: int,
    overlap: int = 1,
) -> list[Piece]:
    """Passages of ``text``: consecutive sentences, each passage within both limits."""

    def fits(s: str) -> bool:
        return len(s) <= max_chars and count_tokens(s) <= max_tokens

    units: list[Piece] = []
    cursor = 0
    for sentence in split_sentences(text):
        pieces = _cut_long(sentence, fits, max_chars)
        for n, piece in enumerate(pieces, 1):
            # The piece is at the cursor, give or take the white space between sentences;
            # the search is bounded so that a piece not found costs no more than one found.
            pos = text.find(piece[:30], cursor, cursor + len(piece) + max_chars)
            pos = cursor if pos < 0 else pos
            line_end = n == len(pieces) and not _TERMINAL.search(piece)
            units.append(Piece(piece, pos, line_end))
            cursor = pos + max(1, len(piece) - 5)

    passages: list[Piece] = []
    i = 0
    while i < len(units):
        chosen = [units[i]]
        length = len(units[i].text)
        j = i + 1
        while (
            j < len(units)
            and length + 1 + len(units[j].text) <= max_chars
            and fits(_join([*chosen, units[j]]))
        ):
            chosen.append(units[j])
            length += 1 + len(units[j].text)
            j += 1
        passages.append(Piece(_join(chosen), chosen[0].start))
        if j >= len(units):
            break
        back = min(overlap, len(chosen) - 1)
        nxt = j - back
        # Overlap only when the repeated sentences leave room for new ones.
        if back and not fits(_join(units[nxt : j + 1])):
            nxt = j
        i = max(nxt, i + 1)
    return passages
