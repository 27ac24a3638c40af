"""Definition questions ("Hva er en deltidsinnbygger?", "Hva menes med utenforskap?", nynorsk
"Kva tyder …") and the passages that define the asked-about term ("Utenforskap handler om …",
"Deltidsinnbyggere er personer som …", "Med inkludering menes …")."""

from __future__ import annotations

import re

from index.norwegian import stem, words

# Anchored and possessive, so each is linear on any input (tests/test_linear_time.py).
_ARTICLE = r"(?:en\s++|et\s++|ei\s++|ein\s++|eit\s++|det\s++|de\s++|den\s++)?"
_TERM = r"(?P<term>[^?.!]{2,60}?)"
_QUESTIONS = (
    # "Hva er en deltidsinnbygger?", "Hva menes med utenforskap?", "Kva tyder …?"
    re.compile(
        r"^\s*+(?:hva|kva)\s++(?:er|var|betyr|tyder|menes\s++med|meinast\s++med|meiner\s++ein\s++med|"
        rf"vil\s++det\s++si\s++(?:å\s*+)?være|er\s++meint\s++med)\s++{_ARTICLE}{_TERM}"
        r"\s*+[?.!]*+\s*+$",
        re.IGNORECASE,
    ),
    # "Hva står forkortelsen FoUI for?"
    re.compile(
        r"^\s*+(?:hva|kva)\s++står\s++(?:forkortelsen\s++|forkortinga\s++|forkortingen\s++)?"
        rf"{_TERM}\s++for\s*+[?.!]*+\s*+$",
        re.IGNORECASE,
    ),
    # "IDSA – hva er det for noe?", "Utenforskap, hva betyr det?"
    re.compile(
        rf"^\s*+{_TERM}\s*+[–—:,-]\s*+(?:hva|kva)\s++(?:er|betyr|tyder)\s++(?:det|dette)\b"
        r"[^?]*+\?*+\s*+$",
        re.IGNORECASE,
    ),
)
# Words around the term that are not part of it: "Hva betyr folkehelse egentlig?",
# "Hva er X for noe?", "Hva menes med utenforskap i planen?".
_FILLER = re.compile(
    r"(?<!\s)\s++(?:egentlig|eigentleg|for\s++noe|for\s++noko|for\s++slags|da|nå|no|her|"
    r"(?:i|med|for)\s++(?:denne\s++)?(?:planen|planene|planane|dokumentet|strategien))\s*+$",
    re.IGNORECASE,
)
_DEFINING = (
    r"(?:er|var|handler\s+om|handlar\s+om|betyr|tyder|innebærer|inneber|omfatter|viser\s+til)"
)
# "X er …" right after the term (matched at the start of the text that follows it).
_DEFINING_AFTER = re.compile(rf"\A[»”\"]?\s*+(?:[^\W\dA-ZÆØÅ]\S*+\s++)?{_DEFINING}\b")
# "Med X menes …", for terms of one to four words.
_MEANT_WITH = tuple(re.compile(rf"\bmed\s++\S++(?:\s++\S++){{0,{n}}}\s++menes\b") for n in range(4))


def defined_term(question: str) -> list[str] | None:
    """Stems of the term a definition question asks about, or None for other questions."""
    for pattern in _QUESTIONS:
        m = pattern.match(question)
        if m:
            break
    else:
        return None
    term = m.group("term")
    while (shorter := _FILLER.sub("", term)) != term:
        term = shorter
    stems = [stem(w) for w in words(term) if "-" not in w]
    if not stems or len(stems) > 4:
        return None
    return stems


def defines(text: str, term: list[str]) -> bool:
    """Does the text contain a sentence that defines the term ("X er/handler om …")?"""
    tokens = [stem(w) for w in words(text) if "-" not in w]
    n = len(term)
    lowered = text.lower()
    for i in range(len(tokens) - n + 1):
        if tokens[i : i + n] != term:
            continue
        return (
            True
            if _defining_after(text, term)
            else bool(_MEANT_WITH[min(n, len(_MEANT_WITH)) - 1].search(lowered))
        )
    return False


def _defining_after(text: str, term: list[str]) -> bool:
    # The defining verb follows the term within two words ("Deltidsinnbyggere er",
    # "Utenforskap handler om", "Helhetlig innsatstrapp viser til"), in the same sentence: a
    # capitalised word in between starts a new one ("… relatert til utenforskap Det er …").
    for m in re.finditer(r"[^\W\d_]+", text):
        if stem(m.group(0).lower()) == term[-1]:
            rest = text[m.end() : m.end() + 40]
            if _DEFINING_AFTER.match(rest):
                return True
    return False
