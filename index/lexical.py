"""Lexical retrieval: BM25 (bm25s) over Norwegian-analysed terms (index.norwegian).

Scores are summed straight from bm25s's precomputed term × passage matrix (CSC, memory-mapped
when loaded): a term adds its column, the passages that contain it. ``scores`` scores every
passage and ``scores_of`` chosen passages only, both exactly.

``top`` (the candidates of a large index) bounds its work instead: when the query's columns
hold more than ``BUDGET`` postings, it reads an impact-ordered copy of the matrix (each column's
postings by score, highest first, written with the index) and scores only the ``BUDGET`` postings
of highest weighted impact over all the query's terms, a prefix of each column (score-at-a-time
early termination with a fixed budget, as in Lin & Trotman, "Anytime ranking for impact-ordered
indexes", ICTIR 2015). Rare terms are thus read whole and very common ones barely, and a question
costs at most ``BUDGET`` postings whatever the corpus size. Up to ``BUDGET`` postings (every
question on a corpus below ~3k passages: the sample plans and the tests) it is exact, as before.
The postings are summed (in blocks of passages whose scores fit a core's cache) and the best
passages kept in one compiled loop (``index.kernels``, numba): only the touched passages are
ranked, with no temporary arrays. Measured in bench/scale.py, which reports top-100 recall
against exact BM25: see ``BUDGET``. Term-centric static pruning (a fixed number of postings per
term, Carmel et al. 2001) gave the same recall for more work at 1M passages; MaxScore over
impact-ordered columns was slower than scoring every passage: plan vocabulary is flat, so few
columns could be skipped.
"""

from __future__ import annotations

import importlib
import itertools
import json
import logging
import sys
import threading
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from index.norwegian import analyse

if TYPE_CHECKING:  # numba: imported by large indexes only
    from index import kernels


def _without_numba(name: str) -> ModuleType:
    """Import ``name`` with numba hidden. bm25s imports numba whenever it is installed, for a
    backend this project does not use: ~100 MB of LLVM in every process (a server worker, the
    command line). Only retrieval over a large index loads numba (``index.kernels``)."""
    if "numba" in sys.modules:
        return importlib.import_module(name)
    sys.modules["numba"] = None  # type: ignore[assignment]  # ``import numba`` fails
    try:
        return importlib.import_module(name)
    finally:
        del sys.modules["numba"]


bm25s = _without_numba("bm25s")

logging.getLogger("bm25s").setLevel(logging.WARNING)

# BM25's term-frequency saturation and length normalisation. Measured on every public set in one
# run (dev / dev2 / norquad-dev MRR@10): k1 1.5, b 0.75 (bm25s's defaults) 0.877 / 0.798 / 0.970;
# k1 1.2, b 0.3 0.901 / 0.802 / 0.971, a plateau (k1 1.2-1.5 with b 0.2-0.3 give the same; b 0.5
# 0.883 / 0.799 / 0.971, b 0.9 0.877 / 0.797 / 0.970). Passages are cut to about the same length
# (sentence-aligned, at most 800 characters), so their length says little about their topic.
K1 = 1.2
B = 0.3
# Postings ``top`` scores per question at most. At 1M passages (bench/scale.py): 0.58 top-100
# recall against exact BM25 at ~1.4 ms, 0.69 at 200k postings (~2.5 ms), 0.48 at 50k; exact BM25
# reads 0.8M postings at the median question there and takes 9 ms (numpy, before the compiled
# loop: it sums 100k postings and keeps the best in 0.63 ms at the median question, 0.77 ms at
# p95, with the caches cold as they are after the graph search; ``index.kernels``).
BUDGET = 100_000
BUDGET_SAMPLES = 8  # per term and question: impacts sampled to place the budget's threshold
IMPACT_FILES = {
    "indptr": "impact_indptr.npy",
    "indices": "impact_indices.npy",
    "data": "impact_data.npy",
}


Postings = dict[str, np.ndarray]  # a CSC matrix: "data", "indices", "indptr"


