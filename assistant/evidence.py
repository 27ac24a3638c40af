"""Do the passages found answer the question, or should the assistant honestly refuse?

Six signals, all from the question analysed once (``Query``) and the passages retrieval found:

- ``dense``: the best cosine similarity of the question to a passage or one of its sentences;
- ``dense_focus``: the same for the question sentence alone ("Jeg er 19 og … Finnes det noe
  opplegg for sånne som meg?" is judged on what it asks, not on the story around it);
- ``focus_coverage``: the rarity-weighted share of the question sentence's words that one of the
  top passages contains (by stem, compound part or glossary alternative), or of the whole
  question's words when that is more: the story may hold what is asked about ("Jeg er 34 og vil
  ta fagbrev ved siden av jobben. Går det an å ta det bit for bit?");
- ``unknown``: the rarity-weighted share of those words the index does not know at all
  ("byggetillatelse", "svømmehallen");
- ``typed_missing``: 1 when a "Hvor mye koster …?"/"Når …?"/"Hvor mange …?" question finds no
  sentence with an amount, a date or a count next to the words of the clause that asks for it
  (read with the sentence before it and its section heading: "Dette fornyes hvert år" answers
  how often the programme it follows is revised). ``amount_missing`` is the same for "Hvor
  mye koster …?" questions, apart: an amount is written in few ways ("kr", "kroner",
  "millioner"), so a missing amount says more than a missing date or count, which plan text
  writes in many.

They are combined by a logistic model fitted on the public question sets (answerable against
unanswerable plan questions, NorQuAD questions asked against their own articles and, as
off-topic questions, against the plans): ``bench/calibrate_refusal.py`` writes
``assistant/data/refusal_model.json`` and prints the curve in ``bench/quality.md``. The
question is answered when the model's score reaches ``PLAN_MIN_EVIDENCE``, 0.5: of the
cross-validated curve's thresholds it gives the best mean of the four groups' right decisions
(dev; dev2, answerable and unanswerable weighed alike; NorQuAD's own; off-topic): 0.984, against
0.967 at 0.0 and 0.977 at 1.0. With an embedding model it was not fitted for, the decision rests
on the question's words alone.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from assistant.answer_types import AMOUNT, DEFINITION, has_answer_of_type
from assistant.query import Query, Term
from index.lexical import LexicalIndex

log = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).parent / "data" / "refusal_model.json"
EVIDENCE_PASSAGES = 3  # the top passages whose words and sentences count as evidence
TYPED_COVERAGE = 0.5  # share of the asking clause's words a sentence with the value needs


def is_covered(term: Term, passage_terms: set[str]) -> bool:
    if term.stem in passage_terms:
        return True
    if term.parts and all(p in passage_terms for p in term.parts):
        return True
    return bool(term.alternatives & passage_terms)


def coverage(terms: list[Term], passage_terms: set[str]) -> float:
    """Share of the (idf-weighted) terms that the passage contains."""
    total = sum(t.weight for t in terms)
    if total == 0:
        return 0.0
    return sum(t.weight for t in terms if is_covered(t, passage_terms)) / total


def unknown_share(terms: list[Term], lexical: LexicalIndex) -> float:
    """Share of the (idf-weighted) terms the index has never seen, in any form."""
    total = sum(t.weight for t in terms)
    if total == 0:
        return 0.0

    def known(term: Term) -> bool:
        if lexical.df(term.stem) or any(lexical.df(a) for a in term.alternatives):
            return True
        return bool(term.parts) and all(lexical.df(p) for p in term.parts)

    return sum(t.weight for t in terms if not known(t)) / total


@dataclass(frozen=True)
class Evidence:
    dense: float
    dense_focus: float
    focus_coverage: float
    unknown: float
    typed_missing: float  # a date, a period or a count
    amount_missing: float = 0.0  # an amount of money

    @classmethod
    def gather(
        cls,
        query: Query,
        dense: float,
        dense_focus: float,
        passage_terms: list[set[str]],
        sentences: list[tuple[str, set[str]]],
        lexical: LexicalIndex,
    ) -> Evidence:
        """``passage_terms``: the analysed terms of each top passage; ``sentences``: their
        sentences with their terms."""
        focus = query.focus_terms
        focus_coverage = max(
            (max(coverage(focus, terms), coverage(query.terms, terms)) for terms in passage_terms),
            default=0.0,
        )
        missing = 0.0  # no sentence gives the wanted value next to the asking clause's words
        if query.answer_type not in (None, DEFINITION):
            missing = float(
                not any(
                    has_answer_of_type(query.answer_type, text)
                    and coverage(query.typed_terms, terms) >= TYPED_COVERAGE
                    for text, terms in sentences
                )
            )
        amount = query.answer_type == AMOUNT
        return cls(
            dense,
            dense_focus,
            focus_coverage,
            unknown_share(focus, lexical),
            typed_missing=0.0 if amount else missing,
            amount_missing=missing if amount else 0.0,
        )


@dataclass(frozen=True)
class RefusalModel:
    features: tuple[str, ...]
    coefficients: tuple[float, ...]
    intercept: float
    model: str  # the embedding model the cosines were measured with

    def score(self, evidence: Evidence) -> float:
        """The log-odds that the passages answer the question."""
        values = asdict(evidence)
        return self.intercept + sum(
            c * values[f] for f, c in zip(self.features, self.coefficients, strict=True)
        )

    def probability(self, evidence: Evidence) -> float:
        return 1 / (1 + math.exp(-self.score(evidence)))

    def to_dict(self) -> dict:
        return {
            "features": list(self.features),
            "coefficients": list(self.coefficients),
            "intercept": self.intercept,
            "model": self.model,
        }


# For an embedding model the fitted model was not calibrated for (its cosines live on another
# scale): answer when the best passage holds half of the question sentence's weighted words.
LEXICAL_ONLY = RefusalModel(("focus_coverage",), (10.0,), -5.0, "")


def refusal_model_for(embedding_model: str) -> RefusalModel:
    fitted = load_refusal_model()
    if fitted.model == embedding_model:
        return fitted
    log.warning(
        "refusal model is calibrated for %s, not %s: deciding on the question's words alone",
        fitted.model,
        embedding_model,
    )
    return LEXICAL_ONLY


@lru_cache(maxsize=4)
def load_refusal_model(path: str | None = None) -> RefusalModel:
    data = json.loads(Path(path or MODEL_FILE).read_text("utf-8"))
    return RefusalModel(
        tuple(data["features"]),
        tuple(float(c) for c in data["coefficients"]),
        float(data["intercept"]),
        str(data.get("model", "")),
    )
