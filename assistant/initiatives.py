"""Initiatives as structured data: filters, facets, sorting and short addresses for the explorer,
and questions the chat answers from the fields ("Hvilke tiltak har NAV ansvar for?", "Hva er
K4?", "Hvilke satsinger har lang sikt?", "Hva er koblet til K4?"). Owners and partners are
matched as organisations (``ingest.organisations``) everywhere."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.models import Initiative
from ingest.organisations import name_matcher, register


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


def _names(names: list[str], value: str) -> bool:
    matches = name_matcher(value)
    return any(matches(name) for name in names)


def filter_initiatives(
    initiatives: list[Initiative],
    q: str | None = None,
    tema: str | None = None,
    niva: str | None = None,
    ansvarlig: str | None = None,
    partner: str | None = None,
    prioritering: str | None = None,
    status: str | None = None,
) -> list[Initiative]:
    """Case-insensitive filters. Owners and partners match as organisations (a canonical name,
    an alias or any name, on whole words: "KS" never matches inside "landbruksorganisasjonene");
    themes, levels and priorities by substring; status exactly."""
    out = []
    for ini in initiatives:
        if q and not _matches_text(ini, q):
            continue
        if tema and _norm(tema) not in _norm(ini.theme):
            continue
        if niva and _norm(niva) not in _norm(ini.level):
            continue
        if ansvarlig and not _names(ini.responsible, ansvarlig):
            continue
        if partner and not _names(ini.partners, partner):
            continue
        if prioritering and _norm(prioritering) not in _norm(ini.priority):
            continue
        if status and _norm(status) != _norm(ini.status):
            continue
        out.append(ini)
    return out


FACETS = ("ansvarlig", "partner", "tema", "niva", "prioritering", "status")
_HORIZONS = ("kort sikt", "middels sikt", "lang sikt")


def _facet_candidates(initiatives: list[Initiative], facet: str) -> list[str]:
    if facet in ("ansvarlig", "partner"):
        reg = register()
        names = {
            canonical
            for ini in initiatives
            for name in (ini.responsible if facet == "ansvarlig" else ini.partners)
            for canonical in reg.canonical_names(name)
        }
        # "relevante frivillige organisasjoner" is counted under "frivillige organisasjoner".
        return [
            n
            for n in names
            if reg.known(n) or not any(o != n and name_matcher(o)(n) for o in names)
        ]
    if facet == "prioritering":
        return [h for h in _HORIZONS if any(h in _norm(i.priority) for i in initiatives)]
    attribute = {"tema": "theme", "niva": "level", "status": "status"}[facet]
    return list({v for i in initiatives if (v := getattr(i, attribute))})


def initiative_facets(
    initiatives: list[Initiative], **filters: str | None
) -> dict[str, list[dict[str, object]]]:
    """For each filter, its values with how many initiatives each gives together with the
    other filters: the count is the length of the list that choosing the value shows."""
    out: dict[str, list[dict[str, object]]] = {}
    for facet in FACETS:
        others = {k: v for k, v in filters.items() if k != facet}
        within = filter_initiatives(initiatives, **others)
        counted = (
            {"name": name, "count": len(filter_initiatives(within, **{facet: name}))}
            for name in _facet_candidates(within, facet)
        )
        out[facet] = sorted(
            (c for c in counted if c["count"]),
            key=lambda c: (-int(c["count"]), sort_key(str(c["name"]))),
        )
    return out


def resolve_reference(initiatives: list[Initiative], ref: str) -> list[Initiative]:
    """A key ("k8-videreutvikle-trainee-ordninger") or an id ("K8", "k8") → the initiatives it
    names: one, several when an id is used twice (L9), or none."""
    by_key = [i for i in initiatives if i.key == ref]
    return by_key or [i for i in initiatives if i.id.upper() == ref.strip().upper()]


_NORWEGIAN_ORDER = str.maketrans({"æ": "{", "ø": "|", "å": "}"})  # after z, in that order


def sort_key(text: str) -> str:
    """Alphabetical the Norwegian way: æ, ø, å after z."""
    return " ".join(text.split()).casefold().translate(_NORWEGIAN_ORDER)


def _id_key(ini: Initiative) -> tuple[str, int]:
    m = re.match(r"([A-ZÆØÅ]+)(\d+)", ini.id)
    return (m.group(1), int(m.group(2))) if m else (ini.id, 0)


def _horizon(ini: Initiative) -> int:
    found = [i for i, h in enumerate(_HORIZONS) if h in _norm(ini.priority)]
    return min(found) if found else len(_HORIZONS)


def _owner(ini: Initiative) -> str:
    names = [n for r in ini.responsible for n in register().canonical_names(r)]
    return sort_key(names[0]) if names else "\uffff"  # no owner last


SORTS = {
    "id": _id_key,
    "title": lambda i: sort_key(i.title),
    "owner": lambda i: (_owner(i), _id_key(i)),
    "priority": lambda i: (_horizon(i), _id_key(i)),
}


def sort_initiatives(initiatives: list[Initiative], by: str | None) -> list[Initiative]:
    """Plan order by default; "id" (A1, A2 … A12, K1 …), "title", "owner" (the first one's
    organisation) or "priority" (short term first)."""
    return sorted(initiatives, key=SORTS[by]) if by in SORTS else list(initiatives)


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


def _organisation_in(question: str, initiatives: list[Initiative]) -> str | None:
    """The organisation a question names: a registered one by any of its names ("Hva har
    fylkeskommunen ansvar for?"), else a capitalised owner or partner of the plans."""
    reg = register()
    named = reg.named_in(question)
    if named:  # the longest mention wins
        return max(
            named, key=lambda o: max(len(m.group()) for m in o.pattern.finditer(question))
        ).name
    names = {o for i in initiatives for o in (*i.responsible, *i.partners)}
    # Short, distinctive names first so "NAV" is found in "NAV Innlandet" questions too.
    for name in sorted(names, key=len):
        # Only named organisations (capitalised), not "arbeidslivet".
        if len(name) >= 2 and name[0].isupper() and name_matcher(name)(question):
            return name
    return None


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
    # An organisation named in the question: responsible ("ansvar") or partner ("deltar").
    name = _organisation_in(q, initiatives)
    if name is None:
        return None
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
