"""Initiatives as structured data: filters, facets, sorting and short addresses for the explorer,
and questions the chat answers from the fields ("Hvilke tiltak har NAV ansvar for?", "Hva er
K4?", "Hvilke satsinger har lang sikt?", "Hva er koblet til K4?"). Owners and partners are
matched as organisations (``ingest.organisations``) everywhere."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.messages import listing, message
from ingest.models import Initiative, Passage
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
    kind: str  # "id", "field", "responsible", "partner", "priority", "links"
    value: str
    initiatives: list[Initiative] = field(default_factory=list)
    # For "field": what is asked about the initiatives ("responsible", "partner", "priority",
    # "links"), in that order, and the initiatives they link to (cited after them).
    fields: list[str] = field(default_factory=list)
    linked: list[Initiative] = field(default_factory=list)

    @property
    def cited(self) -> list[Initiative]:
        """The initiatives the answer cites, [1] first."""
        asked = {i.key for i in self.initiatives}
        return [*self.initiatives, *(i for i in self.linked if i.key not in asked)]


_ASKS_FOR_INITIATIVES = re.compile(r"\b(tiltak|satsing(?:er|ar|ane|ene)?|prosjekt(?:er)?)\b", re.I)
# An initiative id as written in text ("K4", "k4"), not inside a longer word ("A4-format").
INITIATIVE_ID = re.compile(r"(?<![\w-])([A-ZÆØÅ]{1,3}\d{1,3})(?![\w-])", re.I)
# What a question about one named initiative asks for (bokmål and nynorsk forms).
_FIELDS = {
    "responsible": re.compile(
        r"\b(?:ansvar\w*|hovudansvar\w*|hovedansvar\w*|eier|eig\w*|leder|leiar|står\s+bak)\b",
        re.I,
    ),
    "partner": re.compile(
        r"\b(?:samarbeid\w*|partner\w*|partnar\w*|deltar|delta|deltek|(?:er|blir|vert)\s+med)\b",
        re.I,
    ),
    "priority": re.compile(
        r"\b(?:priorit\w*|status|sikt|i\s+gang|igangsett\w*|igangsatt|planlag\w*|ferdig)\b"
        r"|\b(?:når|kva\s+tid|kor\s+tid)\s+(?:starter|startar|begynner|byrjar|kommer|kjem)\b",
        re.I,
    ),
    "links": re.compile(
        r"\b(?:kobl\w*|kopl\w*|knytt\w*|henger\s+sammen|heng\s+saman|lenk\w*|andre\s+tiltak)\b",
        re.I,
    ),
}


def named_ids(text: str, initiatives: list[Initiative]) -> list[str]:
    """Initiative ids the text names ("K4", "k4"), in order, known ids only."""
    ids = {i.id for i in initiatives}
    return list(dict.fromkeys(m.upper() for m in INITIATIVE_ID.findall(text) if m.upper() in ids))


def _in_document(initiatives: list[Initiative], ini_id: str, document_id: str) -> list[Initiative]:
    return [i for i in initiatives if i.id == ini_id and i.document_id == document_id]


def referred_initiative(
    text: str, cited: list[Passage], initiatives: list[Initiative]
) -> Initiative | None:
    """The initiative a turn of the conversation is about: the one its question names ("Hva er
    K4?"), else the one its first cited passage belongs to. An id used twice (L9) is told apart
    by the passages the turn cited (their section ends with the initiative's heading)."""
    named = named_ids(text, initiatives)
    if named:
        candidates = [i for i in initiatives if i.id == named[0]]
    elif cited and cited[0].initiative:
        candidates = _in_document(initiatives, cited[0].initiative, cited[0].document_id)
        cited = cited[:1]
    else:
        return None

    def in_cited(ini: Initiative) -> bool:
        heading = f"{ini.id} {ini.title}"
        return any(p.passage_id == ini.passage_id or p.section.endswith(heading) for p in cited)

    return next((i for i in candidates if in_cited(i)), None) or next(iter(candidates), None)


def _field_question(
    q: str, initiatives: list[Initiative], key: str | None = None
) -> InitiativeMatch | None:
    """The fields asked about a named initiative: owner ("Hvem har ansvaret for K4?"), partners
    ("Kven er med i K1?"), priority and status ("Er L6 satt i gang?") or links ("Hvilke tiltak er
    K4 koblet til?")."""
    named = named_ids(q, initiatives)
    fields = [name for name, pattern in _FIELDS.items() if pattern.search(q)]
    if not named or not fields:
        return None
    asked = _with_id(initiatives, named[0], key)
    linked = []
    if "links" in fields:
        linked = [
            other
            for ini in asked
            for link in ini.links
            for other in _in_document(initiatives, link, ini.document_id)
        ]
    unique = list({i.key: i for i in linked}.values())
    return InitiativeMatch("field", named[0], asked, fields, unique)


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


def _with_id(initiatives: list[Initiative], ini_id: str, key: str | None) -> list[Initiative]:
    """The initiatives with this id; only the one with ``key`` when it is one of them."""
    found = [i for i in initiatives if i.id == ini_id]
    return [i for i in found if i.key == key] or found


def match_initiative_question(
    question: str, initiatives: list[Initiative], key: str | None = None
) -> InitiativeMatch | None:
    """A question the initiatives' fields answer, or None. ``key`` picks one initiative when
    an id is used twice (L9) and the conversation was about one of them."""
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
            return InitiativeMatch("id", wanted, _with_id(initiatives, wanted, key))
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
    asked = _field_question(q, initiatives, key)
    if asked is not None:
        return asked
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


def _field_sentences(
    match: InitiativeMatch, ini: Initiative, n: int, number: dict[str, int], lang: str
) -> list[str]:
    """The asked fields of one initiative, each sentence backed by its passage [n]."""
    name = f"{ini.id} {ini.title}"
    not_given = message("not_given", lang)

    def cited(key: str, **values: str) -> str:
        return f"{message(key, lang, initiative=name, **values)[:-1]} [{n}]."

    out = []
    for asked in match.fields:
        if asked == "responsible":
            out.append(
                cited("initiative_responsible", names=listing(ini.responsible, lang) or not_given)
            )
        elif asked == "partner":
            out.append(cited("initiative_partners", names=listing(ini.partners, lang) or not_given))
        elif asked == "priority":
            out.append(cited("initiative_priority", priority=ini.priority or not_given))
            if ini.status and ini.status not in ini.priority.lower():
                out.append(cited("initiative_status", status=message(f"status_{ini.status}", lang)))
        elif asked == "links":
            linked = [
                f"{o.id} {o.title} [{number[o.key]}]"
                for link in ini.links
                for o in match.linked
                if o.id == link and o.document_id == ini.document_id
            ]
            # The initiative's own passage [n] follows its name; each linked one has its own.
            key = "initiative_links" if linked else "initiative_no_links"
            out.append(message(key, lang, initiative=f"{name} [{n}]", items=listing(linked, lang)))
    return out


def compose_initiative_answer(match: InitiativeMatch, limit: int = 12, lang: str = "nb") -> str:
    """A short answer from the initiatives' fields, each claim with its [n] citation (the n-th
    of ``match.cited``), in bokmål or nynorsk."""
    n = len(match.initiatives)
    if match.kind == "field":
        number = {ini.key: k for k, ini in enumerate(match.cited, 1)}
        sentences = [
            s
            for k, ini in enumerate(match.initiatives, 1)
            for s in _field_sentences(match, ini, k, number, lang)
        ]
        if n > 1:
            sentences.insert(0, message("initiative_id_many", lang, n=n, value=match.value))
        return " ".join(sentences)
    key = "initiative_id" if match.kind == "id" else f"initiative_{match.kind}_many"
    if match.kind == "id" and n > 1:
        key = "initiative_id_many"
    lead = message(key, lang, value=match.value, n=n)
    items = []
    for k, ini in enumerate(match.initiatives[:limit], 1):
        detail = f"{ini.id} {ini.title}"
        if match.kind == "id":
            not_given = message("not_given", lang)
            facts = message(
                "initiative_detail",
                lang,
                theme=ini.theme,
                responsible=", ".join(ini.responsible) or not_given,
                priority=ini.priority or not_given,
            )
            detail += f" ({facts})"
        items.append(f"{detail} [{k}]")
    more = " " + message("initiative_more", lang, n=n - limit) if n > limit else ""
    return f"{lead} " + "; ".join(items) + "." + more
