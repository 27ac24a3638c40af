"""The question, analysed once: the one ``Query`` that retrieval, evidence and answer composition
all read.

Analysis: whitespace and Unicode normalised; nynorsk question phrases and words folded to bokmål
(``index/data/nynorsk.toml``); a word the index does not know tried in its bokmål spellings and
then corrected to the nearest word the index knows ("utdaning" → "utdanning"); content words
with their stems, compound parts, glossary alternatives and rarity weights; the answer type
("Hvor mye koster …?" wants an amount) and, for "Hva er X?", the term asked about.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from assistant.answer_types import DEFINITION, typed_clause
from assistant.definitions import defined_term
from assistant.glossary import Glossary
from index.lexical import LexicalIndex
from index.lexicon import Lexicon
from index.norwegian import TOKEN, content_words, normalise, split_compound, stem, stopwords
from index.nynorsk import bokmal_candidates, fold_phrases, fold_word, is_nynorsk

# Analysis steps PLAN_RULES_OFF can switch off: the glossary, spelling correction, and nynorsk
# folding of the question (passages stay folded, so a nynorsk question then misses bokmål words).
RULES = ("glossary", "spelling", "nynorsk")
EXPANSION_WEIGHT = 0.4  # BM25 weight of glossary words next to the question's own
COMPOUND_MIN = 8  # words this long may be compounds worth splitting
MAX_LOOKUPS = 100  # question words tried for another spelling (a 500-character question has fewer)


@dataclass(frozen=True)
class Term:
    """One content word of the question."""

    word: str  # as searched: bokmål, spelling corrected
    stem: str
    parts: tuple[str, ...]  # stems of its compound parts (empty if not a compound)
    alternatives: frozenset[str]  # stems of glossary expansions of this word
    weight: float  # idf: rare words weigh more, words the index never uses weigh most


@dataclass
class Query:
    text: str  # as asked, whitespace normalised
    searched: str  # lower-cased bokmål text with corrections: what BM25 and the model read
    language: str  # "nb" or "nn"
    terms: list[Term]
    bm25_terms: list[str]
    bm25_weights: dict[str, float]
    expansions: list[str] = field(default_factory=list)  # glossary phrases also searched for
    corrections: dict[str, str] = field(default_factory=dict)  # written → searched
    answer_type: str | None = None  # "definition", "amount", "period", "count" or None
    defined: list[str] | None = None  # stems of the term a "Hva er X?" question asks about
    focus: str = ""  # the question sentence(s) as asked, without the story around them
    focus_stems: frozenset[str] = frozenset()  # stems of the focus's content words
    typed_stems: frozenset[str] = frozenset()  # stems of the clause that sets the answer type

    @property
    def focus_terms(self) -> list[Term]:
        """The terms of the question sentence ("Jeg er 45 og vurderer å bytte yrke. Hvor får
        jeg hjelp?" → the terms of "Hvor får jeg hjelp?"); all terms for a one-sentence question."""
        return [t for t in self.terms if t.stem in self.focus_stems] or self.terms

    @property
    def typed_terms(self) -> list[Term]:
        """The terms of the clause that asks for an amount, a period or a count ("…, og når er
        søknadsrunden?" → søknadsrunde); the focus terms when that clause has none."""
        return [t for t in self.terms if t.stem in self.typed_stems] or self.focus_terms

    @property
    def stems(self) -> list[str]:
        return [t.stem for t in self.terms]

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """Adjacent content words, as stem pairs ("minst sentrale" → minst, sentral)."""
        return list(dict.fromkeys(itertools.pairwise(self.stems)))

    @property
    def dense_texts(self) -> list[str]:
        """What the embedding model reads: the question as asked and, when it is nynorsk or
        words were corrected, its bokmål, corrected form too (the passage closest to either
        counts, so a nynorsk or misspelt question does at least as well as its bokmål form)."""
        if self.corrections or self.language == "nn":
            return [self.text, self.searched]
        return [self.text]

    @property
    def also_searched(self) -> list[str]:
        """Shown to the user: corrected words first, then glossary words."""
        return list(dict.fromkeys([*self.corrections.values(), *self.expansions]))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def question_sentences(text: str) -> str:
    """The sentences that ask (end in "?"), or the last sentence when none does."""
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if s]
    asking = [s for s in sentences if s.endswith("?")]
    return " ".join(asking) if asking else (sentences[-1] if sentences else text)


