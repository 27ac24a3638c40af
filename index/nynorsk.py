"""Nynorsk folded to bokmål (the table is ``index/data/nynorsk.toml``).

``fold_word`` is applied to every word of questions and passages; ``fold_phrases`` to question
text before it is split into words; ``bokmal_candidates`` gives the forms worth trying for a
question word the index does not know ("jobbar" → "jobber").
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _table() -> dict:
    return tomllib.loads((Path(__file__).parent / "data" / "nynorsk.toml").read_text("utf-8"))


@lru_cache(maxsize=1)
def word_table() -> dict[str, str]:
    return dict(_table()["words"])


@lru_cache(maxsize=1)
def _phrase_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    phrases = dict(_table()["phrases"])
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE), phrases


def fold_word(word: str) -> str:
    """The bokmål form of a lower-cased word (the word itself when the table has none)."""
    return word_table().get(word, word)


def fold_phrases(text: str) -> str:
    """Nynorsk question phrases ("kor mykje", "kva tid") in bokmål."""
    pattern, phrases = _phrase_pattern()
    return pattern.sub(lambda m: phrases[m.group(0).lower()], text)


def bokmal_candidates(word: str) -> list[str]:
    """Bokmål forms to try for a word the index does not know, by the suffix rules in order."""
    out = []
    for ending, replacement in _table()["suffixes"].items():
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            out.append(word[: -len(ending)] + replacement)
    return out


def is_nynorsk(words: list[str]) -> bool:
    """Does this (lower-cased) word list read as nynorsk? At least one marker word, and more
    markers than the bokmål words they stand for."""
    bokmal = {"jeg", "ikke", "hva", "hvem", "hvordan", "hvorfor", "fra", "mer", "bare", "noe"}
    markers = frozenset(_table()["markers"]["words"])
    nn = sum(1 for w in words if w in markers)
    nb = sum(1 for w in words if w in bokmal)
    return nn > 0 and nn > nb
