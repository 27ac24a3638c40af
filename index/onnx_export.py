"""Export a sentence-transformers model (transformer + mean pooling + normalise) to ONNX once, at
set-up, and quantise it to int8 for onnxruntime.

Written into the model directory: ``onnx/model.onnx`` (float32, the transformer only: inputs
``input_ids`` and ``attention_mask``, output ``last_hidden_state``), ``onnx/model_qint8.onnx``
(dynamic int8 quantisation, per channel, MatMul weights only) and ``onnx/planassistent-onnx.json``
(what was exported from what). Pooling and normalisation run in numpy (``index.onnx_embedder``),
exactly as the sentence-transformers modules do them.

The quantisation settings are measured, not defaults: per-channel MatMul-only int8 keeps cosine
0.991-0.999 to the float model on plan passages and questions at 2-3x the speed of torch;
onnxruntime's defaults (per-tensor, every supported op type, embeddings included) lose too much
(cosine 0.93-0.95). A transformer-fusion pass before quantising made it slower here.

Needs torch, transformers and onnx (set-up only); running the result needs only onnxruntime,
tokenizers and numpy. The TorchScript exporter (``dynamo=False``) is used because it needs no
package beyond ``onnx``.
"""

from __future__ import annotations

import json
import logging
import shutil
import warnings
from pathlib import Path

import numpy as np

EXPORTER_VERSION = 1
ONNX_DIR = "onnx"
FLOAT_FILE = "model.onnx"
INT8_FILE = "model_qint8.onnx"
MARKER = "planassistent-onnx.json"
OPSET = 17
# Checked after every export: the int8 model must stay this close to the float one.
MIN_COSINE = 0.98
CHECK_TEXTS = [
    "query: Hva er hovedmålet med planen?",
    "passage: Regional plan for inkluderende Innlandet skal bidra til at flere kommer i arbeid.",
    "passage: Kommunen vil styrke tilbudet til barn og unge gjennom tidlig innsats, et godt "
    "samarbeid mellom skole, helsestasjon og frivillige organisasjoner, og flere møteplasser.",
    "query: Kva tid gjeld planen frå?",
]


def onnx_file(model_dir: str | Path, quantised: bool = True) -> Path | None:
    """The exported model file of ``model_dir`` if a finished export is there, else None."""
    directory = Path(model_dir) / ONNX_DIR
    try:
        marker = json.loads((directory / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(marker, dict) or marker.get("exporter") != EXPORTER_VERSION:
        return None
    path = directory / (INT8_FILE if quantised else FLOAT_FILE)
    return path if path.is_file() else None


def is_exported(model_dir: str | Path) -> bool:
    return onnx_file(model_dir) is not None and onnx_file(model_dir, quantised=False) is not None


def _export_float(model_dir: Path, target: Path) -> None:
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager")
    model.eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    # Two rows of different length so the traced graph handles padding.
    ids = torch.tensor([[0, 100, 200, 300, 2], [0, 100, 2, 1, 1]], dtype=torch.long)
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the exporter's deprecation and tracer notes
        torch.onnx.export(
            LastHiddenState(model),
            (ids, mask),
            str(target),
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
            opset_version=OPSET,
            dynamo=False,
        )


def _quantise(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # "consider pre-processing": measured, it does not help here
    try:
        quantize_dynamic(
            str(source),
            str(target),
            per_channel=True,
            op_types_to_quantize=["MatMul"],
            weight_type=QuantType.QInt8,
        )
    finally:
        root.setLevel(level)


def _check(model_dir: Path, directory: Path) -> dict[str, float]:
    """Smallest cosine of the ONNX models to sentence-transformers on a few Norwegian texts."""
    from sentence_transformers import SentenceTransformer

    from index.onnx_embedder import OnnxEmbedder

    reference = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True).encode(
        CHECK_TEXTS, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )
    out = {}
    for name in (FLOAT_FILE, INT8_FILE):
        vectors = OnnxEmbedder(str(model_dir), directory / name).encode_raw(CHECK_TEXTS)
        out[name] = float(np.min(np.sum(vectors * reference, axis=1)))
    return out


def export(model_dir: str | Path) -> Path:
    """Write ``model_dir/onnx`` (float and int8 models and the marker). Atomic: the folder
    appears under its name only when both models are written and checked."""
    import onnx
    import onnxruntime
    import torch

    from index.embedder import _quiet_transformers
    from index.model_convert import publish

    _quiet_transformers()
    model_dir = Path(model_dir)
    target = model_dir / ONNX_DIR
    tmp = model_dir / f".{ONNX_DIR}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        _export_float(model_dir, tmp / FLOAT_FILE)
        _quantise(tmp / FLOAT_FILE, tmp / INT8_FILE)
        cosines = _check(model_dir, tmp)
        if cosines[INT8_FILE] < MIN_COSINE or cosines[FLOAT_FILE] < 0.9999:
            raise RuntimeError(f"ONNX export differs from the model: cosine {cosines}")
        (tmp / MARKER).write_text(
            json.dumps(
                {
                    "exporter": EXPORTER_VERSION,
                    "opset": OPSET,
                    "quantisation": "dynamic int8, per channel, MatMul only (onnxruntime)",
                    "min_cosine_to_model": cosines,
                    "versions": {
                        "torch": torch.__version__,
                        "onnx": onnx.__version__,
                        "onnxruntime": onnxruntime.__version__,
                    },
                },
                indent=2,
            )
            + "\n",
            "utf-8",
        )
        publish(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
