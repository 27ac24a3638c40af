"""The embedding model on onnxruntime: the exported transformer (``index.onnx_export``), the
model's own ``tokenizer.json``, and mean pooling plus L2 normalisation in numpy exactly as the
sentence-transformers ``Pooling`` and ``Normalize`` modules do them. No torch at run time.

Passages and queries may use different exports (``PLAN_MODEL_RUNTIME=auto``: float32 passages,
int8 queries); each session is loaded the first time it is needed, so a server that only answers
questions holds the int8 model alone."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import numpy as np

from index.embedder import length_batches, model_name_for


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}


class OnnxEmbedder:
    """A sentence-transformers directory with an ONNX export of its transformer."""

    def __init__(
        self,
        model_path: str,
        onnx_path: str | Path,
        query_onnx_path: str | Path | None = None,
        *,
        query_prefix: str = "",
        passage_prefix: str = "",
        batch_size: int = 32,
        threads: int = 1,
        runtime: str = "onnx",
        query_runtime: str | None = None,
    ) -> None:
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from tokenizers import Tokenizer

        root = Path(model_path)
        pooling = _read_json(root / "1_Pooling" / "config.json")
        modules = _read_json(root / "modules.json") or []
        kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
        if not pooling.get("pooling_mode_mean_tokens") or "Normalize" not in kinds:
            raise ValueError(f"{model_path}: only mean pooling with normalisation is supported")
        self.name = model_name_for(model_path)
        self.dimension = int(pooling["word_embedding_dimension"])
        self.runtime = runtime  # of the passage vectors (recorded in the index manifest)
        self.query_runtime = query_runtime or runtime
        prompts = _read_json(root / "config_sentence_transformers.json").get("prompts") or {}
        self.query_prefix = query_prefix or prompts.get("query", "")
        self.passage_prefix = (
            passage_prefix or prompts.get("document", "") or prompts.get("passage", "")
        )
        self.batch_size = batch_size
        max_tokens = int(_read_json(root / "sentence_bert_config.json").get("max_seq_length", 512))
        self._tokenizer = Tokenizer.from_file(str(root / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_tokens)
        specials = _read_json(root / "special_tokens_map.json")
        pad = specials.get("pad_token")
        pad = pad.get("content") if isinstance(pad, dict) else pad
        self._pad_id = self._tokenizer.token_to_id(pad) if pad else None
        if self._pad_id is None:
            self._pad_id = 0
        self._files = {"passage": str(onnx_path), "query": str(query_onnx_path or onnx_path)}
        self._threads = threads
        self._sessions: dict[str, object] = {}
        self._lock = threading.Lock()

    def _session(self, kind: str):
        path = self._files[kind]
        with self._lock:
            if path not in self._sessions:
                import onnxruntime as ort

                options = ort.SessionOptions()
                # One thread per process by default, like torch in SentenceTransformerEmbedder.
                options.intra_op_num_threads = max(1, self._threads)
                options.inter_op_num_threads = 1
                options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
                options.log_severity_level = 3
                self._sessions[path] = ort.InferenceSession(
                    path, options, providers=["CPUExecutionProvider"]
                )
            return self._sessions[path]

    def _batch(self, session, encodings: list) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.full((len(encodings), width), self._pad_id, dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        (hidden,) = session.run(None, {"input_ids": ids, "attention_mask": mask})
        # sentence_transformers.models.Pooling (mean) and Normalize.
        weights = mask[:, :, None].astype(np.float32)
        summed = np.sum(hidden * weights, axis=1)
        mean = summed / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(mean, axis=1, keepdims=True)
        return mean / np.clip(norms, 1e-12, None)

    def encode_raw(self, texts: list[str], kind: str = "passage") -> np.ndarray:
        """Vectors of ``texts`` as given (no prompt), in their order, on the ``kind``
        ("passage" or "query") model; batched by token length."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        session = self._session(kind)
        encodings = self._tokenizer.encode_batch(texts)
        for batch in length_batches([len(e.ids) for e in encodings], self.batch_size):
            out[batch] = self._batch(session, [encodings[i] for i in batch])
        return out

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self.encode_raw([self.passage_prefix + t for t in texts], "passage")

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encode_raw([self.query_prefix + t for t in texts], "query")
