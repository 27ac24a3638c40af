"""Does a passage answer the question? Term coverage weighted by rarity, used both to decide an
honest refusal and to pick the answer sentences."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.glossary import Glossary
from index.lexical import LexicalIndex
from index.norwegian import content_words, split_compound, stem


@dataclass
class QuestionTerm:
    word: str
    stem: str
    parts: list[str]  # stems of compound parts (empty if not a compound)
    alternatives: set[str]  # stems of glossary expansions of this word
    weight: float  # idf: rare words weigh more, words the plans never use weigh most


def question_terms(question: str, lexical: LexicalIndex, glossary: Glossary) -> list[QuestionTerm]:
    terms: list[QuestionTerm] = []
    seen: set[str] = set()
    for word in content_words(question):
        s = stem(word)
        if s in seen:
            continue
        seen.add(s)
        parts = (
            [stem(p) for p in split_compound(word, lexical.vocabulary)] if len(word) >= 8 else []
        )
        alternatives = {
            t for phrase in glossary.expansions(word) for t in lexical.query_terms(phrase)
        }
        weight = lexical.idf(s)
        if parts:
            weight = min(weight, max(lexical.idf(p) for p in parts))
        terms.append(QuestionTerm(word, s, parts, alternatives, weight))
    return terms


def is_covered(term: QuestionTerm, passage_terms: set[str]) -> bool:
    if term.stem in passage_terms:
        return True
    if term.parts and all(p in passage_terms for p in term.parts):
        return True
    return bool(term.alternatives & passage_terms)


def coverage(terms: list[QuestionTerm], passage_terms: set[str]) -> float:
    """Share of the question's (idf-weighted) content words that the passage contains."""
    total = sum(t.weight for t in terms)
    if total == 0:
        return 0.0
    return sum(t.weight for t in terms if is_covered(t, passage_terms)) / total
