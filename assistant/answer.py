"""Extractive answers: the sentences of the top passages that best answer the question, each
followed by the [n] of its source; and the spans of the question's words for marking."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.evidence import QuestionTerm, is_covered
from index.lexical import LexicalIndex
from index.norwegian import NYNORSK_TO_BOKMAL, normalise, split_compound, stem

REFUSAL = "Jeg fant ikke noe om dette i planene."
MAX_SENTENCE_CHARS = 320

_WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)


@dataclass
class Source:
    n: int
    text: str
    rank: int


def sentences(text: str) -> list[str]:
    from ingest.splitter import split_sentences

    return [s.strip() for s in split_sentences(text) if s.strip()]


def _terms_of(sentence: str, lexical: LexicalIndex) -> set[str]:
    return set(lexical.query_terms(sentence))


def compose(
    terms: list[QuestionTerm], sources: list[Source], lexical: LexicalIndex, max_sentences: int
) -> str:
    """Pick up to ``max_sentences`` sentences answering the question; keep their source order."""
    scored: list[tuple[float, int, int, str, int]] = []
    for src in sources:
        for pos, sent in enumerate(sentences(src.text)):
            covered = _terms_of(sent, lexical)
            score = sum(t.weight for t in terms if is_covered(t, covered))
            if score > 0:
                # earlier sources and earlier sentences break ties
                scored.append((score / (1 + 0.15 * src.rank), src.rank, pos, sent, src.n))
    if not scored and sources:
        first = sentences(sources[0].text)
        scored = [(0.0, sources[0].rank, 0, first[0], sources[0].n)] if first else []
    best = sorted(scored, key=lambda x: (-x[0], x[1], x[2]))
    chosen: list[tuple[int, int, str, int]] = []
    per_source: dict[int, int] = {}
    for score, rank, pos, sent, n in best:
        if len(chosen) >= max_sentences:
            break
        if chosen and score < 0.35 * best[0][0]:
            break
        if per_source.get(n, 0) >= 2:
            continue
        per_source[n] = per_source.get(n, 0) + 1
        chosen.append((rank, pos, sent, n))
    chosen.sort()
    return " ".join(f"{_shorten(sent)} [{n}]" for _r, _p, sent, n in chosen)


def _shorten(sentence: str) -> str:
    sentence = " ".join(sentence.split())
    if len(sentence) <= MAX_SENTENCE_CHARS:
        return sentence
    cut = sentence[:MAX_SENTENCE_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + " …"


def marks(
    text: str, terms: list[QuestionTerm], vocabulary: frozenset[str]
) -> list[tuple[int, int]]:
    """Character spans of words in ``text`` that match the question's words (by stem,
    compound part or glossary alternative)."""
    wanted = {t.stem for t in terms} | {a for t in terms for a in t.alternatives}
    wanted |= {p for t in terms for p in t.parts}
    spans: list[tuple[int, int]] = []
    for m in _WORD.finditer(text):
        word = normalise(m.group())
        word = NYNORSK_TO_BOKMAL.get(word, word)
        if len(word) < 3:
            continue
        s = stem(word)
        if s in wanted or (
            len(word) >= 8 and any(stem(p) in wanted for p in split_compound(word, vocabulary))
        ):
            spans.append((m.start(), m.end()))
    return spans
