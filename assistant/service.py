"""The Assistant facade: what the CLI and the web app call. Loads the current index once,
answers questions, searches, lists documents and initiatives, and picks up new index versions."""

from __future__ import annotations

from pathlib import Path

from assistant.models import AskResult, Citation, DocumentInfo
from assistant.settings import Settings
from ingest.models import Initiative, Passage


class IndexUnavailable(Exception):
    """No usable index (none built yet, or every version damaged). The web answers 503."""


class Assistant:
    """Interface (implementation in progress):

    - ``Assistant(settings, embedder=None)``; ``embedder`` defaults to the configured model.
    - ``index_version -> str | None``, ``passage_count -> int``
    - ``ask(question, k=None) -> AskResult``
    - ``search(q, k=None) -> list[Citation]``
    - ``documents() -> list[DocumentInfo]``
    - ``document(document_id) -> tuple[dict, list[Passage]] | None`` (meta as Document.meta(),
      passages in page order)
    - ``document_file(document_id) -> Path | None`` (the original file)
    - ``initiatives(q=None, tema=None, niva=None, ansvarlig=None, partner=None,
      prioritering=None) -> list[Initiative]``
    - ``initiative(key) -> Initiative | None``; ``initiatives_linking_to(id) -> list[Initiative]``
    - ``reload_if_changed() -> bool`` (swap to a newer index version)
    Raises ``IndexUnavailable`` when no index can be served.
    """

    def __init__(self, settings: Settings, embedder=None) -> None:
        raise NotImplementedError

    def ask(self, question: str, k: int | None = None) -> AskResult: ...
    def search(self, q: str, k: int | None = None) -> list[Citation]: ...
    def documents(self) -> list[DocumentInfo]: ...
    def document(self, document_id: str) -> tuple[dict, list[Passage]] | None: ...
    def document_file(self, document_id: str) -> Path | None: ...
    def initiative(self, key: str) -> Initiative | None: ...
