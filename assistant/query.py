"""A question made ready for search: its content words, stems and glossary expansions."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.definitions import defined_term
from assistant.glossary import Glossary
from index.lexical import LexicalIndex
from index.norwegian import content_words, stem

EXPANSION_WEIGHT = 0.4


@dataclass
class Query:
    text: str
    terms: list[str]  # analysed BM25 terms of the question itself
    weights: dict[str, float]  # BM25 term → weight (question terms 1.0, expansions less)
    content_stems: list[str]  # stems of the question's content words (coverage, marking)
    expansions: list[str]  # glossary phrases added
    expansion_stems: list[str]
    definition: list[str] | None = None  # stems of the term a "Hva er X?" question asks about

    @property
    def dense_text(self) -> str:
        return self.text


def analyse_query(text: str, lexical: LexicalIndex, glossary: Glossary) -> Query:
    terms = lexical.query_terms(text)
    weights: dict[str, float] = dict.fromkeys(terms, 1.0)
    expansions = glossary.expansions(text)
    expansion_stems: list[str] = []
    for phrase in expansions:
        for term in lexical.query_terms(phrase):
            expansion_stems.append(term)
            weights.setdefault(term, EXPANSION_WEIGHT)
    all_terms = list(weights)
    stems = list(dict.fromkeys(stem(w) for w in content_words(text)))
    return Query(
        text,
        all_terms,
        weights,
        stems,
        expansions,
        list(dict.fromkeys(expansion_stems)),
        defined_term(text),
    )