class LexicalIndex:
    def __init__(
        self,
        bm25: bm25s.BM25,
        vocabulary: frozenset[str],
        size: int,
        impact: Postings | None = None,
    ) -> None:
        self._bm25 = bm25
        self.vocabulary = vocabulary
        self.size = size
        self._df = _document_frequencies(bm25)
        # Plain views of the (memory-mapped) arrays: slicing a np.memmap runs Python code, and
        # a question slices every column it reads (0.8 ms a question at 100k passages).
        self._matrix = _plain(bm25.scores)
        # Impact-ordered columns; None: every question is within BUDGET.
        self._impact = None if impact is None else _plain(impact)
        self._local = threading.local()  # per thread: ``top``'s working arrays

    def df(self, term: str) -> int:
        """In how many passages the term occurs."""
        return self._df.get(term, 0)

    def idf(self, term: str) -> float:
        """Inverse document frequency; a term the corpus never uses weighs the most."""
        df = self._df.get(term, 0)
        return float(np.log(1.0 + (self.size - df + 0.5) / (df + 0.5)))

    @property
    def budgeted(self) -> bool:
        """Can ``top`` stop after ``BUDGET`` postings (an impact-ordered copy is stored)?"""
        return self._impact is not None

    @classmethod
    def build(
        cls, texts: list[str], vocabulary: frozenset[str], k1: float = K1, b: float = B
    ) -> LexicalIndex:
        return cls.build_analysed([analyse(t, vocabulary) for t in texts], vocabulary, k1, b)

    @classmethod
    def build_analysed(
        cls, corpus: list[list[str]], vocabulary: frozenset[str], k1: float = K1, b: float = B
    ) -> LexicalIndex:
        """The index of passages already analysed into terms (``index.norwegian.analyse``)."""
        bm25 = bm25s.BM25(k1=k1, b=b)
        bm25.index([terms or ["_"] for terms in corpus], show_progress=False)
        return cls(bm25, vocabulary, len(corpus), impact_ordered(bm25.scores, BUDGET))

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(directory), show_progress=False)
        payload = {"size": self.size, "vocabulary": sorted(self.vocabulary)}
        if self._impact is not None:
            payload["impact_ordered"] = True
            for key, name in IMPACT_FILES.items():
                np.save(directory / name, self._impact[key], allow_pickle=False)
        (directory / "compound_vocabulary.json").write_text(json.dumps(payload), "utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        payload = json.loads((directory / "compound_vocabulary.json").read_text("utf-8"))
        bm25 = bm25s.BM25.load(str(directory), load_corpus=False, mmap=True, show_progress=False)
        impact = None
        if payload.get("impact_ordered"):  # versions written before have no such copy
            impact = {
                key: np.load(directory / name, mmap_mode="r", allow_pickle=False)
                for key, name in IMPACT_FILES.items()
            }
        return cls(bm25, frozenset(payload["vocabulary"]), int(payload["size"]), impact)

    def query_terms(self, text: str, fold: bool = True) -> list[str]:
        return analyse(text, self.vocabulary, fold)

    def _columns(
        self, terms: list[str], weights: dict[str, float] | None, indptr: np.ndarray | None = None
    ) -> list[tuple[slice, float]]:
        """Each known query term's slice of the CSC arrays with its weight. Without weights a
        repeated term counts every time it is repeated, as in bm25s's own ``get_scores``."""
        vocab = self._bm25.vocab_dict
        if indptr is None:
            indptr = self._matrix["indptr"]
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
        data, indices = self._matrix["data"], self._matrix["indices"]
        for span, weight in self._columns(terms, weights):
            total[indices[span]] += weight * data[span]  # a column names a passage once
        return total

    def top(
        self, terms: list[str], weights: dict[str, float] | None, n: int, exact: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``n`` passages with the highest positive scores: (positions, scores), best first
        (ties by position). When the query's columns hold more than ``BUDGET`` postings (and the
        index has its impact-ordered copy), only the ``BUDGET`` of highest weighted impact are
        scored, unless ``exact``: a passage is then scored without the terms whose postings
        were left unread."""
        postings = self._matrix
        columns = self._columns(terms, weights)
        read = sum(s.stop - s.start for s, _ in columns)
        if not exact and self._impact is not None and read > BUDGET:
            postings = self._impact
            columns = _budgeted(
                postings["data"], self._columns(terms, weights, postings["indptr"]), BUDGET
            )
        from index import kernels  # numba: imported by large indexes only (0.3 s)

        starts, stops, factors = _spans(columns)
        ids, scores = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.float32)
        scratch = self._scratch().arrays(int((stops - starts).sum()))
        data, indices = postings["data"], postings["indices"]
        kept = kernels.top_postings(data, indices, starts, stops, factors, n, ids, scores, scratch)
        ids, scores = ids[:kept], scores[:kept]
        best = np.lexsort((ids, -scores))
        return ids[best], scores[best]

    def _scratch(self) -> kernels.TopScratch:
        """This thread's working arrays for ``top``."""
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            from index import kernels

            dtype = self._matrix["indices"].dtype
            scratch = self._local.scratch = kernels.TopScratch(self.size, dtype)
        return scratch

    def scores_of(
        self, terms: list[str], weights: dict[str, float] | None, among: np.ndarray
    ) -> np.ndarray:
        """BM25 scores of the passages ``among`` (positions) only: each is searched for in each
        column (a column's postings are sorted by passage)."""
        from index import kernels

        among = np.ascontiguousarray(among, dtype=np.int64)
        starts, stops, factors = _spans(self._columns(terms, weights))
        total = np.zeros(len(among), dtype=np.float32)
        data, indices = self._matrix["data"], self._matrix["indices"]
        kernels.scores_among(data, indices, starts, stops, factors, among, total)
        return total

    def warm(self) -> None:
        """Compile ``top`` and ``scores_of``'s loops for this index's arrays now (each process
        does once), not in the first question."""
        self.top([], None, 1)  # the impact-ordered copy has the same array types
        self.scores_of([], None, np.zeros(1, dtype=np.int64))


def _spans(columns: list[tuple[slice, float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Columns as the kernels take them: starts, stops and weights (float32, as the scores)."""
    starts = np.array([s.start for s, _ in columns], dtype=np.int64)
    stops = np.array([s.stop for s, _ in columns], dtype=np.int64)
    return starts, stops, np.array([w for _, w in columns], dtype=np.float32)


def _plain(matrix: Postings) -> Postings:
    """The CSC arrays as plain ndarrays (views: a memory-mapped one stays memory-mapped)."""
    return {key: matrix[key].view(np.ndarray) for key in ("data", "indices", "indptr")}


def impact_ordered(matrix: Postings, keep: int) -> Postings | None:
    """A copy of the CSC ``matrix`` with each column's postings by impact, highest first (ties
    by position), at most ``keep`` of them (a question reads no more); None when the whole
    matrix holds no more than ``keep`` postings (every question is scored exactly)."""
    indptr = np.asarray(matrix["indptr"])
    if indptr[-1] <= keep:
        return None
    data, indices = np.asarray(matrix["data"]), np.asarray(matrix["indices"])
    kept_data, kept_indices = [], []
    for start, end in itertools.pairwise(indptr.tolist()):
        order = np.lexsort((indices[start:end], -data[start:end]))[:keep]
        kept_data.append(data[start:end][order])
        kept_indices.append(indices[start:end][order])
    kept = np.concatenate([[0], np.cumsum([len(c) for c in kept_indices])])
    return {
        "data": np.concatenate(kept_data),
        "indices": np.concatenate(kept_indices),
        "indptr": kept.astype(indptr.dtype),
    }


def _budgeted(
    data: np.ndarray, columns: list[tuple[slice, float]], budget: int
) -> list[tuple[slice, float]]:
    """Prefixes of impact-ordered ``columns`` (spans of ``data`` with their weights) holding the
    about ``budget`` postings of highest weighted impact among them (at most
    ``budget / BUDGET_SAMPLES`` more). The threshold is placed on impacts sampled every
    ``budget / (BUDGET_SAMPLES · terms)`` postings of each column."""
    columns = [(span, weight) for span, weight in columns if weight > 0]
    if not columns:
        return []
    step = max(1, budget // (BUDGET_SAMPLES * len(columns)))
    sampled = [data[span][step - 1 : budget : step] for span, _ in columns]
    weighted = np.sort(np.concatenate([s * w for s, (_, w) in zip(sampled, columns, strict=True)]))
    within = budget // step  # samples that stand for ``budget`` postings
    if len(weighted) <= within:
        return columns
    threshold = float(weighted[len(weighted) - within])
    return [
        (slice(span.start, span.start + _prefix(data[span], samples, step, threshold / w)), w)
        for (span, w), samples in zip(columns, sampled, strict=True)
    ]


def _prefix(descending: np.ndarray, samples: np.ndarray, step: int, value: float) -> int:
    """How many of the ``descending`` values are at least ``value``, given every ``step``-th of
    them (``samples``): only the ``step`` values between two samples are searched."""
    above = int(np.searchsorted(-samples, -value, side="right"))  # samples ≥ value
    start = above * step
    window = np.asarray(descending[start : start + step])
    return start + int(np.searchsorted(-window, -value, side="right"))


def _document_frequencies(bm25: bm25s.BM25) -> dict[str, int]:
    indptr = np.asarray(bm25.scores["indptr"])
    counts = np.diff(indptr)
    return {t: int(counts[i]) for t, i in bm25.vocab_dict.items() if i < len(counts)}
