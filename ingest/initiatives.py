"""Initiatives (tiltak/satsinger) of action programmes, read from blocks under initiative headings.

An initiative block is text under a heading such as "K4 Sikre digital kompetanse". Its theme and
level come from the enclosing numbered headings ("5.1 Kompetanse og livslang læring" ›
"5.1.1 Fylkessatsinger"). The fields (Ansvarlig, Samarbeidspartnere, Koblinger til andre
satsinger, Prioritering) may run together inside one paragraph, wrap over lines and pages, and be
misspelt; labels are matched tolerantly (bokmål and nynorsk).
"""

from __future__ import annotations

import re

from ingest.document_builder import slugify
from ingest.headings import NUMBERED, initiative_id
from ingest.models import Block, Initiative

FIELDS = {
    "responsible": r"Ansvarle?[gi]g?e?|Ansvar",
    "partners": r"Sam[ae]r?beids?\s*part\w*",
    "links": r"Ko[bp]l(?:inger|ingar|ing)\s+til\s+andre\s+(?:satsinger|satsingar|tiltak)",
    "priority": r"Prioriter(?:ing|t)",
}
_LABEL = re.compile(
    "|".join(f"(?P<{name}>\\b(?:{pattern})\\s*:)" for name, pattern in FIELDS.items()),
    re.IGNORECASE,
)
_ID = re.compile(r"\b([A-ZÆØÅ]{1,3}\d{1,3})\b")


def split_organisations(text: str) -> list[str]:
    """ "Innlandet fylkeskommune, Statsforvalteren, kommunene og voksenopplæringssentrene"
    → four names. " og " splits only the last item of a comma list or a two-name list."""
    text = " ".join(text.split()).strip(" .;")
    if not text:
        return []
    parts = [p.strip() for p in re.split(r"\s*[,;]\s*", text) if p.strip()]
    last = parts.pop() if parts else ""
    tail = re.split(r"\s+(?:og|samt)\s+", last)
    if len(tail) == 2 and all(len(t.split()) <= 5 for t in tail) and not tail[0].endswith("-"):
        parts.extend(tail)
    else:
        parts.append(last)
    return [re.sub(r"^(?:og|samt)\s+", "", p) for p in parts if p]


def _slug(text: str) -> str:
    return slugify(re.sub(r"[/\\.]", " ", text) + ".x")


def split_links(text: str, own_id: str) -> list[str]:
    ids = list(dict.fromkeys(_ID.findall(text)))
    return [i for i in ids if i != own_id]


def _strip_number(heading: str) -> str:
    m = NUMBERED.match(heading)
    return m.group(2).strip() if m else heading.strip()


def _fields(text: str) -> tuple[str, dict[str, str]]:
    matches = list(_LABEL.finditer(text))
    if not matches:
        return text.strip(), {}
    description = text[: matches[0].start()].strip()
    values: dict[str, str] = {}
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        name = m.lastgroup or ""
        values.setdefault(name, " ".join(text[m.end() : end].split()).strip(" ."))
    return description, values


def extract_initiatives(document_id: str, blocks: list[Block]) -> list[Initiative]:
    found: list[Initiative] = []
    keys: set[str] = set()
    for block in blocks:
        heading = block.heading
        ini_id = initiative_id(heading)
        if not ini_id or initiative_id(heading) != initiative_id(block.path[-1]):
            continue
        numbered = [h for h in block.path[:-1] if NUMBERED.match(h)]
        deepest = [NUMBERED.match(h).group(1).count(".") for h in numbered]
        theme = level = ""
        if numbered:
            # The deepest numbered heading is the level ("5.2.3 By- og regionsentersatsinger"),
            # the one above it the theme ("5.2 Arbeidsliv og arbeidsplassutvikling").
            level = _strip_number(numbered[-1]) if len(numbered) >= 2 else ""
            theme = _strip_number(numbered[-2] if len(numbered) >= 2 else numbered[-1])
            if max(deepest) < 2:  # no level heading: "5.1 Tema" › "K1 …"
                theme, level = _strip_number(numbered[-1]), ""
        title = heading[len(ini_id) :].strip(" -–:")
        description, values = _fields(block.text.replace("\n", " "))
        links_text = values.get("links", "")
        key = f"{ini_id}-{_slug(title)[:40].rstrip('-')}".lower()
        while key in keys:
            key += "-2"
        keys.add(key)
        found.append(
            Initiative(
                key=key,
                id=ini_id,
                title=title,
                theme=theme,
                level=level,
                description=" ".join(description.split()),
                responsible=split_organisations(values.get("responsible", "")),
                partners=split_organisations(values.get("partners", "")),
                links=split_links(links_text, ini_id),
                priority=values.get("priority", ""),
                document_id=document_id,
                page=block.page,
            )
        )
    return found
