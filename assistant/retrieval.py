"""Hybrid retrieval: a dense ranking (FAISS) and a BM25 ranking, fused by their scores.

Fusion (``PLAN_FUSION``) is relative score fusion by default: over the candidates of both
rankings each ranking's scores are scaled to 0–1 and mixed, ``PLAN_DENSE_SHARE`` (0.6) of the
dense. Rank fusion sees that a passage is first, not by how far: a passage far closer in meaning
than the rest loses to one that both rankings put second. Measured on every public set in one
run against reciprocal rank fusion (k 10, equal weights; ``PLAN_FUSION=rrf``), MRR@10: dev
0.853 → 0.901, dev2 0.754 → 0.802, norquad-dev 0.967 → 0.971 (bench/quality.md); shares 0.5
and 0.7 also beat rank fusion on dev2 and norquad-dev, and do less well than 0.6 on every set.

One named rule refines the dense side, and ``PLAN_RULES_OFF`` can switch it off so that
``bench/quality.py`` shows what it is worth on every question set:

- ``sentence``: a passage's dense score is the better of the passage's and its best sentence's
  (a question about one sentence of a long passage is not drowned by the rest).

Small indexes (an exact dense index) score every passage. Large ones (``index.dense``: an
HNSW graph above ``EXACT_MAX`` passages) score only candidates: the dense index's top
``PLAN_CANDIDATES`` for each question text (with their sentences), and BM25's top
(``LexicalIndex.top``: at most ``index.lexical.BUDGET`` postings a question); a hit found by
one ranking gets its exact score from the other.

On a large index the two rankings' searches overlap (``PLAN_PARALLEL_RANKINGS``): BM25's top is
found in a helper thread while this one searches the dense index. Both release the GIL (FAISS,
and the compiled loop of ``index.kernels``), so a question waits for the slower of the two
instead of their sum. At 1M passages (bench/scale.py, one run) p95 is 1.36 ms against 2.07 ms
in one thread. The work is the same plus a hand-over, so a server whose cores are all busy
retrieves about as much: 1.02 and 0.98 (two runs) of the questions per second in one thread at
1M, 0.89 at 10k (one process per core retrieving without pause).

Rules that did not help more than one public question set were measured and removed
(bench/quality.md): a BM25 field over the heading path, adjacent question words, answer types
("Hvor mye …?" preferring an amount), a bonus for the first passage of a section, initiative
field lists ranked down, and "Hva er X?" preferring a passage that defines X.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from assistant.query import Query
from index.embedder import Embedder
from index.store import LoadedIndex

RULES = ("sentence",)


@dataclass
class Hit:
    index: int  # position in LoadedIndex.passages
    score: float  # fused score
    dense: float  # cosine similarity (the better of passage and best sentence)
    bm25: float
    dense_rank: int  # 1-based; 0 = not among the candidates
    bm25_rank: int


@dataclass
class Scores:
    """Scores of some passages: ``values[j]`` is passage ``ids[j]``'s; ``ids`` None means every
    passage, in order."""

    values: np.ndarray
    ids: np.ndarray | None = None

    def max(self) -> float:
        return float(self.values.max()) if self.values.size else 0.0

    def ranks(self, candidates: int, positive_only: bool = False) -> dict[int, int]:
        top = top_positions(self.values, candidates, positive_only)
        return _ranked(top if self.ids is None else self.ids[top])

    def of(self, positions: list[int], compute: Callable[[np.ndarray], Scores]) -> list[float]:
        """The scores of ``positions``; those not scored yet are computed with ``compute``."""
        if self.ids is None:
            return [float(self.values[i]) for i in positions]
        known = dict(zip(self.ids.tolist(), self.values.tolist(), strict=True))
        missing = [i for i in positions if i not in known]
        if missing:
            extra = compute(np.asarray(missing, dtype=np.int64))
            known.update(zip(missing, extra.values.tolist(), strict=True))
        return [known[i] for i in positions]


@dataclass
class Ranking:
    hits: list[Hit]
    best_dense: float  # the best cosine similarity of any passage or sentence to the question


def ranks(scores: np.ndarray, candidates: int, positive_only: bool = False) -> dict[int, int]:
    """1-based ranks of the top ``candidates`` passages by score."""
    return _ranked(top_positions(scores, candidates, positive_only))


def top_positions(scores: np.ndarray, candidates: int, positive_only: bool = False) -> np.ndarray:
    """Positions of the top ``candidates`` scores, best first."""
    if scores.size == 0:
        return np.zeros(0, dtype=np.int64)
    n = min(candidates, scores.size)
    top = np.argpartition(-scores, n - 1)[:n]
    top = top[np.argsort(-scores[top], kind="stable")]
    if positive_only:
        top = top[scores[top] > 0]
    return top


def _ranked(positions: np.ndarray) -> dict[int, int]:
    return dict(zip(positions.tolist(), range(1, len(positions) + 1), strict=True))


def best_fused(fused: dict[int, float], limit: int) -> list[int]:
    """The ``limit`` passages with the highest fused scores (ties by position)."""
    ids = np.fromiter(fused.keys(), dtype=np.int64, count=len(fused))
    values = np.fromiter(fused.values(), dtype=np.float64, count=len(fused))
    return ids[np.lexsort((ids, -values))[:limit]].tolist()


def fuse(
    dense_ranks: dict[int, int],
    bm25_ranks: dict[int, int],
    *,
    k: int,
    dense_weight: float,
    bm25_weight: float,
) -> dict[int, float]:
    """Weighted reciprocal rank fusion: sum of weight / (k + rank) over the rankings."""
    fused: dict[int, float] = {}
    for ranking, weight in ((dense_ranks, dense_weight), (bm25_ranks, bm25_weight)):
        if weight <= 0:
            continue
        for i, r in ranking.items():
            fused[i] = fused.get(i, 0.0) + weight / (k + r)
    return fused


def relative_fusion(dense: np.ndarray, bm25: np.ndarray, dense_share: float) -> np.ndarray:
    """Relative score fusion: each ranking's scores scaled to 0–1 over the candidates (min-max),
    then mixed, ``dense_share`` of the dense and the rest of BM25. Unlike rank fusion it keeps
    how far apart the scores are: a passage far closer in meaning than the rest is not pulled
    down by a middling BM25 rank."""

    def scaled(v: np.ndarray) -> np.ndarray:
        lo, hi = (float(v.min()), float(v.max())) if v.size else (0.0, 0.0)
        return (v - lo) / (hi - lo) if hi > lo else np.zeros_like(v)

    dense = np.asarray(dense, dtype=np.float64)
    bm25 = np.asarray(bm25, dtype=np.float64)
    return dense_share * scaled(dense) + (1 - dense_share) * scaled(bm25)


_helper: tuple[int, ThreadPoolExecutor] | None = None  # (process id, its helper thread)
_helper_lock = threading.Lock()


def helper_thread() -> ThreadPoolExecutor:
    """This process's one helper thread (``PLAN_PARALLEL_RANKINGS``), started when first
    needed; a forked child starts its own."""
    global _helper
    with _helper_lock:
        if _helper is None or _helper[0] != os.getpid():
            _helper = (os.getpid(), ThreadPoolExecutor(1, thread_name_prefix="bm25"))
        return _helper[1]


def _now(function: Callable, *args) -> Future:
    """``function(*args)`` run in this thread, as a finished future."""
    done: Future = Future()
    try:
        done.set_result(function(*args))
    except BaseException as error:  # raised again by ``result()``, as from the helper thread
        done.set_exception(error)
    return done


def rules_off(setting: str) -> frozenset[str]:
    """The rules ``PLAN_RULES_OFF`` names (retrieval rules here, analysis rules in
    ``assistant.query``)."""
    from assistant.query import RULES as ANALYSIS_RULES

    names = frozenset(n.strip() for n in setting.split(",") if n.strip())
    known = set(RULES) | set(ANALYSIS_RULES)
    if names - known:
        raise ValueError(
            f"unknown rules: {sorted(names - known)} (known: {', '.join(sorted(known))})"
        )
    return names


class Retriever:
    def __init__(self, loaded: LoadedIndex, embedder: Embedder, settings) -> None:
        self.loaded = loaded
        self.embedder = embedder
        self.settings = settings
        self.off = rules_off(settings.rules_off)

    def on(self, name: str) -> bool:
        return name not in self.off

    @property
    def parallel(self) -> bool:
        """Do the rankings' searches overlap (a large index, ``PLAN_PARALLEL_RANKINGS``)?"""
        return self.settings.parallel_rankings and not self.loaded.dense.exact

    # -- the two rankings -----------------------------------------------------------------
    def query_vectors(self, query: Query) -> np.ndarray:
        return self.embedder.encode_queries(query.dense_texts)

    def dense_scores(
        self, query: Query, qvecs: np.ndarray | None = None, among: np.ndarray | None = None
    ) -> Scores:
        """Cosine similarity of passages to the question: the best over the question's dense
        texts, and over the passage and (``sentence``) its best sentence. Of the passages
        ``among``, else of every passage (exact index) or of the dense index's candidates."""
        if qvecs is None:
            qvecs = self.query_vectors(query)
        qvecs = np.atleast_2d(qvecs)
        loaded = self.loaded
        if among is None and not loaded.dense.exact:
            found = [loaded.dense.search(q, self.settings.candidates)[0] for q in qvecs]
            among = np.unique(np.concatenate(found)) if found else np.zeros(0, np.int64)
        # The candidates' vectors, read once for every question text (memory-mapped rows).
        rows = None if among is None else np.asarray(loaded.vectors[among], dtype=np.float32)
        best: np.ndarray | None = None
        for qvec in qvecs:
            scores = loaded.dense.scores(qvec) if rows is None else rows @ qvec
            sentences = loaded.sentence_scores(qvec, among) if self.on("sentence") else None
            if sentences is not None:
                scores = self._combine(scores, sentences)
            best = scores if best is None else np.maximum(best, scores)
        if best is None:
            best = np.zeros(len(loaded.passages) if among is None else len(among), np.float32)
        return Scores(best, among)

    def _combine(self, passage: np.ndarray, sentence: np.ndarray) -> np.ndarray:
        return np.maximum(passage, sentence)

    def lexical_scores(self, query: Query, among: np.ndarray | None = None) -> Scores:
        """BM25 scores: of the passages ``among``, else of every passage (small index) or of
        the best ``PLAN_CANDIDATES`` (large index)."""
        lexical, terms, weights = self.loaded.lexical, query.bm25_terms, query.bm25_weights
        if among is not None:
            return Scores(lexical.scores_of(terms, weights, among), among)
        if self.loaded.dense.exact:
            return Scores(lexical.scores(terms, weights))
        ids, values = lexical.top(terms, weights, self.settings.candidates)
        return Scores(values, ids)

    def search(self, query: Query, limit: int, qvecs: np.ndarray | None = None) -> list[Hit]:
        return self.rank(query, limit, qvecs).hits

    def rank(self, query: Query, limit: int, qvecs: np.ndarray | None = None) -> Ranking:
        s = self.settings
        if qvecs is None:
            qvecs = self.query_vectors(query)
        # BM25's top in the helper thread while this one searches the dense index, or in turn.
        beside = helper_thread().submit if self.parallel else _now
        lexical = beside(self.lexical_scores, query)
        dense_scores = self.dense_scores(query, qvecs)
        bm25_scores = lexical.result()
        d_ranks = dense_scores.ranks(s.candidates)
        b_ranks = bm25_scores.ranks(s.candidates, positive_only=True)
        candidates = list(dict.fromkeys([*d_ranks, *b_ranks]))
        dense = dense_scores.of(candidates, lambda ids: self.dense_scores(query, qvecs, ids))
        bm25 = bm25_scores.of(candidates, lambda ids: self.lexical_scores(query, ids))
        if s.fusion == "rrf":
            fused = fuse(
                d_ranks, b_ranks, k=s.rrf_k, dense_weight=s.dense_weight, bm25_weight=s.bm25_weight
            )
        else:
            mixed = relative_fusion(np.array(dense), np.array(bm25), s.dense_share)
            fused = dict(zip(candidates, mixed.tolist(), strict=True))
        position = {i: j for j, i in enumerate(candidates)}
        order = best_fused(fused, limit)
        hits = [
            Hit(
                i,
                fused[i],
                dense[position[i]],
                bm25[position[i]],
                d_ranks.get(i, 0),
                b_ranks.get(i, 0),
            )
            for i in order
        ]
        return Ranking(hits, dense_scores.max())
