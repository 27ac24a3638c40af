"""Organisations as entities: one normalisation for owner and partner names.

The register (``ingest/data/organisations.toml``) gives organisations a canonical name and the
other names plans and staff use ("fylkeskommunen", "IFK" → "Innlandet fylkeskommune"). A name
string from a plan ("NAV Vestre Toten") *names* an organisation when one of its forms occurs in
it as whole words; acronyms match in capitals only, other forms in any case. Anything not in
the register is an organisation of its own, matched as a whole-word phrase. The filters, the
facets, the chat's structured answers and the parser's list splitting all use this module.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from index.norwegian import normalise, stem

DATA = Path(__file__).parent / "data" / "organisations.toml"
MAX_RUN_TOGETHER_WORDS = 16  # longer name strings are not searched for names run together
_PARENTHESIS_AT_END = re.compile(r"(?<!\s)\s*+\([^()]*\)\s*+$")  # "Trondheim (Sit)"


def clean(name: str) -> str:
    """One space between words, no surrounding punctuation."""
    return " ".join(name.split()).strip(" ,;.")


def _phrase(form: str) -> str:
    """``form`` as whole words: no letter or digit just before or after it."""
    body = r"\s+".join(re.escape(w) for w in form.split())
    return rf"(?<!\w){body}(?!\w)"


def _stems(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in re.findall(r"\w+", normalise(text)))


@dataclass(frozen=True)
class Organisation:
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.name, *self.aliases)))

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Any form as whole words; acronyms ("KS", "NAV") in capitals only."""
        parts = [_phrase(f) if f.isupper() else f"(?i:{_phrase(f)})" for f in self.forms]
        return re.compile("|".join(parts))


@dataclass(frozen=True)
class Register:
    organisations: tuple[Organisation, ...]
    places: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_toml(cls, text: str) -> Register:
        data = tomllib.loads(text)
        organisations = tuple(
            Organisation(clean(o["name"]), tuple(clean(a) for a in o.get("aliases", [])))
            for o in data.get("organisation", [])
        )
        places = frozenset(normalise(p) for p in data.get("places", {}).get("names", []))
        return cls(organisations, places)

    def named_in(self, text: str) -> list[Organisation]:
        """The registered organisations a plan's name string names."""
        return [o for o in self.organisations if o.pattern.search(text)]

    @cached_property
    def _by_form(self) -> dict[str, Organisation]:
        by_form: dict[str, Organisation] = {}
        for o in self.organisations:
            for f in o.forms:
                by_form.setdefault(normalise(f), o)
        return by_form

    def known(self, name: str) -> Organisation | None:
        """The organisation whose canonical name or alias ``name`` is exactly (any case)."""
        return self._by_form.get(normalise(clean(name)))

    def resolve(self, value: str) -> Organisation | None:
        """A typed name → the organisation it means: exact form, else the same word stems
        ("fylkeskommune" → "Innlandet fylkeskommune" via "fylkeskommunen")."""
        found = self.known(value)
        if found is not None:
            return found
        stems = _stems(value)
        if not stems:
            return None
        return next(
            (o for o in self.organisations if any(_stems(f) == stems for f in o.forms)), None
        )

    def is_place(self, name: str) -> bool:
        """ "Trondheim (Sit)" and "Nord-Østerdal" are places; a parenthesis is ignored."""
        return normalise(_PARENTHESIS_AT_END.sub("", clean(name))) in self.places

    def split_run_together(self, name: str) -> list[str]:
        """Known names written without a comma between them → the names
        ("Innlandet fylkeskommune Skogfinsk museum" → both). Anything else stays as it is."""
        words = clean(name).split()
        if len(words) > MAX_RUN_TOGETHER_WORDS:  # a sentence, not names: and the search grows fast
            return [clean(name)]
        return self._known_sequence(words) or [clean(name)]

    def _known_sequence(self, words: list[str]) -> list[str] | None:
        if not words:
            return []
        if self.known(" ".join(words)):
            return [" ".join(words)]
        for i in range(len(words) - 1, 0, -1):
            head, tail = " ".join(words[:i]), words[i:]
            if self.known(head) and tail[0][:1].isupper():
                rest = self._known_sequence(tail)
                if rest:
                    return [head, *rest]
        return None

    def canonical_names(self, name: str) -> list[str]:
        """The organisations a name string stands for: the registered ones it names, or
        itself ("NAV Vestre Toten" → ["NAV"]; "Gjøvik kommune" → ["Gjøvik kommune"])."""
        return [o.name for o in self.named_in(name)] or [clean(name)]


@lru_cache(maxsize=1)
def register() -> Register:
    return Register.from_toml(DATA.read_text("utf-8"))


@lru_cache(maxsize=1024)
def name_matcher(value: str) -> Callable[[str], bool]:
    """Does a plan's name string name the organisation ``value`` (canonical name, alias, an
    inflected form, or any other name as a whole-word phrase)?"""
    if not clean(value):
        return lambda text: True
    org = register().resolve(value)
    pattern = org.pattern if org else re.compile(_phrase(clean(value)), re.IGNORECASE)
    return lambda text: pattern.search(text) is not None
