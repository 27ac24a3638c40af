"""UI strings in bokmål (default) and nynorsk, from one catalogue file per language."""

from __future__ import annotations

import tomllib
from datetime import date
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("nb", "nn")
DEFAULT = "nb"
COOKIE = "sprak"


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(lang: str) -> dict[str, str]:
    path = Path(__file__).parent / "i18n" / f"{lang}.toml"
    return tomllib.loads(path.read_text("utf-8"))


class Translator:
    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT
        self._strings = catalogue(self.lang)

    def __call__(self, key: str, **values: object) -> str:
        text = self._strings.get(key) or catalogue(DEFAULT).get(key, key)
        return text.format(**values) if values else text

    def long_date(self, day: date) -> str:
        """A date the Norwegian way: «30. november 2026»."""
        return f"{day.day}. {self('months').split(',')[day.month - 1]} {day.year}"


def pick_language(query_lang: str | None, cookie_lang: str | None) -> str:
    for lang in (query_lang, cookie_lang):
        if lang in LANGUAGES:
            return lang
    return DEFAULT
