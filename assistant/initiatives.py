"""Initiatives as structured data: filters for the explorer, and questions the chat answers from
the fields ("Hvilke tiltak har NAV ansvar for?", "Hva er K4?", "Hvilke satsinger har lang sikt?",
"Hva er koblet til K4?")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.models import Initiative

_ID = re.compile(r"\b([A-ZÆØÅ]{1,3}\d{1,3})\b")


def _norm(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def _matches_text(ini: Initiative, q: str) -> bool:
    haystack = _norm(
        " ".join(
            [
                ini.id,
                ini.title,
                ini.theme,
                ini.level,
                ini.description,
                ini.priority,
                *ini.responsible,
                *ini.partners,
                *ini.links,
            ]
        )
    )
    return all(word in haystack for word in _norm(q).split())


def filter_initiatives(
    initiatives: list[Initiative],
    q: str | None = None,
    tema: str | None = None,
    niva: str | None = None,
    ansvarlig: str | None = None,
    partner: str | None = None,
    prioritering: str | None = None,
) -> list[Initiative]:
    """Case-insensitive filters; organisations, themes and levels match by substring."""
    out = []
    for ini in initiatives:
        if q and not _matches_text(ini, q):
            continue
        if tema and _norm(tema) not in _norm(ini.theme):
            continue
        if niva and _norm(niva) not in _norm(ini.level):
            continue
        if ansvarlig and not any(_norm(ansvarlig) in _norm(o) for o in ini.responsible):
            continue
        if partner and not any(_norm(partner) in _norm(o) for o in ini.partners):
            continue
        if prioritering and _norm(prioritering) not in _norm(ini.priority):
            continue
        out.append(ini)
    return out


def linking_to(initiatives: list[Initiative], target: Initiative) -> list[Initiative]:
    return [
        i
        for i in initiatives
        if target.id in i.links and i.key != target.key and i.document_id == target.document_id
    ]


@dataclass
class InitiativeMatch:
    kind: str  # "id", "responsible", "partner", "priority", "links"
    value: str
    initiatives: list[Initiative] = field(default_factory=list)


_ASKS_FOR_INITIATIVES = re.compile(r"\b(tiltak|satsing(?:er|ar|ane|ene)?|prosjekt(?:er)?)\b", re.I)


def _organisations(initiatives: list[Initiative]) -> list[str]:
    names = {o for i in initiatives for o in (*i.responsible, *i.partners)}
    # Short, distinctive names first so "NAV" is found in "NAV Innlandet" questions too.
    return sorted(names, key=len)


def match_initiative_question(
    question: str, initiatives: list[Initiative]
) -> InitiativeMatch | None:
    if not initiatives:
        return None
    q = " ".join(question.split())
    low = q.lower()
    ids = {i.id for i in initiatives}
    # "Hva er K4?", "Fortell om L9", "Kva er A3?"
    m = re.match(
        r"^(?:hva|kva)\s+(?:er|handlar|handler)\s+(?:om\s+)?(?:tiltak(?:et)?\s+|satsing(?:en|a)?\s+)?"
        r"([A-ZÆØÅ]{1,3}\d{1,3})\s*\??$|^fortell\s+(?:meg\s+)?om\s+([A-ZÆØÅ]{1,3}\d{1,3})\s*\??$",
        q,
        re.I,
    )
    if m:
        wanted = (m.group(1) or m.group(2)).upper()
        if wanted in ids:
            return InitiativeMatch("id", wanted, [i for i in initiatives if i.id == wanted])
    # "Hva er koblet til K4?", "Hvilke tiltak henger sammen med A1?"
    m = re.search(
        r"\b(?:koblet|kopla|knyttet|knytt|henger\s+sammen)\s+(?:til|med)\s+([A-ZÆØÅ]{1,3}\d{1,3})\b",
        q,
        re.I,
    )
    if m and m.group(1).upper() in ids:
        target = m.group(1).upper()
        found = [i for i in initiatives if target in i.links and i.id != target]
        return InitiativeMatch("links", target, found)
    if not _ASKS_FOR_INITIATIVES.search(q) and not re.search(r"\b(deltar|ansvar)\b", low):
        return None
    # Priorities: "Hvilke satsinger har lang sikt?", "… er langsiktige?"
    m = re.search(r"\b(kort|lang|middels)\s*(?:sikt|siktig\w*)\b", low)
    if m:
        value = f"{m.group(1)} sikt"
        return InitiativeMatch(
            "priority", value, filter_initiatives(initiatives, prioritering=value)
        )
    # Organisations named in the question: responsible ("ansvar") or partner ("deltar").
    for name in _organisations(initiatives):
        # Only named organisations (capitalised), not "kommuner" or "arbeidslivet".
        if (
            len(name) < 2
            or not name[0].isupper()
            or not re.search(rf"(?<!\w){re.escape(name.lower())}(?!\w)", low)
        ):
            continue
        if re.search(r"\bansvar", low):
            found = filter_initiatives(initiatives, ansvarlig=name)
            return InitiativeMatch("responsible", name, found) if found else None
        if re.search(r"\b(deltar|delta|med\s+i|samarbeid|partner)", low):
            found = filter_initiatives(initiatives, partner=name)
            return InitiativeMatch("partner", name, found) if found else None
    return None


_LEADS = {
    "id": "{value} er dette tiltaket i planene:",
    "responsible": "{value} har ansvar for {n} tiltak:",
    "partner": "{value} er samarbeidspartner i {n} tiltak:",
    "priority": "{n} tiltak har {value} i prioriteringen:",
    "links": "{n} tiltak er koblet til {value}:",
}


def compose_initiative_answer(match: InitiativeMatch, limit: int = 12) -> str:
    """A short Norwegian answer listing the initiatives, each with its [n] citation."""
    n = len(match.initiatives)
    lead = _LEADS[match.kind].format(value=match.value, n=n)
    if match.kind == "id" and n > 1:
        lead = f"Det finnes {n} tiltak med nummeret {match.value}:"
    items = []
    for k, ini in enumerate(match.initiatives[:limit], 1):
        detail = f"{ini.id} {ini.title}"
        if match.kind == "id":
            detail += f" ({ini.theme}; ansvarlig: {', '.join(ini.responsible) or 'ikke oppgitt'}; "
            detail += f"prioritering: {ini.priority or 'ikke oppgitt'})"
        items.append(f"{detail} [{k}]")
    more = f" … og {n - limit} til (se Tiltak-siden)." if n > limit else ""
    return f"{lead} " + "; ".join(items) + "." + more
