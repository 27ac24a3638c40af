"""Lexical retrieval: BM25 (bm25s) over Norwegian-analysed terms (index.norwegian).

Scores are summed straight from bm25s's precomputed term × passage matrix (CSC, memory-mapped
when loaded): a term adds its column, the passages that contain it. ``top`` selects the best
passages by value (a partition, not a sort of every score) and ``scores_of`` scores chosen
passages only. Measured on plan-like corpora (bench/scale.py), this plain scoring beat MaxScore
over impact-ordered columns: plan vocabulary is flat, so few columns could be skipped.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import bm25s
import numpy as np

from index.norwegian import analyse

logging.getLogger("bm25s").setLevel(logging.WARNING)

SEARCH_RATIO = 16  # scores_of: columns longer than this many times the passages are searched


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
        return cls.build_analysed([analyse(t, vocabulary) for t in texts], vocabulary, k1, b)

    @classmethod
    def build_analysed(
        cls, corpus: list[list[str]], vocabulary: frozenset[str], k1: float = 1.5, b: float = 0.75
    ) -> LexicalIndex:
        """The index of passages already analysed into terms (``index.norwegian.analyse``)."""
        bm25 = bm25s.BM25(k1=k1, b=b)
        bm25.index([terms or ["_"] for terms in corpus], show_progress=False)
        return cls(bm25, vocabulary, len(corpus))

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(directory), show_progress=False)
        payload = {"size": self.size, "vocabulary": sorted(self.vocabulary)}
        (directory / "compound_vocabulary.json").write_text(json.dumps(payload), "utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        payload = json.loads((directory / "compound_vocabulary.json").read_text("utf-8"))
        bm25 = bm25s.BM25.load(str(directory), load_corpus=False, mmap=True, show_progress=False)
        return cls(bm25, frozenset(payload["vocabulary"]), int(payload["size"]))

    def query_terms(self, text: str, fold: bool = True) -> list[str]:
        return analyse(text, self.vocabulary, fold)

    def _columns(
        self, terms: list[str], weights: dict[str, float] | None
    ) -> list[tuple[slice, float]]:
        """Each known query term's slice of the CSC arrays with its weight. Without weights a
        repeated term counts every time it is repeated, as in bm25s's own ``get_scores``."""
        vocab, indptr = self._bm25.vocab_dict, self._bm25.scores["indptr"]
        known = [t for t in terms if t in vocab]
        if weights:
            known = list(dict.fromkeys(known))
        return [
            (slice(indptr[vocab[t]], indptr[vocab[t] + 1]), weights.get(t, 1.0) if weights else 1.0)
            for t in known
        ]

    def scores(self, terms: list[str], weights: dict[str, float] | None = None) -> np.ndarray:
        """BM25 score of every passage for the query terms (optionally weighted per term)."""
        total = np.zeros(self.size, dtype=np.float32)
        data, indices = self._bm25.scores["data"], self._bm25.scores["indices"]
        for span, weight in self._columns(terms, weights):
            np.add.at(total, indices[span], weight * data[span])
        return total

    def top(
        self, terms: list[str], weights: dict[str, float] | None, n: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``n`` passages with the highest positive scores: (positions, scores), best first
        (ties by position)."""
        return self._best(np.arange(self.size), self.scores(terms, weights), n)

    @staticmethod
    def _best(ids: np.ndarray, scores: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        if len(scores) > n:  # the n best (ties at the n-th score all kept), then sorted
            nth = max(float(np.partition(scores, len(scores) - n)[len(scores) - n]), 0.0)
            keep = np.flatnonzero(scores > nth) if nth == 0.0 else np.flatnonzero(scores >= nth)
        else:
            keep = np.flatnonzero(scores > 0)
        ids, scores = ids[keep], scores[keep]
        best = np.lexsort((ids, -scores))[:n]
        return ids[best], scores[best]

    def scores_of(
        self, terms: list[str], weights: dict[str, float] | None, among: np.ndarray
    ) -> np.ndarray:
        """BM25 scores of the passages ``among`` (positions) only. A column much longer than
        ``among`` is searched (its positions are sorted); a shorter one is added whole."""
        among = np.asarray(among, dtype=np.int64)
        total = np.zeros(len(among), dtype=np.float32)
        data, indices = self._bm25.scores["data"], self._bm25.scores["indices"]
        added: np.ndarray | None = None
        for span, weight in self._columns(terms, weights):
            column = indices[span]
            if len(column) <= SEARCH_RATIO * len(among):
                if added is None:
                    added = np.zeros(self.size, dtype=np.float32)
                added[column] += weight * data[span]
                continue
            at = np.minimum(np.searchsorted(column, among), len(column) - 1)
            hit = column[at] == among
            total[hit] += weight * data[span][at[hit]]
        return total if added is None else total + added[among]


def _document_frequencies(bm25: bm25s.BM25) -> dict[str, int]:
    indptr = np.asarray(bm25.scores["indptr"])
    counts = np.diff(indptr)
    return {t: int(counts[i]) for t, i in bm25.vocab_dict.items() if i < len(counts)}
