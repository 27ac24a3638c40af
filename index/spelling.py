"""Spelling correction of question words (rapidfuzz for the distances, wordfreq for what is a
Norwegian word).

A question word that is neither a word of the index nor a common Norwegian word ("utdaning",
"bredbånnd", "utfroming") is replaced by the closest word the index knows, in
optimal-string-alignment distance (two neighbouring letters swapped count once): one edit for
words up to seven letters, two for longer ones, the more frequent word on a tie. Failing that,
by the closest common Norwegian word at one edit ("gammle" → "gamle"), so the glossary and the
embedding model still understand it. Short words, numbers and real words are left alone: "gamle"
is never turned into "game".
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

MIN_LENGTH = 5  # shorter words are too often other real words at one edit
REAL_WORD_ZIPF = 3.0  # wordfreq Zipf frequency (≥ 1 per million words) of a real word
COMMON_WORDS = 60_000  # general Norwegian words offered as corrections


def max_edits(word: str) -> int:
    return 1 if len(word) <= 7 else 2


def is_real_word(word: str) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "nb") >= REAL_WORD_ZIPF


def _by_length(words) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for word in words:
        out[len(word)].append(word)
    return out


@lru_cache(maxsize=1)
def _common_words() -> tuple[dict[int, list[str]], dict[str, int]]:
    from wordfreq import top_n_list

    words = [w for w in top_n_list("nb", COMMON_WORDS) if w.isalpha()]
    rank = {w: -i for i, w in enumerate(words)}  # higher = more common
    return _by_length(words), rank


def _nearest(word: str, by_length: dict[int, list[str]], weight, edits: int) -> str | None:
    best: tuple[int, float, str] | None = None
    for length in range(len(word) - edits, len(word) + edits + 1):
        candidates = by_length.get(length)
        if not candidates:
            continue
        for candidate, distance, _ in process.extract(
            word, candidates, scorer=OSA.distance, score_cutoff=edits, limit=None
        ):
            key = (int(distance), -weight(candidate), candidate)
            if best is None or key < best:
                best = key
    return best[2] if best else None


class SpellingCorrector:
    def __init__(self, counts: dict[str, int], *, is_compound=None) -> None:
        self.counts = counts
        self._by_length = _by_length(counts)
        self._is_compound = is_compound or (lambda word: False)

    def correct(self, word: str) -> str | None:
        """The word meant by ``word``, or None (a word of the index, a real word, too short,
        a compound of words the index knows, or nothing close)."""
        if word in self.counts or len(word) < MIN_LENGTH or not word.isalpha():
            return None
        if is_real_word(word):
            return None
        found = _nearest(word, self._by_length, self.counts.__getitem__, max_edits(word))
        if found is not None and OSA.distance(word, found) == 1:
            return found
        if self._is_compound(word):  # "folkhelse" is close to a word; "skolebussen" is not
            return None
        if found is None:
            common, rank = _common_words()
            found = _nearest(word, common, rank.__getitem__, 1)
        return found if found != word else None
