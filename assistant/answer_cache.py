"""Answers to repeated questions, kept for one index version (least recently used go first).

An answer depends on the question as the assistant reads it (white space collapsed), on
everything else ``Assistant.ask`` is given (k, language, the conversation so far, …) and on the
index version. The key holds the question and that context; the cache holds answers of one
version only: ``switch`` empties it when another version is served, an answer computed on
another version is not stored, and a lookup for another version finds nothing. So an answer is
never served from an index version other than the one the request sees.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Hashable, Mapping
from typing import Any

from cachetools import LRUCache
from pydantic import BaseModel


def normalise(question: str) -> str:
    """The question as ``Assistant.respond`` reads it."""
    return " ".join(question.split())


def freeze(value: Any) -> Hashable:
    """A hashable form of a context value: mappings, sequences, dataclasses and pydantic
    models are turned into tuples of their parts."""
    if isinstance(value, BaseModel):
        value = value.model_dump()
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = (type(value).__name__, dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    if isinstance(value, set | frozenset):
        return frozenset(freeze(v) for v in value)
    hash(value)  # anything else must be hashable as it is
    return value


class AnswerCache:
    def __init__(self, size: int) -> None:
        self._entries: LRUCache | None = LRUCache(maxsize=size) if size > 0 else None
        self._version: str | None = None
        self._lock = threading.Lock()

    @staticmethod
    def key(question: str, **context: Any) -> Hashable:
        """The key of an answer: the normalised question and every other input of ``ask``."""
        return normalise(question), freeze(context)

    def switch(self, version: str) -> None:
        """``version`` is served from now on: the answers of any other are dropped."""
        with self._lock:
            if version != self._version and self._entries is not None:
                self._entries.clear()
            self._version = version

    def get(self, version: str, key: Hashable) -> Any | None:
        with self._lock:
            if self._entries is None or version != self._version:
                return None
            return self._entries.get(key)

    def put(self, version: str, key: Hashable, answer: Any) -> None:
        """Keep ``answer`` (computed on ``version``) unless another version is served now."""
        with self._lock:
            if self._entries is not None and version == self._version:
                self._entries[key] = answer

    def __len__(self) -> int:
        with self._lock:
            return 0 if self._entries is None else len(self._entries)
