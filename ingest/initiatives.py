"""Initiatives (tiltak/satsinger) of action programmes, read from blocks under initiative headings.

An initiative block is text under a heading such as "K4 Sikre digital kompetanse". Its theme and
level come from the enclosing numbered headings ("5.1 Kompetanse og livslang læring" ›
"5.1.1 Fylkessatsinger"). The fields (Ansvarlig, Samarbeidspartnere, Koblinger til andre
satsinger, Prioritering) may run together inside one paragraph, wrap over lines and pages, and be
misspelt; labels are matched tolerantly (bokmål and nynorsk).
"""

from __future__ import annotations

import re

from ingest.document_builder import block_text, slugify
from ingest.headings import NUMBERED, initiative_id
from ingest.initiative_status import status_of
from ingest.models import Block, Initiative
from ingest.organisations import Register, register

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
_ADJECTIVE = re.compile(r"(?<![a-zæøå])[a-zæøå]+e")  # "offentlige" (no restart inside a word)
_DASH = re.compile(r"\s[–—-]\s")


def split_organisations(text: str) -> list[str]:
    """ "Innlandet fylkeskommune, Statsforvalteren, kommunene og voksenopplæringssentrene"
    → four names. " og " splits only the last item of a comma list or a two-name list, and not
    inside a unit ("Innlandet fylkeskommune ved Næring og internasjonalt samarbeid") or a list
    of places ("Studentsamskipnaden i Gjøvik, Ålesund og Trondheim (Sit)"). Prose
    "A i samarbeid med B" names both A and B; prose after the list is not a name. Two known
    names without a comma between them are two names."""
    reg = register()
    text = " ".join(text.split()).strip(" .;")
    # A word wrapped at its hyphen: "Nord- Gudbrandsdalen", "Kongsvinger- regionene".
    text = re.sub(r"(\w)- (?!(?:og|eller|samt|til)\b)(?=\w)", r"\1-", text)
    names: list[str] = []
    for chunk in re.split(r"(?<!\s)\s++i\s++samarbeid\s++med\s+", _without_prose(text)):
        names.extend(_split_list(chunk, reg))
    return list(dict.fromkeys(n for name in names for n in reg.split_run_together(name)))


# Words that make a list item a clause ("… fylkeskommunen ønsker å følge prosjektet").
_VERB = re.compile(
    r"\b(?:ønsker|ønskjer|skal|vil|kan|bør|må|er|blir|vert|har|får|følger|deltar)\b|\bå\s+\w",
    re.IGNORECASE,
)


def _without_prose(text: str) -> str:
    """The list without the prose after it: a new sentence ("… regionene. Det kan også …") or
    a clause after a dash ("… selskaper – Statsforvalteren og fylkeskommunen ønsker å …")."""
    text = re.split(r"(?<=[^\W\d_]{3})\.\s+(?=[A-ZÆØÅ])", text, maxsplit=1)[0]
    dash = _DASH.search(text)  # a verb after a later dash is after the first one too
    if dash and _VERB.search(text, dash.end()):
        return text[: dash.start()]
    return text


def _places(text: str, reg: Register) -> bool:
    """Only places: "Gjøvik", "Ålesund og Trondheim (Sit)", "Valdres, Nord-Østerdal"."""
    return all(reg.is_place(p) for p in re.split(r",\s*+|(?<!\s)\s++og\s+", text))


def _join_places(parts: list[str], sep: str, reg: Register) -> list[str]:
    """Rejoin "X i A" + "B" (+ "C") where B and C are more places of X's list; the list is
    closed by its "og"."""
    out: list[str] = []
    for part in parts:
        _, i, tail = out[-1].rpartition(" i ") if out else ("", "", "")
        if i and " og " not in tail and _places(tail, reg) and _places(part, reg):
            out[-1] += sep + part
        else:
            out.append(part)
    return out


def _split_list(text: str, reg: Register) -> list[str]:
    text = text.strip(" .;,")
    names: list[str] = []
    # "Elverum-, Gjøvik- og Lillehammer-regionene" is one name: no split after "-,".
    items = [p.strip() for p in re.split(r"(?<![-\s])\s*+[,;]\s*", text) if p.strip()]
    for item in _join_places(items, ", ", reg):
        if _VERB.search(item):  # a clause: the list has ended
            break
        pieces = _join_places(re.split(r"(?<![-\s])\s++(?:og|samt)\s+", item), " og ", reg)
        splittable = (
            len(pieces) > 1
            and " ved " not in f" {item} "  # "fylkeskommunen ved Næring og samarbeid"
            # "offentlige og private arbeidsgivere": a bare adjective shares the noun.
            and not (_ADJECTIVE.fullmatch(pieces[0]) and len(pieces[1].split()) > 1)
        )
        names.extend(pieces if splittable else [re.sub(r"^(?:og|samt)\s+", "", item)])
    return [n for n in names if n and not _OTHERS.fullmatch(n)]


# "… og andre", "m.fl.": others, not a name.
_OTHERS = re.compile(r"(?:andre|flere|fleire|m\.\s?fl\.?|mfl\.?|osv\.?)", re.IGNORECASE)


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


def _paragraphs(text: str) -> str:
    """Paragraphs (and list items) one per line, each with single spaces."""
    return "\n".join(p for p in (" ".join(line.split()) for line in text.split("\n")) if p)


def _fields(text: str) -> tuple[str, dict[str, list[str]]]:
    """The description before the first label, and every value of each label.

    A label used more than once lists sub-items ("Strategi A (PDF) Ansvarlig: X" "Strategi B
    (PDF) Ansvarlig: Y"); then each value ends with its line, and what follows is the next
    item's title: a list item of the description, not part of the value."""
    matches = list(_LABEL.finditer(text))
    if not matches:
        return _paragraphs(text), {}
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
            value, _, next_title = value.strip().partition("\n")
            description += "\n" + next_title
        values.setdefault(name, []).append(" ".join(value.split()).strip(" ."))
    return _paragraphs(description), values


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
        description, values = _fields(block_text(block)[0])
        links_text = " ".join(values.get("links", []))
        priority = "; ".join(values.get("priority", []))
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
                description=description,
                responsible=_organisations(values.get("responsible", [])),
                partners=_organisations(values.get("partners", [])),
                links=split_links(links_text, ini_id),
                priority=priority,
                document_id=document_id,
                page=block.page,
                status=status_of(priority),
            )
        )
    return found
