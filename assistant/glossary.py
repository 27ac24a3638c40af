"""The klarspråk glossary: everyday words → plan vocabulary, and abbreviations spelt out."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from index.norwegian import normalise, stem, words


@dataclass(frozen=True)
class Glossary:
    # key (tuple of stems) → expansions
    entries: dict[tuple[str, ...], tuple[str, ...]]
    # first stem of a key → the keys starting with it (so a text is scanned once)
    by_first: dict[str, list[tuple[str, ...]]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, list[tuple[str, ...]]] = {}
        for key in self.entries:
            index.setdefault(key[0], []).append(key)
        object.__setattr__(self, "by_first", index)

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
        present: set[tuple[str, ...]] = set()
        for i, s in enumerate(stems):
            for key in self.by_first.get(s, ()):
                if tuple(stems[i : i + len(key)]) == key:
                    present.add(key)
        found = [v for key, values in self.entries.items() if key in present for v in values]
        seen = {normalise(w) for w in words(text)}
        return [v for v in dict.fromkeys(found) if normalise(v) not in seen]


@lru_cache(maxsize=4)
def load_glossary(path: str | None = None) -> Glossary:
    if path:
        return Glossary.from_toml(Path(path).read_text("utf-8"))
    text = (Path(__file__).parent / "data/glossary.toml").read_text("utf-8")
    return Glossary.from_toml(text)