def _searched_word(word: str, lexicon: Lexicon | None, off: frozenset[str]) -> str:
    """The bokmål, correctly spelt form of a lower-cased question word."""
    folded = word if "nynorsk" in off else fold_word(word)
    if lexicon is None or not folded.isalpha() or folded in stopwords():
        return folded
    if lexicon.knows(folded):
        return folded
    if "nynorsk" not in off:
        for candidate in bokmal_candidates(folded):
            if lexicon.knows(candidate):
                return candidate
    if "spelling" not in off:
        return lexicon.correct(folded) or folded
    return folded


def _rewrite(
    text: str, lexicon: Lexicon | None, off: frozenset[str] = frozenset()
) -> tuple[str, dict[str, str]]:
    """(searched text, corrections) for normalised text."""
    corrections: dict[str, str] = {}
    lookups = 0

    def replace(m: re.Match[str]) -> str:
        nonlocal lookups
        word = m.group(0)
        lookups += 1
        if lookups > MAX_LOOKUPS:
            return word if "nynorsk" in off else fold_word(word)
        if "-" in word:
            return "-".join(_searched_word(p, lexicon, off) for p in word.split("-"))
        searched = _searched_word(word, lexicon, off)
        if searched != word and searched != fold_word(word):
            corrections[word] = searched
        return searched

    return TOKEN.sub(replace, text), corrections


def analyse(
    text: str,
    lexical: LexicalIndex,
    glossary: Glossary,
    lexicon: Lexicon | None = None,
    off: frozenset[str] = frozenset(),
) -> Query:
    """The question analysed once; ``off`` names analysis rules to leave out (``RULES``)."""
    asked = " ".join(text.split())

    def rewrite(part: str) -> tuple[str, dict[str, str]]:
        normalised = normalise(part)
        return _rewrite(normalised if "nynorsk" in off else fold_phrases(normalised), lexicon, off)

    searched, corrections = rewrite(asked)
    fold = "nynorsk" not in off
    if "glossary" in off:
        glossary = Glossary({})
    expansions = glossary.expansions(searched)
    weights: dict[str, float] = dict.fromkeys(lexical.query_terms(searched, fold), 1.0)
    for phrase in expansions:
        for term in lexical.query_terms(phrase):
            weights.setdefault(term, EXPANSION_WEIGHT)

    terms: list[Term] = []
    seen: set[str] = set()
    for word in content_words(searched, fold):
        s = stem(word)
        if s in seen:
            continue
        seen.add(s)
        parts = ()
        if len(word) >= COMPOUND_MIN:
            parts = tuple(stem(p) for p in split_compound(word, lexical.vocabulary))
        alternatives = frozenset(
            t for phrase in glossary.expansions(word) for t in lexical.query_terms(phrase)
        )
        weight = lexical.idf(s)
        if parts:
            weight = min(weight, max(lexical.idf(p) for p in parts))
        terms.append(Term(word, s, parts, alternatives, weight))

    defined = defined_term(searched)
    focus = question_sentences(asked)
    kind, clause = typed_clause(searched)
    focus_stems = frozenset(stem(w) for w in content_words(rewrite(focus)[0], fold))
    return Query(
        text=asked,
        searched=searched,
        language="nn" if is_nynorsk(TOKEN.findall(normalise(asked))) else "nb",
        terms=terms,
        bm25_terms=list(weights),
        bm25_weights=weights,
        expansions=expansions,
        corrections=corrections,
        answer_type=DEFINITION if defined else kind,
        defined=defined,
        focus=focus,
        focus_stems=focus_stems,
        typed_stems=frozenset(stem(w) for w in content_words(clause, fold)),
    )
