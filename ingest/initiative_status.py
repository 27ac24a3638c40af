"""An initiative's status, read from its priority text ("kort sikt (arbeidet er satt i gang)")."""

from __future__ import annotations

import re

STATUSES = ("igangsatt", "planlagt", "løpende", "tas ut")

# First rule that matches wins: "skal settes i gang" is planned although it says "i gang".
_RULES = (
    ("tas ut", r"\btas\s+ut\b|\btakast\s+ut\b|\butgår\b"),
    (
        "planlagt",
        r"\b(?:settes|setjast|startes|startast)\s+(?:i\s+gang|opp)\b|\bvert\s+sett\s+i\s+gang\b"
        r"|\bskal\s+(?:starte|begynne)\b|\bplanlagt\b|\bplanlagd\b",
    ),
    ("igangsatt", r"\b(?:satt|sett)\s+i\s+gang\b|\bigangsatt\b|\bigangsett\b|\bpågår\b"),
    ("løpende", r"\bløpende\b|\bløpande\b|\bkontinuerlig\b"),
)
_COMPILED = tuple((status, re.compile(pattern, re.IGNORECASE)) for status, pattern in _RULES)


def status_of(priority: str | None) -> str | None:
    """ "igangsatt", "planlagt", "løpende", "tas ut", or None when the text does not say."""
    text = " ".join((priority or "").split())
    return next((status for status, pattern in _COMPILED if pattern.search(text)), None)
