"""Mask personal data in free text before it is stored: e-mail addresses, fødselsnummer
(11 digits), Norwegian phone numbers, bank account numbers and any other long run of digits.

Every pattern runs in linear time: quantifiers are bounded or possessive, and an unbounded run
may only start where a run of its characters starts (a look-behind), so no input makes the
regex engine backtrack over what it has already read. ``bench/bench_redaction.py`` measures it.
"""

from __future__ import annotations

import re

# (what is masked, pattern). Applied in this order: an e-mail address may contain digits, and a
# fødselsnummer or account number must be taken whole before the shorter phone pattern.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("e-post", re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+")),
    ("fødselsnummer", re.compile(r"(?<!\d)\d{6}[ .-]?\d{5}(?!\d)")),
    ("kontonummer", re.compile(r"(?<!\d)\d{4}[ .]\d{2}[ .]\d{5}(?!\d)")),
    (
        "telefon",
        re.compile(
            r"(?<![\d+])(?:(?:\+|00)47[ .-]?)?"
            r"(?:\d{8}|\d{2} \d{2} \d{2} \d{2}|\d{3} \d{2} \d{3}|\d{4} \d{4})(?!\d)"
        ),
    ),
    ("tall", re.compile(r"(?<!\d)\d{7,}+")),
)


def mask_personal_data(text: str) -> str:
    """The text with personal data replaced by a label in brackets, e.g. ``[e-post]``."""
    for label, pattern in PATTERNS:
        text = pattern.sub(f"[{label}]", text)
    return text
