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


def words(text: str) -> list[str]:
    """Lower-cased word tokens (hyphenated words kept whole and also split)."""
    out: list[str] = []
    for tok in TOKEN.findall(normalise(text)):
        tok = fold_word(tok)
        out.append(tok)
        if "-" in tok:
            out.extend(p for p in tok.split("-") if p)
    return out


def content_words(text: str) -> list[str]:
    """Words that carry meaning: no stopwords, no one-letter words."""
    stop = stopwords()
    return [w for w in words(text) if w not in stop and len(w) > 1 and "-" not in w]


_LINKING = ("", "s", "e")  # Norwegian compounds join with nothing, -s- or -e-


def split_compound(
    word: str, vocabulary: frozenset[str] | set[str], min_part: int = 4
) -> list[str]:
    """Split a compound into known parts from ``vocabulary`` (stems), longest head first.

    Returns [] when no split into two known parts exists. The right-hand part may itself split.
    """
    if len(word) < 2 * min_part:
        return []
    for i in range(len(word) - min_part, min_part - 1, -1):
        head, tail = word[:i], word[i:]
        for link in _LINKING:
            if link and not head.endswith(link):
                continue
            base = head[: len(head) - len(link)] if link else head
            if len(base) < min_part:
                continue
            if stem(base) in vocabulary or base in vocabulary:
                if tail in _SUFFIX_TAILS or stem(tail) in _SUFFIX_TAILS:
                    continue
                if stem(tail) in vocabulary or tail in vocabulary:
                    return [base, tail]
                rest = split_compound(tail, vocabulary, min_part)
                if rest:
                    return [base, *rest]
    return []


def analyse(text: str, vocabulary: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Terms for BM25: stems of content words plus stems of their compound parts."""
    terms: list[str] = []
    for w in content_words(text):
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
