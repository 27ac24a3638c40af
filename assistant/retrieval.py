"""Hybrid retrieval: dense (FAISS) and BM25 rankings fused by weighted reciprocal rank fusion.

BM25 is scored over two fields, as in BM25F: the passage (with its nearest headings) and the whole
heading path, so that "indikatorer for arbeidsliv" prefers the indicators under the chapter on
working life. Adjacent question words found next to each other in a passage ("minst sentral")
add to its score. The top candidates are then reranked for what answers the kind of question:
a definition for "Hva er X?", an amount for "Hvor mye penger …?", a period for "Hvor lenge …?";
the first passage of a section gets a small bonus, and initiative field lists rank below the
description unless the question asks about owners, partners, priority or links.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

import numpy as np

from assistant.definitions import defines
from assistant.query import Query
from index.embedder import Embedder
from index.lexical import LexicalIndex
from index.norwegian import content_words, stem
from index.passage_text import heading_text
from index.store import LoadedIndex

RERANK_DEPTH = 30
DEFINITION_BONUS = 1.0
AMOUNT_BONUS = 0.5
PHRASE_WINDOW = 2  # words between two adjacent question words may be this far apart


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


# Answer types of "how much / how many / how long" questions and what such an answer looks like.
# These see questions and passages, so each is linear (see tests/test_linear_time.py): a match
# can only start where the previous one could not have (a run's start, or a bounded number of
# number groups back), and quantifiers are possessive where giving back cannot help.
_HOW_MUCH = re.compile(r"\b(?:hvor|kor)\s++(?:mye|mykje)\b", re.IGNORECASE)
_MONEY_WORD = re.compile(
    r"\b(?:penger|pengar|kost\w*|kroner|midler|budsjett\w*|bevilg\w*|finansier\w*)",
    re.IGNORECASE,
)
_COUNT_QUESTION = re.compile(r"\b(?:hvor|kor)\s++(?:mange|mykje|mye)\b", re.IGNORECASE)
_PERIOD_QUESTION = re.compile(r"\b(?:hvor|kor)\s++lenge\b|\bnår\b|\bkva\s++tid\b", re.IGNORECASE)
_MONEY = re.compile(
    r"(?<![\d .,])[ .,]*+\d[\d .,]*+\s*+(?:kr\b|kroner|mill|milliard|mrd)|\b(?:kr|NOK)\s*+\d",
    re.IGNORECASE,
)
_COUNT = re.compile(r"\b\d++(?:[ .,]\d++){0,6}+\s*+(?:%|prosent|[^\W\d_]{3,})", re.IGNORECASE)
_PERIOD = re.compile(
    r"\b\d++\s*+(?:-\s*+)?årig|\b(?:til|fram til|frem til|innen|fra|i perioden)\s++(?:19|20)\d\d\b"
    r"|\b(?:19|20)\d\d\s*+[-–]\s*+(?:19|20)?\d\d\b",
    re.IGNORECASE,
)
# Initiative fields ("Ansvarlig: … Samarbeidspartnere: …") are metadata: the structured
# initiative answers use them; as free-text evidence they rank below the description.
_FIELDS_PASSAGE = re.compile(r"^\s*(?:Ansvarlig|Samarbeidspart\w*|Prioritering)\s*:")
_ASKS_FOR_FIELDS = re.compile(r"ansvar|samarbeid|partner|priorit|kobl|knytt|hvem", re.IGNORECASE)


def answer_pattern(question: str) -> re.Pattern[str] | None:
    """What an answer to a how-much/how-many/how-long question contains, or None."""
    how_much = _HOW_MUCH.search(question)
    if how_much and _MONEY_WORD.search(question, how_much.end()):
        return _MONEY
    if _PERIOD_QUESTION.search(question):
        return _PERIOD
    if _COUNT_QUESTION.search(question):
        return _COUNT
    return None


def stem_sequence(text: str) -> list[str]:
    return [stem(w) for w in content_words(text)]


def phrase_pairs(question: str) -> list[tuple[str, str]]:
    """Adjacent content words of the question, as stem pairs ("minst sentrale" → minst, sentral)."""
    seq = stem_sequence(question)
    return list(dict.fromkeys(itertools.pairwise(seq)))


def has_pair(positions: dict[str, list[int]], pair: tuple[str, str], window: int) -> bool:
    first, second = positions.get(pair[0]), positions.get(pair[1])
    if not first or not second:
        return False
    # Positions ascend: only the first of the second word's positions after ``a`` can be near
    # enough (a word repeated in a passage must not make this quadratic).
    for a in first:
        j = bisect.bisect_right(second, a)
        if j < len(second) and second[j] - a <= window:
            return True
    return False


class Retriever:
    def __init__(self, loaded: LoadedIndex, embedder: Embedder, settings) -> None:
        self.loaded = loaded
        self.embedder = embedder
        self.settings = settings
        # The heading field and word positions are small and quick to derive, so they are
        # built when a version is loaded rather than stored in it.
        self.headings = LexicalIndex.build(
            [heading_text(p) for p in loaded.passages], loaded.lexical.vocabulary
        )
        self._positions: list[dict[str, list[int]]] = []
        for p in loaded.passages:
            pos: dict[str, list[int]] = {}
            for n, term in enumerate(stem_sequence(p.text)):
                pos.setdefault(term, []).append(n)
            self._positions.append(pos)
        self._lead = [
            i == 0
            or p.section != loaded.passages[i - 1].section
            or p.document_id != loaded.passages[i - 1].document_id
            for i, p in enumerate(loaded.passages)
        ]
        self._fields = [bool(_FIELDS_PASSAGE.match(p.text)) for p in loaded.passages]

    def lexical_scores(self, query: Query) -> np.ndarray:
        s = self.settings
        scores = self.loaded.lexical.scores(query.terms, query.weights)
        if s.heading_weight > 0:
            scores = scores + s.heading_weight * self.headings.scores(query.terms, query.weights)
        pairs = phrase_pairs(query.text)
        if s.phrase_weight > 0 and pairs:
            lex = self.loaded.lexical
            for i in np.flatnonzero(scores > 0):
                for pair in pairs:
                    if has_pair(self._positions[i], pair, PHRASE_WINDOW):
                        scores[i] += s.phrase_weight * (lex.idf(pair[0]) + lex.idf(pair[1])) / 2
        return scores

    def _rerank(self, query: Query, fused: dict[int, float], bm25: np.ndarray) -> None:
        """Adjust the top candidates for what kind of passage answers this kind of question."""
        s = self.settings
        top = max(fused.values())
        wanted = answer_pattern(query.text)
        fields_asked = bool(_ASKS_FOR_FIELDS.search(query.text))
        for i in sorted(fused, key=lambda i: -fused[i])[:RERANK_DEPTH]:
            text = self.loaded.passages[i].text
            # A passage that defines the asked-about term answers "Hva er X?" better than one
            # that only mentions X; "Hvor mye koster …?" wants a passage with an amount.
            if query.definition and defines(text, query.definition):
                fused[i] += DEFINITION_BONUS * top
            if wanted is not None and bm25[i] > 0 and wanted.search(text):
                fused[i] += AMOUNT_BONUS * top
            if self._lead[i]:
                fused[i] += s.lead_bonus * top
            if self._fields[i] and not fields_asked:
                fused[i] *= s.fields_factor

    def search(self, query: Query, limit: int) -> list[Hit]:
        s = self.settings
        qvec = self.embedder.encode_queries([query.dense_text])[0]
        dense_scores = self.loaded.dense.scores(qvec)
        bm25_scores = self.lexical_scores(query)
        d_ranks = ranks(dense_scores, s.candidates)
        b_ranks = ranks(bm25_scores, s.candidates, positive_only=True)
        fused = fuse(
            d_ranks, b_ranks, k=s.rrf_k, dense_weight=s.dense_weight, bm25_weight=s.bm25_weight
        )
        if fused:
            self._rerank(query, fused, bm25_scores)
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
