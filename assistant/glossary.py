"""The klarspråk glossary: everyday words → plan vocabulary, and abbreviations spelt out."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.norwegian import normalise, stem, words


@dataclass(frozen=True)
class Glossary:
    # key (tuple of stems) → expansions
    entries: dict[tuple[str, ...], tuple[str, ...]]

    @classmethod
    def from_toml(cls, text: str) -> Glossary:
        data = tomllib.loads(text)
        entries: dict[tuple[str, ...], tuple[str, ...]] = {}
        for table in ("terms", "abbreviations"):
            for key, values in data.get(table, {}).items():
                stems = tuple(stem(w) for w in words(key))
                if stems:
                    entries[stems] = tuple(dict.fromkeys(entries.get(stems, ()) + tuple(values)))
        return cls(entries)

    def expansions(self, text: str) -> list[str]:
        """Plan words to search for as well, for the everyday words found in ``text``."""
        stems = [stem(w) for w in words(text)]
        found: list[str] = []
        for key, values in self.entries.items():
            n = len(key)
            if any(tuple(stems[i : i + n]) == key for i in range(len(stems) - n + 1)):
                found.extend(values)
        seen = {normalise(w) for w in words(text)}
        return [v for v in dict.fromkeys(found) if normalise(v) not in seen]


@lru_cache(maxsize=4)
def load_glossary(path: str | None = None) -> Glossary:
    if path:
        return Glossary.from_toml(Path(path).read_text("utf-8"))
    text = (Path(__file__).parent / "data/glossary.toml").read_text("utf-8")
    return Glossary.from_toml(text)
