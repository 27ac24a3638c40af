"""Scores question files (../shared/eval/README.md).

Two formats:
- plan questions (``gold`` strings, optional ``answerable: false``): hit@5, MRR@10 over passages
  containing a gold string, refusal accuracy and the false-refusal rate;
- document questions (NorQuAD: ``document`` = the article's file stem, ``answer``): doc hit@5 and
  doc MRR@10 over the distinct documents cited, and the false-refusal rate.

``off_topic=True`` asks every question as one the index cannot answer (NorQuAD questions against
the plan index): only refusals count.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.models import AskResult

PLAN, DOCUMENT = "plan", "document"


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass
class QuestionScore:
    id: str
    question: str
    answerable: bool
    rank: int | None  # 1-based rank of the first hit within 10
    found: bool


@dataclass
class EvalReport:
    kind: str = PLAN
    scores: list[QuestionScore] = field(default_factory=list)

    @property
    def answerable(self) -> list[QuestionScore]:
        return [s for s in self.scores if s.answerable]

    @property
    def unanswerable(self) -> list[QuestionScore]:
        return [s for s in self.scores if not s.answerable]

    @property
    def hit_at_5(self) -> float:
        a = self.answerable
        return sum(1 for s in a if s.rank and s.rank <= 5) / len(a) if a else 0.0

    @property
    def mrr_at_10(self) -> float:
        a = self.answerable
        return sum(1 / s.rank for s in a if s.rank) / len(a) if a else 0.0

    @property
    def refusal_accuracy(self) -> float:
        u = self.unanswerable
        return sum(1 for s in u if not s.found) / len(u) if u else 1.0

    @property
    def false_refusal_rate(self) -> float:
        a = self.answerable
        return sum(1 for s in a if not s.found) / len(a) if a else 0.0

    def summary(self) -> dict[str, float | int | str]:
        return {
            "kind": self.kind,
            "questions": len(self.scores),
            "answerable": len(self.answerable),
            "hit@5": round(self.hit_at_5, 3),
            "mrr@10": round(self.mrr_at_10, 3),
            "refusal_accuracy": round(self.refusal_accuracy, 3),
            "false_refusal_rate": round(self.false_refusal_rate, 3),
        }

    def misses(self) -> list[str]:
        lines = []
        for s in self.scores:
            if s.answerable and (not s.rank or s.rank > 5):
                where = f"rang {s.rank}" if s.rank else "ikke blant de 10 første"
                lines.append(f"{s.id}: treff {where} — {s.question}")
            if s.answerable and not s.found:
                lines.append(f"{s.id}: feilaktig avslag — {s.question}")
            if not s.answerable and s.found:
                lines.append(f"{s.id}: svarte i stedet for å avslå — {s.question}")
        return lines


def load_questions(path: Path) -> list[dict]:
    with Path(path).open(encoding="utf-8") as f:
        questions = [json.loads(line) for line in f if line.strip()]
    for q in questions:
        if not isinstance(q, dict) or not isinstance(q.get("question"), str):
            raise ValueError("hver linje må være et JSON-objekt med feltet «question»")
    return questions


def question_kind(questions: list[dict]) -> str:
    """``document`` for NorQuAD-style files (a ``document`` and no ``gold``), else ``plan``."""
    if questions and all("document" in q and "gold" not in q for q in questions):
        return DOCUMENT
    return PLAN


def first_hit(result: AskResult, gold: list[str]) -> int | None:
    wanted = [_norm(g) for g in gold]
    for c in result.citations[:10]:
        text = _norm(c.text)
        if any(g in text for g in wanted):
            return c.n if c.n <= 10 else None
    return None


def document_rank(result: AskResult, document: str) -> int | None:
    """1-based rank of ``document`` among the distinct documents cited, within 10."""
    seen: list[str] = []
    for c in result.citations:
        if c.document_id not in seen:
            seen.append(c.document_id)
        if c.document_id == document:
            rank = len(seen)
            return rank if rank <= 10 else None
    return None


def evaluate(
    questions: list[dict],
    ask: Callable[[str], AskResult],
    *,
    off_topic: bool = False,
) -> EvalReport:
    kind = question_kind(questions)
    report = EvalReport(kind=kind)
    for q in questions:
        result = ask(q["question"])
        answerable = q.get("answerable", True) and not off_topic
        rank = None
        if answerable:
            if kind == DOCUMENT:
                rank = document_rank(result, q["document"])
            else:
                rank = first_hit(result, q.get("gold", []))
        report.scores.append(QuestionScore(q["id"], q["question"], answerable, rank, result.found))
    return report
