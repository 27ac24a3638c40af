"""What kind of answer a question wants, and whether a text has one.

"Hvor mye koster …?" wants an amount in kroner, "Hvor lenge …?"/"Når …?" a period or a date,
"Hvor mange …?" a count. Questions are read after nynorsk folding (``assistant/query.py``), so
the patterns are bokmål. Every pattern here is applied to bounded text (a question of at most
``PLAN_MAX_QUESTION_CHARS``, a passage of at most ``PLAN_PASSAGE_MAX_CHARS``) and starts a
number only where no digit group precedes it, so a long run of digits cannot make a search
quadratic.
"""

from __future__ import annotations

import re

AMOUNT, PERIOD, COUNT, DEFINITION = "amount", "period", "count", "definition"

# "Hvor mye …" is about money when a money word follows it (searched from there: two linear
# searches instead of one pattern with ".*?" between, which restarts at every "hvor mye").
_HOW_MUCH = re.compile(r"\bhvor\s++mye\b", re.IGNORECASE)
_MONEY_WORD = re.compile(
    r"\b(?:penger|kost\w*+|kroner|midler|budsjett\w*+|bevilg\w*+|finansier\w*+|støtte\w*+"
    r"|stipend\w*+|tilskudd\w*+|lønn\w*+|trygd\w*+|skatt\w*+|avgift\w*+|pris\w*+|får\s++jeg)",
    re.IGNORECASE,
)
_PRICE_QUESTION = re.compile(
    r"\bhva\s++(?:koster|kostar|er\s++prisen)\b|\bhvor\s++(?:høy|høg|dyr)\w*+\s++er\b",
    re.IGNORECASE,
)
_COUNT_QUESTION = re.compile(r"\bhvor\s++(?:mange|mye)\b", re.IGNORECASE)
_PERIOD_QUESTION = re.compile(r"\bhvor\s++(?:lenge|ofte)\b|\bnår\b", re.IGNORECASE)

# A number starts where no digit, or digit group separator after a digit, comes before it.
_NUMBER = r"(?<![\d])(?<!\d[ .,])\d+(?:[ .,]\d{3})*(?:[.,]\d+)?"
_PATTERNS = {
    AMOUNT: re.compile(
        rf"{_NUMBER}\s?(?:kr\b|kroner|mill|milliard|mrd)|\b(?:kr|NOK)\.?\s?\d", re.IGNORECASE
    ),
    PERIOD: re.compile(
        r"\b\d{1,2}\s?-?\s?årig|\b(?:til|fram til|frem til|innen|fra|i perioden|hvert)\s+"
        r"(?:(?:19|20)\d\d\b|år\b|andre\b|fjerde\b)|(?<!\d)(?:19|20)\d\d\s?[-–]\s?(?:19|20)?\d\d\b"
        r"|\b\d{1,2}\.\s(?:januar|februar|mars|april|mai|juni|juli|august|september|oktober"
        r"|november|desember)\b",
        re.IGNORECASE,
    ),
    COUNT: re.compile(rf"{_NUMBER}\s?(?:%|prosent\b|[^\W\d_]{{3,}})", re.IGNORECASE),
}


def answer_type(question: str) -> str | None:
    """The answer type of a (folded, bokmål) question: amount, period, count or None."""
    how_much = _HOW_MUCH.search(question)
    if (how_much and _MONEY_WORD.search(question, how_much.end())) or _PRICE_QUESTION.search(
        question
    ):
        return AMOUNT
    if _PERIOD_QUESTION.search(question):
        return PERIOD
    if _COUNT_QUESTION.search(question):
        return COUNT
    return None


def has_answer_of_type(kind: str | None, text: str) -> bool:
    pattern = _PATTERNS.get(kind or "")
    return bool(pattern and pattern.search(text))
