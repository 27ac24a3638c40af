"""What kind of answer a question wants, and whether a text has one.

"Hvor mye koster …?" wants an amount in kroner, "Hvor lenge …?"/"Når …?" a period or a date,
"Hvor mange …?" a count. Only an interrogative that opens a question clause sets the type: at
the start of a sentence, after a comma or "og"/"eller"/"men", or after a verb of asking ("lurer
på", "vet du"). Inside a yes/no question it does not ("Følger fylket med på hvor mange …?",
"Er eldre tenkt på når kommunen snakker om fellesskap?"): that question is answered by a
sentence without a count or a date. Questions are read after nynorsk folding
(``assistant/query.py``), so the patterns are bokmål.

Every pattern here is applied to bounded text (a question of at most
``PLAN_MAX_QUESTION_CHARS``, a passage of at most ``PLAN_PASSAGE_MAX_CHARS``) and starts a
number only where no digit group precedes it, so a long run of digits cannot make a search
quadratic."""

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
# Where a question clause can open: the start of a sentence, after a clause boundary, or after a
# verb of asking. An interrogative anywhere else introduces a subordinate clause.
_CLAUSE_OPENING = re.compile(
    r"(?:^|[.!?:;,«\"(]|\b(?:og|eller|men|så)|\blurer\s++på|\bvet\s++(?:du|dere|noen|man)"
    r"|\b(?:fortell|si)\s++(?:meg|oss))\s*+$",
    re.IGNORECASE,
)

# A number starts where no digit, or digit group separator after a digit, comes before it.
_NUMBER = r"(?<![\d])(?<!\d[ .,])\d+(?:[ .,]\d{3})*(?:[.,]\d+)?"
_MONTH = r"(?:januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember)"
_NUMBER_WORD = (
    r"(?:to|tre|fire|fem|seks|sju|syv|åtte|ni|ti|elleve|tolv|tretten|fjorten|femten|seksten"
    r"|sytten|atten|nitten|tjue|tretti|førti|femti|hundre|tusen)"
)
_PATTERNS = {
    AMOUNT: re.compile(
        rf"{_NUMBER}\s?(?:kr\b|kroner|mill|milliard|mrd)|\b(?:kr|NOK)\.?\s?\d", re.IGNORECASE
    ),
    # A year, a date ("1. juli", "28.3."), a season or month with a year, or a frequency.
    PERIOD: re.compile(
        r"\b\d{1,2}\s?-?\s?årig|\b(?:til|fram til|frem til|innen|fra|i perioden|hvert)\s+"
        r"(?:(?:19|20)\d\d\b|år\b|andre\b|fjerde\b)|(?<!\d)(?:19|20)\d\d\s?[-–]\s?(?:19|20)?\d\d\b"
        rf"|\b\d{{1,2}}\.\s?{_MONTH}\b|(?<![\d.])\d{{1,2}}\.\s?\d{{1,2}}\.(?!\d)"
        rf"|\b(?:{_MONTH}|våren|sommeren|høsten|vinteren|i|år|innen|siden)\s(?:19|20)\d\d\b"
        r"|\b(?:årlig\w*|hvert\s(?:år|halvår|kvartal)|annethvert|annenhvert)\b",
        re.IGNORECASE,
    ),
    COUNT: re.compile(
        rf"{_NUMBER}\s?(?:%|prosent\b|[^\W\d_]{{3,}})|\b{_NUMBER_WORD}\s[^\W\d_]{{3,}}",
        re.IGNORECASE,
    ),
}


def _opens_clause(question: str, match: re.Match[str] | None) -> bool:
    """Does the interrogative ``match`` open a question clause? (Looks at most 40 characters
    back, so the check is constant-time per match.)"""
    if match is None:
        return False
    return bool(_CLAUSE_OPENING.search(question[max(0, match.start() - 40) : match.start()]))


def _clause_initial(pattern: re.Pattern[str], question: str) -> re.Match[str] | None:
    """The first match of ``pattern`` that opens a question clause."""
    return next((m for m in pattern.finditer(question) if _opens_clause(question, m)), None)


# A clause ends at the end of its sentence or where a coordinated one starts (", og …"); a
# comma alone may set off an apposition ("handlingsprogrammet, 2023-versjonen, vedtatt").
_CLAUSE_END = re.compile(r"[;:.!?]|,\s*+(?:og|eller|men)\b", re.IGNORECASE)


def typed_clause(question: str) -> tuple[str | None, str]:
    """The answer type of a (folded, bokmål) question and the clause that asks for it ("Kan
    kommunen søke midler, og når er søknadsrunden?" → period, "når er søknadsrunden"); (None,
    "") when no clause asks for an amount, a period or a count."""
    how_much = _clause_initial(_HOW_MUCH, question)
    if how_much and _MONEY_WORD.search(question, how_much.end()):
        return AMOUNT, _clause_from(question, how_much)
    for kind, pattern in ((AMOUNT, _PRICE_QUESTION), (PERIOD, _PERIOD_QUESTION)):
        found = _clause_initial(pattern, question)
        if found:
            return kind, _clause_from(question, found)
    if how_much or (how_much := _clause_initial(_COUNT_QUESTION, question)):
        return COUNT, _clause_from(question, how_much)
    return None, ""


def _clause_from(question: str, match: re.Match[str]) -> str:
    end = _CLAUSE_END.search(question, match.end())
    return question[match.start() : end.start() if end else len(question)]


def answer_type(question: str) -> str | None:
    """The answer type of a (folded, bokmål) question: amount, period, count or None."""
    return typed_clause(question)[0]


def has_answer_of_type(kind: str | None, text: str) -> bool:
    pattern = _PATTERNS.get(kind or "")
    return bool(pattern and pattern.search(text))
