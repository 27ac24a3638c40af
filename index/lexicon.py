"""The words an index knows: their surface forms with counts and their stems, for folding
nynorsk question words and correcting misspelt ones towards words the plans really use."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from index.norwegian import content_words, split_compound, stem
from index.spelling import SpellingCorrector


class Lexicon:
    def __init__(self, counts: dict[str, int], stems: frozenset[str]) -> None:
        self.counts = counts
        self.stems = stems
        self.corrector = SpellingCorrector(counts, is_compound=self.is_compound_of_known_words)

    @classmethod
    def from_texts(cls, texts: Iterable[str], stems: frozenset[str]) -> Lexicon:
        counts = Counter(w for text in texts for w in content_words(text) if w.isalpha())
        return cls(dict(counts), stems)

    def knows(self, word: str) -> bool:
        """Is ``word`` (lower-cased) a word of the index, as written or by its stem?"""
        return word in self.counts or stem(word) in self.stems

    def is_compound_of_known_words(self, word: str) -> bool:
        return len(word) >= 8 and bool(split_compound(word, self.stems))

    def correct(self, word: str) -> str | None:
        """The word of the index (or common Norwegian word) a misspelt word stands for."""
        return None if self.knows(word) else self.corrector.correct(word)
