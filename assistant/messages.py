"""What the assistant itself writes, in bokmål and nynorsk (the plans' words stay as written)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "nb": {
        "refusal": "Jeg fant ikke noe om dette i planene.",
        "keywords": "Planene nevner dette i stikkordsform: {items}.",
        "see_sources": "Kildene under handler om dette.",
    },
    "nn": {
        "refusal": "Eg fann ikkje noko om dette i planane.",
        "keywords": "Planane nemner dette i stikkordsform: {items}.",
        "see_sources": "Kjeldene under handlar om dette.",
    },
}


def message(key: str, lang: str = "nb", **values: object) -> str:
    text = MESSAGES.get(lang, MESSAGES["nb"]).get(key) or MESSAGES["nb"][key]
    return text.format(**values) if values else text
