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
    → four names. " og " splits only the last item of a comma list or a two-name list, and not
    inside a unit ("Innlandet fylkeskommune ved Næring og internasjonalt samarbeid"). Prose
    "A i samarbeid med B" names both A and B."""
    text = " ".join(text.split()).strip(" .;")
    text = re.sub(r"(\w)- (?=[A-ZÆØÅ])", r"\1-", text)  # "Nord- Gudbrandsdalen" wrapped
    names: list[str] = []
    for chunk in re.split(r"\s+i\s+samarbeid\s+med\s+", text):
        names.extend(_split_list(chunk))
    return list(dict.fromkeys(names))


def _split_list(text: str) -> list[str]:
    # A sentence after the list is prose, not a name ("… regionene. Det kan også …").
    text = re.split(r"(?<=[^\W\d_]{3})\.\s+(?=[A-ZÆØÅ])", text, maxsplit=1)[0]
    text = text.strip(" .;,")
    names: list[str] = []
    # "Elverum-, Gjøvik- og Lillehammer-regionene" is one name: no split after "-,".
    for item in (p.strip() for p in re.split(r"(?<!-)\s*[,;]\s*", text)):
        pieces = [p for p in re.split(r"\s+(?:og|samt)\s+", item) if p]
        splittable = (
            len(pieces) > 1
            and all(len(p.split()) <= 5 for p in pieces)
            and not any(p.endswith("-") for p in pieces)  # "Natur- og Kulturpark"
            and " ved " not in f" {item} "  # "fylkeskommunen ved Næring og samarbeid"
            # "offentlige og private arbeidsgivere": a bare adjective shares the noun.
            and not (re.fullmatch(r"[a-zæøå]+e", pieces[0]) and len(pieces[1].split()) > 1)
        )
        names.extend(pieces if splittable else [re.sub(r"^(?:og|samt)\s+", "", item)])
    return [n for n in names if n]


def _slug(text: str) -> str:
    return slugify(re.sub(r"[/\\.]", " ", text) + ".x")


def split_links(text: str, own_id: str) -> list[str]:
    ids = list(dict.fromkeys(_ID.findall(text)))
    return [i for i in ids if i != own_id]


def _organisations(values: list[str]) -> list[str]:
    return list(dict.fromkeys(name for v in values for name in split_organisations(v)))


def _strip_number(heading: str) -> str:
    m = NUMBERED.match(heading)
    return m.group(2).strip() if m else heading.strip()


def _fields(text: str) -> tuple[str, dict[str, list[str]]]:
    """The description before the first label, and every value of each label.

    A label used more than once lists sub-items ("Strategi A (PDF) Ansvarlig: X" "Strategi B
    (PDF) Ansvarlig: Y"); then each value ends with its line, and what follows is the next
    item's title, not part of the value."""
    matches = list(_LABEL.finditer(text))
    if not matches:
        return " ".join(text.split()), {}
    description = text[: matches[0].start()]
    counts: dict[str, int] = {}
    for m in matches:
        counts[m.lastgroup or ""] = counts.get(m.lastgroup or "", 0) + 1
    values: dict[str, list[str]] = {}
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        name = m.lastgroup or ""
        value = text[m.end() : end]
        if counts[name] > 1:
            value = value.strip(" ").split("\n", 1)[0]
        values.setdefault(name, []).append(" ".join(value.split()).strip(" ."))
    return " ".join(description.split()), values


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
        description, values = _fields(block.text)
        links_text = " ".join(values.get("links", []))
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
                responsible=_organisations(values.get("responsible", [])),
                partners=_organisations(values.get("partners", [])),
                links=split_links(links_text, ini_id),
                priority="; ".join(values.get("priority", [])),
                document_id=document_id,
                page=block.page,
            )
        )
    return found
