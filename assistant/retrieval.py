"""Hybrid retrieval: a dense ranking (FAISS) and a BM25 ranking fused by reciprocal rank fusion.

One named rule refines the dense side, and ``PLAN_RULES_OFF`` can switch it off so that
``bench/quality.py`` shows what it is worth on every question set:

- ``sentence``: a passage's dense score is the better of the passage's and its best sentence's
  (a question about one sentence of a long passage is not drowned by the rest).

Rules that did not help more than one public question set were measured and removed
(bench/quality.md): a BM25 field over the heading path, adjacent question words, answer types
("Hvor mye …?" preferring an amount), a bonus for the first passage of a section, initiative
field lists ranked down, and "Hva er X?" preferring a passage that defines X.
"""

from __future__ import annotations

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
class Ranking:
    hits: list[Hit]
    best_dense: float  # the best cosine similarity of any passage or sentence to the question


def ranks(scores: np.ndarray, candidates: int, positive_only: bool = False) -> dict[int, int]:
    """1-based ranks of the top ``candidates`` passages by score."""
    if scores.size == 0:
        return {}
    n = min(candidates, scores.size)
    top = np.argpartition(-scores, n - 1)[:n]
    top = top[np.argsort(-scores[top], kind="stable")]
    if positive_only:
        top = top[scores[top] > 0]
    return {int(i): r for r, i in enumerate(top, 1)}


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

    # -- the two rankings -----------------------------------------------------------------
    def query_vectors(self, query: Query) -> np.ndarray:
        return self.embedder.encode_queries(query.dense_texts)

    def dense_scores(self, query: Query, qvecs: np.ndarray | None = None) -> np.ndarray:
        """Cosine similarity of each passage to the question: the best over the question's
        dense texts, and over the passage and (``sentence``) its best sentence."""
        if qvecs is None:
            qvecs = self.query_vectors(query)
        best: np.ndarray | None = None
        for qvec in np.atleast_2d(qvecs):
            scores = self.loaded.dense.scores(qvec)
            sentences = self.loaded.sentence_scores(qvec) if self.on("sentence") else None
            if sentences is not None:
                scores = self._combine(scores, sentences)
            best = scores if best is None else np.maximum(best, scores)
        return best if best is not None else np.zeros(len(self.loaded.passages), np.float32)

    def _combine(self, passage: np.ndarray, sentence: np.ndarray) -> np.ndarray:
        return np.maximum(passage, sentence)

    def lexical_scores(self, query: Query) -> np.ndarray:
        return self.loaded.lexical.scores(query.bm25_terms, query.bm25_weights)

    def search(self, query: Query, limit: int, qvecs: np.ndarray | None = None) -> list[Hit]:
        return self.rank(query, limit, qvecs).hits

    def rank(self, query: Query, limit: int, qvecs: np.ndarray | None = None) -> Ranking:
        s = self.settings
        dense_scores = self.dense_scores(query, qvecs)
        bm25_scores = self.lexical_scores(query)
        d_ranks = ranks(dense_scores, s.candidates)
        b_ranks = ranks(bm25_scores, s.candidates, positive_only=True)
        fused = fuse(
            d_ranks, b_ranks, k=s.rrf_k, dense_weight=s.dense_weight, bm25_weight=s.bm25_weight
        )
        order = sorted(fused, key=lambda i: (-fused[i], i))[:limit]
        hits = [
            Hit(
                i,
                fused[i],
                float(dense_scores[i]),
                float(bm25_scores[i]),
                d_ranks.get(i, 0),
                b_ranks.get(i, 0),
            )
            for i in order
        ]
        return Ranking(hits, float(dense_scores.max()) if dense_scores.size else 0.0)
