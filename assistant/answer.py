"""Extractive answers: whole sentences of the top passages that answer the question, the best one
first, each followed by the [n] of its source; and the spans of the question's words for marking.

A sentence qualifies when it reads as a sentence: it starts like one, ends with a full stop,
question or exclamation mark, is not a heading, a slide's bullet list, a caption or a list of
links, and is not too long to read. It is never cut. The same sentence (passages overlap) is
used once. The first sentence is the one that best answers: it defines the asked-about term,
or has the amount, date or count the question wants, and contains most of the question's
(rarity-weighted) words, closest in meaning to the question as a tie-break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer_types import DEFINITION, has_answer_of_type
from assistant.definitions import defines
from assistant.evidence import coverage
from assistant.messages import message
from assistant.query import Query, Term
from index.lexical import LexicalIndex
from index.norwegian import normalise, split_compound, stem
from index.nynorsk import fold_word
from index.passage_text import sentence_runs

REFUSAL = message("refusal")
MAX_SENTENCE_CHARS = 400
MIN_WORDS = 5
MAX_HEADING_CHARS = 80  # a line this short, without a full stop, is a heading
MAX_HEADING_WORDS = 10
FOLLOWING_SHARE = 0.35  # later sentences need this share of the first one's coverage

_WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_STARTS = re.compile(r"^[«\"(]?[A-ZÆØÅ0-9]")
_ENDS = re.compile(r"[.!?][»\")\]]*$")
_BULLET = re.compile(r"(?<!\s)\s*+[•►→▪■●]\s*+")  # starts only where a space run starts
_NOT_PROSE = re.compile(
    r"[•►→▪■●|]|\s>\s|https?://|www\.|\(PDF,|\.pdf\b|^(?:Foto|Video|Kilde|Illustrasjon)\s*:"
    r"|^(?:Mer om|Les mer)\b|Kunnskapsgrunnlag:|\b\d+\.\d+\.\d+\s",  # "see also" and section lists
    re.IGNORECASE,
)


@dataclass
class Source:
    n: int
    text: str
    rank: int
    # Cosine similarity of each sentence and line (``index.passage_text.sentence_texts`` order)
    # to the question, if known.
    similarities: list[float] | None = None


@dataclass
class _Candidate:
    text: str
    n: int
    rank: int
    position: int
    coverage: float
    fits_type: bool
    similarity: float

    @property
    def key(self) -> tuple:
        return (not self.fits_type, -round(self.coverage, 6), -self.similarity, self.rank)


# A heading run into the sentence after it ("Unge som ikke er i utdanning eller arbeid Å
# gjennomføre videregående er nøkkelen …"): a lower-case word, then a capitalised word that
# only starts sentences.
_RUN_IN = re.compile(
    r"(?<=[a-zæøå0-9)])\s+(?=(?:Å|Det|Dette|Denne|Den|De|Disse|Vi|Vår|Våre|Han|Hun|Man|En|Et|"
    r"Ei|I|Når|Hvis|Dersom|Slik|Samtidig|Målet|Planen|Her|Der|Følgende|Mange|Flere|Alle)\s)"
)


def without_run_in_heading(sentence: str) -> str:
    """The sentence without a heading run into its start (the last run-in point wins)."""
    parts = _RUN_IN.split(sentence)
    return parts[-1] if len(parts) > 1 else sentence


def is_prose_sentence(sentence: str) -> bool:
    """Does this read as a whole sentence of running text (not a heading, bullet list, caption
    or list of links)?"""
    text = " ".join(sentence.split())
    if len(text) > MAX_SENTENCE_CHARS or len(text.split()) < MIN_WORDS:
        return False
    if not _STARTS.match(text) or not _ENDS.search(text) or _NOT_PROSE.search(text):
        return False
    words = _WORD.findall(text)
    capitalised = sum(1 for w in words if w[:1].isupper())
    return capitalised <= max(3, len(words) // 2)  # not a run of title-case names


def _fits_type(query: Query, sentence: str) -> bool:
    if query.answer_type == DEFINITION and query.defined:
        return defines(sentence, query.defined)
    return query.answer_type is not None and has_answer_of_type(query.answer_type, sentence)


def heading_line(line: str) -> bool:
    """Is this line of a passage a short heading (a line of its own without a full stop)?"""
    text = " ".join(line.split())
    return (
        0 < len(text) <= MAX_HEADING_CHARS
        and len(text.split()) <= MAX_HEADING_WORDS
        and _STARTS.match(text) is not None
        and not _ENDS.search(text)
        and ":" not in text
        and not _NOT_PROSE.search(text)
    )


def _readable(pieces: list[tuple[str, float]]) -> list[tuple[str, str, float]]:
    """The sentences to consider of the lines of one running sentence (``sentence_runs``),
    each line with its similarity to the question: each sentence with the heading line above it
    as a lead ("Toleranse for feil: Utformingen skal …") when its other lines are headings;
    else the lines read as one sentence, as the PDF runs them (a sentence broken by a figure
    label, a lead-in ending in a colon). Each as (text, the sentence without its lead,
    similarity)."""
    texts = [(" ".join(p.split()), sim) for p, sim in pieces]
    if len(texts) > 1 and all(heading_line(t) or is_prose_sentence(t) for t, _s in texts):
        out, lead = [], ""
        for text, sim in texts:
            if heading_line(text):
                lead = text
                continue
            out.append((f"{lead}: {text}" if lead else text, text, sim))
            lead = ""
        return out
    sentence = without_run_in_heading(" ".join(t for t, _s in texts))
    return [(sentence, sentence, max(s for _t, s in texts))]


def _candidates(query: Query, sources: list[Source], lexical: LexicalIndex) -> list[_Candidate]:
    seen: set[str] = set()
    out: list[_Candidate] = []
    for src in sources:
        sims = src.similarities or []
        runs: dict[int, list[tuple[str, float]]] = {}
        for i, (piece, run) in enumerate(sentence_runs(src.text)):
            runs.setdefault(run, []).append((piece, sims[i] if i < len(sims) else 0.0))
        for pos, pieces in runs.items():
            for text, sentence, similarity in _readable(pieces):
                key = normalise(sentence)  # the same sentence under another heading is the same
                if key in seen or not is_prose_sentence(text):
                    seen.add(key)
                    continue
                seen.add(key)
                out.append(
                    _Candidate(
                        text,
                        src.n,
                        src.rank,
                        pos,
                        coverage(query.terms, set(lexical.query_terms(text))),
                        _fits_type(query, text),
                        similarity,
                    )
                )
    return out


def _keywords(query: Query, sources: list[Source], lexical: LexicalIndex, lang: str) -> str:
    """When the sources say it only in bullet points (slides): the matching points, quoted."""
    items: list[tuple[float, int, str, int]] = []
    for src in sources:
        for item in _BULLET.split(src.text):
            item = " ".join(item.split()).strip(" .;:")
            if len(item.split()) >= 2 and len(item) <= 160:
                cov = coverage(query.terms, set(lexical.query_terms(item)))
                if cov > 0:
                    items.append((-cov, src.rank, item, src.n))
    if not items:
        return f"{message('see_sources', lang)} [{sources[0].n}]" if sources else ""
    best = sorted(items)[:2]
    return message("keywords", lang, items="; ".join(f"«{i}» [{n}]" for _c, _r, i, n in best))


def compose(
    query: Query,
    sources: list[Source],
    lexical: LexicalIndex,
    max_sentences: int,
    lang: str = "nb",
) -> str:
    """Up to ``max_sentences`` whole sentences answering the question: the best first, the
    others in the order the sources give them."""
    candidates = [c for c in _candidates(query, sources, lexical) if c.coverage > 0]
    if not candidates:
        return _keywords(query, sources, lexical, lang)
    best = min(candidates, key=lambda c: c.key)
    rest = sorted(
        (
            c
            for c in candidates
            if c is not best and c.coverage >= FOLLOWING_SHARE * max(best.coverage, 1e-9)
        ),
        key=lambda c: c.key,
    )[: max_sentences - 1]
    rest.sort(key=lambda c: (c.rank, c.position))
    return " ".join(f"{c.text} [{c.n}]" for c in [best, *rest])


def marks(text: str, terms: list[Term], vocabulary: frozenset[str]) -> list[tuple[int, int]]:
    """Character spans of words in ``text`` that match the question's words (by stem,
    compound part or glossary alternative)."""
    wanted = {t.stem for t in terms} | {a for t in terms for a in t.alternatives}
    wanted |= {p for t in terms for p in t.parts}
    spans: list[tuple[int, int]] = []
    for m in _WORD.finditer(text):
        word = fold_word(normalise(m.group()))
        if len(word) < 3:
            continue
        s = stem(word)
        if s in wanted or (
            len(word) >= 8 and any(stem(p) in wanted for p in split_compound(word, vocabulary))
        ):
            spans.append((m.start(), m.end()))
    return spans
