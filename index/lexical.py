"""Lexical retrieval: BM25 (bm25s) over Norwegian-analysed terms (index.norwegian)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import bm25s
import numpy as np

from index.norwegian import analyse

logging.getLogger("bm25s").setLevel(logging.WARNING)


class LexicalIndex:
    def __init__(self, bm25: bm25s.BM25, vocabulary: frozenset[str], size: int) -> None:
        self._bm25 = bm25
        self.vocabulary = vocabulary
        self.size = size
        self._df = _document_frequencies(bm25)

    def df(self, term: str) -> int:
        """In how many passages the term occurs."""
        return self._df.get(term, 0)

    def idf(self, term: str) -> float:
        """Inverse document frequency; a term the corpus never uses weighs the most."""
        df = self._df.get(term, 0)
        return float(np.log(1.0 + (self.size - df + 0.5) / (df + 0.5)))

    @classmethod
    def build(
        cls, texts: list[str], vocabulary: frozenset[str], k1: float = 1.5, b: float = 0.75
    ) -> LexicalIndex:
        corpus = [analyse(t, vocabulary) or ["_"] for t in texts]
        bm25 = bm25s.BM25(k1=k1, b=b)
        bm25.index(corpus, show_progress=False)
        return cls(bm25, vocabulary, len(texts))

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(directory), show_progress=False)
        payload = {"size": self.size, "vocabulary": sorted(self.vocabulary)}
        (directory / "compound_vocabulary.json").write_text(json.dumps(payload), "utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        payload = json.loads((directory / "compound_vocabulary.json").read_text("utf-8"))
        bm25 = bm25s.BM25.load(str(directory), load_corpus=False)
        return cls(bm25, frozenset(payload["vocabulary"]), int(payload["size"]))

    def query_terms(self, text: str, fold: bool = True) -> list[str]:
        return analyse(text, self.vocabulary, fold)

    def scores(self, terms: list[str], weights: dict[str, float] | None = None) -> np.ndarray:
        """BM25 score of every passage for the query terms (optionally weighted per term)."""
        if not terms or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        known = [t for t in terms if t in self._bm25.vocab_dict]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        if not weights:
            return np.asarray(self._bm25.get_scores(known), dtype=np.float32)
        total = np.zeros(self.size, dtype=np.float32)
        for term in dict.fromkeys(known):
            total += weights.get(term, 1.0) * np.asarray(self._bm25.get_scores([term]), np.float32)
        return total


def _document_frequencies(bm25: bm25s.BM25) -> dict[str, int]:
    indptr = np.asarray(bm25.scores["indptr"])
    counts = np.diff(indptr)
    return {t: int(counts[i]) for t, i in bm25.vocab_dict.items() if i < len(counts)}
