"""Hybrid retrieval: dense (FAISS) and BM25 rankings fused by weighted reciprocal rank fusion."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.definitions import defines
from assistant.query import Query
from index.embedder import Embedder
from index.store import LoadedIndex

RERANK_DEPTH = 30
DEFINITION_BONUS = 1.0


@dataclass
class Hit:
    index: int  # position in LoadedIndex.passages
    score: float  # fused score
    dense: float  # cosine similarity
    bm25: float
    dense_rank: int  # 1-based; 0 = not among the candidates
    bm25_rank: int


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


class Retriever:
    def __init__(self, loaded: LoadedIndex, embedder: Embedder, settings) -> None:
        self.loaded = loaded
        self.embedder = embedder
        self.settings = settings

    def search(self, query: Query, limit: int) -> list[Hit]:
        s = self.settings
        qvec = self.embedder.encode_queries([query.dense_text])[0]
        dense_scores = self.loaded.dense.scores(qvec)
        bm25_scores = self.loaded.lexical.scores(query.terms, query.weights)
        d_ranks = ranks(dense_scores, s.candidates)
        b_ranks = ranks(bm25_scores, s.candidates, positive_only=True)
        fused = fuse(
            d_ranks, b_ranks, k=s.rrf_k, dense_weight=s.dense_weight, bm25_weight=s.bm25_weight
        )
        if query.definition and fused:
            # A passage that defines the asked-about term answers a "Hva er X?" question
            # better than one that only mentions X.
            top = max(fused.values())
            for i in sorted(fused, key=lambda i: -fused[i])[:RERANK_DEPTH]:
                if defines(self.loaded.passages[i].text, query.definition):
                    fused[i] += DEFINITION_BONUS * top
        order = sorted(fused, key=lambda i: (-fused[i], i))[:limit]
        return [
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
