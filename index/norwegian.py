"""Norwegian text handling for lexical search: normalising, tokenising, Snowball stemming,
nynorsk→bokmål folding (``index/nynorsk.py``) and splitting of compound words
(boligtilbud → bolig + tilbud)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import Stemmer

from index.nynorsk import fold_word

TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    text = (Path(__file__).parent / "data/stopwords_no.txt").read_text("utf-8")
    words = [w for line in text.splitlines() if not line.startswith("#") for w in line.split()]
    return frozenset(words)


_stemmer = Stemmer.Stemmer("norwegian")


# Plural and definite forms of agent nouns ("innbyggere", "innbyggerne") that Snowball stems
# differently from the singular ("innbygger" → "innbygg"): folded to the singular first.
_AGENT_PLURALS = ("erenes", "ernes", "erens", "erne", "eren", "ere")


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    for suffix in _AGENT_PLURALS:
        if word.endswith(suffix) and len(word) - len(suffix) >= 5:
            word = word[: -len(suffix)] + "er"
            break
    return _stemmer.stemWord(word)


# Word endings that look like words ("heter", "skap") but are derivational suffixes:
# "ferdigheter" is not "ferdig" + "heter".
_SUFFIX_TAILS = frozenset(
    {"het", "heter", "hetene", "heten", "else", "elsen", "ing", "skap", "lig"}
)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().replace("\u00ad", "")


def words(text: str, fold: bool = True) -> list[str]:
    """Lower-cased word tokens, nynorsk folded to bokmål unless ``fold`` is false (hyphenated
    words kept whole and also split)."""
    out: list[str] = []
    for tok in TOKEN.findall(normalise(text)):
        tok = fold_word(tok) if fold else tok
        out.append(tok)
        if "-" in tok:
            out.extend(p for p in tok.split("-") if p)
    return out


def content_words(text: str, fold: bool = True) -> list[str]:
    """Words that carry meaning: no stopwords, no one-letter words."""
    stop = stopwords()
    return [w for w in words(text, fold) if w not in stop and len(w) > 1 and "-" not in w]


_LINKING = ("", "s", "e")  # Norwegian compounds join with nothing, -s- or -e-

# Bounds on compound splitting, so a long made-up word costs no more than a real one: longer
# "words" are not split, a split has at most this many parts, and the search looks up at most
# this many heads. The longest word in the sample plans has 28 letters and 3 parts, and needs
# about 120 stem look-ups.
MAX_COMPOUND_CHARS = 60
MAX_COMPOUND_PARTS = 5
MAX_COMPOUND_CANDIDATES = 1_000


class _Exhausted(Exception):
    pass


def split_compound(
    word: str, vocabulary: frozenset[str] | set[str], min_part: int = 4
) -> list[str]:
    """Split a compound into known parts from ``vocabulary`` (stems), longest head first.

    Returns [] when no split into two known parts exists. The right-hand part may itself split.
    Each tail is searched once (memoised), and the work is bounded by MAX_COMPOUND_CHARS,
    MAX_COMPOUND_PARTS and MAX_COMPOUND_CANDIDATES: beyond them the word is not split.
    """
    if not 2 * min_part <= len(word) <= MAX_COMPOUND_CHARS:
        return []
    memo: dict[tuple[int, int], list[str]] = {}
    budget = MAX_COMPOUND_CANDIDATES

    def known(part: str) -> bool:
        return stem(part) in vocabulary or part in vocabulary

    def split_from(start: int, parts: int) -> list[str]:
        """The split of word[start:] into at most ``parts`` parts, or []."""
        if (start, parts) in memo:
            return memo[start, parts]
        found: list[str] = []
        if parts >= 2 and len(word) - start >= 2 * min_part:
            for i in range(len(word) - min_part, start + min_part - 1, -1):
                found = _split_at(start, i, parts)
                if found:
                    break
        memo[start, parts] = found
        return found

    def _split_at(start: int, i: int, parts: int) -> list[str]:
        nonlocal budget
        head, tail = word[start:i], word[i:]
        for link in _LINKING:
            if link and not head.endswith(link):
                continue
            base = head[: len(head) - len(link)] if link else head
            if len(base) < min_part:
                continue
            budget -= 1
            if budget < 0:
                raise _Exhausted
            if not known(base) or tail in _SUFFIX_TAILS or stem(tail) in _SUFFIX_TAILS:
                continue
            if known(tail):
                return [base, tail]
            rest = split_from(i, parts - 1)
            if rest:
                return [base, *rest]
        return []

    try:
        return split_from(0, MAX_COMPOUND_PARTS)
    except _Exhausted:
        return []


def analyse(
    text: str, vocabulary: frozenset[str] | set[str] = frozenset(), fold: bool = True
) -> list[str]:
    """Terms for BM25: stems of content words plus stems of their compound parts."""
    terms: list[str] = []
    for w in content_words(text, fold):
        terms.append(stem(w))
        if vocabulary and len(w) >= 8:
            terms.extend(stem(p) for p in split_compound(w, vocabulary))
    return terms


def build_vocabulary(texts: Iterable[str], min_len: int = 3) -> frozenset[str]:
    """Stems of the standalone words of a corpus: the known parts compounds may split into."""
    vocab: set[str] = set()
    for text in texts:
        for w in content_words(text):
            if len(w) >= min_len:
                vocab.add(stem(w))
    return frozenset(vocab)
