"""What the assistant itself writes, in bokmål and nynorsk (the plans' words stay as written).

The web pages' own strings (labels, buttons, hints) are in ``web/i18n/*.toml``; this catalogue is
what the assistant says in an answer, wherever it is shown (page, JSON API, terminal)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "nb": {
        "refusal": "Jeg fant ikke noe om dette i planene.",
        "keywords": "Planene nevner dette i stikkordsform: {items}.",
        "see_sources": "Kildene under handler om dette.",
        "interpreted_as": "Tolket som: {question}",
        # A follow-up that cannot be resolved: a short question back instead of a guess.
        "clarify_reference": "Hva viser «{word}» til? Skriv gjerne hele spørsmålet, med navnet "
        "på tiltaket eller temaet.",
        "clarify_bare": "Hva gjelder spørsmålet? Skriv gjerne hele spørsmålet, med navnet på "
        "tiltaket eller temaet.",
        "clarify_ellipsis": "Hva vil du vite om «{phrase}»? Skriv gjerne hele spørsmålet.",
        "about": "Om {subject}: {question}",
        # Answers from the initiatives' structured data.
        "initiative_id": "{value} er dette tiltaket i planene:",
        "initiative_id_many": "Det finnes {n} tiltak med nummeret {value}:",
        "initiative_responsible_many": "{value} har ansvar for {n} tiltak:",
        "initiative_partner_many": "{value} er samarbeidspartner i {n} tiltak:",
        "initiative_priority_many": "{n} tiltak har {value} i prioriteringen:",
        "initiative_links_many": "{n} tiltak er koblet til {value}:",
        "initiative_detail": "{theme}; ansvarlig: {responsible}; prioritering: {priority}",
        "initiative_more": "… og {n} til (se Tiltak-siden).",
        "initiative_responsible": "Ansvarlig for {initiative}: {names}.",
        "initiative_partners": "Samarbeidspartnere i {initiative}: {names}.",
        "initiative_priority": "Prioriteringen for {initiative} er «{priority}».",
        "initiative_status": "Status: {status}.",
        "initiative_links": "{initiative} er koblet til {items}.",
        "initiative_no_links": "{initiative} er ikke koblet til andre tiltak i planen.",
        "not_given": "ikke oppgitt",
        "and": "og",
        "status_igangsatt": "igangsatt",
        "status_planlagt": "planlagt",
        "status_løpende": "løpende",
        "status_tas ut": "tas ut av handlingsprogrammet",
    },
    "nn": {
        "refusal": "Eg fann ikkje noko om dette i planane.",
        "keywords": "Planane nemner dette i stikkordsform: {items}.",
        "see_sources": "Kjeldene under handlar om dette.",
        "interpreted_as": "Tolka som: {question}",
        "clarify_reference": "Kva viser «{word}» til? Skriv gjerne heile spørsmålet, med namnet "
        "på tiltaket eller temaet.",
        "clarify_bare": "Kva gjeld spørsmålet? Skriv gjerne heile spørsmålet, med namnet på "
        "tiltaket eller temaet.",
        "clarify_ellipsis": "Kva vil du vite om «{phrase}»? Skriv gjerne heile spørsmålet.",
        "about": "Om {subject}: {question}",
        "initiative_id": "{value} er dette tiltaket i planane:",
        "initiative_id_many": "Det finst {n} tiltak med nummeret {value}:",
        "initiative_responsible_many": "{value} har ansvar for {n} tiltak:",
        "initiative_partner_many": "{value} er samarbeidspartnar i {n} tiltak:",
        "initiative_priority_many": "{n} tiltak har {value} i prioriteringa:",
        "initiative_links_many": "{n} tiltak er kopla til {value}:",
        "initiative_detail": "{theme}; ansvarleg: {responsible}; prioritering: {priority}",
        "initiative_more": "… og {n} til (sjå Tiltak-sida).",
        "initiative_responsible": "Ansvarleg for {initiative}: {names}.",
        "initiative_partners": "Samarbeidspartnarar i {initiative}: {names}.",
        "initiative_priority": "Prioriteringa for {initiative} er «{priority}».",
        "initiative_status": "Status: {status}.",
        "initiative_links": "{initiative} er kopla til {items}.",
        "initiative_no_links": "{initiative} er ikkje kopla til andre tiltak i planen.",
        "not_given": "ikkje oppgitt",
        "and": "og",
        "status_igangsatt": "sett i gang",
        "status_planlagt": "planlagd",
        "status_løpende": "løpande",
        "status_tas ut": "blir teke ut av handlingsprogrammet",
    },
}


def message(key: str, lang: str = "nb", **values: object) -> str:
    text = MESSAGES.get(lang, MESSAGES["nb"]).get(key) or MESSAGES["nb"][key]
    return text.format(**values) if values else text


def listing(items: list[str], lang: str = "nb") -> str:
    """ "A, B og C" (the same in bokmål and nynorsk, but the word comes from the catalogue)."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {message('and', lang)} {items[-1]}"
