"""The ONNX runtimes against sentence-transformers (torch) on the real default model, real plan
passages and real questions; and length batching keeps every text's vector in its place."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.settings import Settings
from index.embedder import SentenceTransformerEmbedder, length_batches, load_embedder
from index.passage_text import embedding_text, sentence_texts
from tests.conftest import PLANS, SHARED


def test_length_batches_cover_every_position_once_longest_first():
    lengths = [5, 40, 3, 40, 17, 9, 1, 22]
    batches = length_batches(lengths, 3)
    flat = np.concatenate(batches)
    assert sorted(flat.tolist()) == list(range(len(lengths)))
    assert [len(b) for b in batches] == [3, 3, 2]
    seen = [lengths[i] for i in flat]
    assert seen == sorted(lengths, reverse=True)
    assert flat[:2].tolist() == [1, 3]  # equal lengths keep their order (stable)


@pytest.fixture(scope="module")
def embedders():
    settings = Settings()
    onnx = load_embedder(settings.model_copy(update={"model_runtime": "onnx-int8"}))
    torch = load_embedder(settings.model_copy(update={"model_runtime": "torch"}))
    return onnx, torch


@pytest.fixture(scope="module")
def default_embedder():
    return load_embedder(Settings())


@pytest.fixture(scope="module")
def plan_texts():
    from assistant.pipeline import read_document

    doc = read_document(PLANS / "regional-plan-inkluderende-innlandet.pdf", Settings())
    passages = doc.passages[::6]  # every sixth: ~30 passages from the whole plan
    sentences = [s for p in passages[:8] for s in sentence_texts(p)]
    return [embedding_text(p) for p in passages], sentences


def _questions() -> list[str]:
    path = SHARED / "eval" / "dev-questions.jsonl"
    if path.is_file():
        return [json.loads(line)["question"] for line in path.open(encoding="utf-8")]
    return ["Hva er hovedmålet med planen?", "Kva tid gjeld planen frå?", "Hvem har ansvaret?"]


@pytest.mark.integration
def test_default_runtime_is_float_onnx_for_passages_and_int8_for_questions(
    embedders, default_embedder, plan_texts
):
    _, torch = embedders
    default = default_embedder
    assert (default.runtime, default.query_runtime) == ("onnx", "onnx-int8")
    assert isinstance(torch, SentenceTransformerEmbedder) and torch.runtime == "torch"
    # The same model: an index built on one runtime is served by the other.
    assert (default.name, default.dimension) == (torch.name, torch.dimension)
    assert (default.query_prefix, default.passage_prefix) == (
        torch.query_prefix,
        torch.passage_prefix,
    )
    passages, _ = plan_texts
    same = np.sum(default.encode_passages(passages) * torch.encode_passages(passages), axis=1)
    assert same.min() >= 0.9999  # float32 export: the very vectors torch makes
    questions = _questions()
    close = np.sum(default.encode_queries(questions) * torch.encode_queries(questions), axis=1)
    assert close.min() >= 0.99 and close.max() < 0.9999  # int8: close, not identical


@pytest.mark.integration
def test_onnx_int8_matches_sentence_transformers(embedders, plan_texts):
    onnx, torch = embedders
    passages, sentences = plan_texts
    questions = _questions()
    for kind, a, b in (
        ("passages", onnx.encode_passages(passages), torch.encode_passages(passages)),
        ("sentences", onnx.encode_passages(sentences), torch.encode_passages(sentences)),
        ("questions", onnx.encode_queries(questions), torch.encode_queries(questions)),
    ):
        assert a.shape == b.shape and a.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
        cosines = np.sum(a * b, axis=1)
        assert cosines.min() >= 0.99, (kind, float(cosines.min()))
    # Where the runtimes disagree on the nearest passage to a question, it is a near tie: the
    # passage int8 puts first is, by torch's own scores, within a hair of torch's first.
    torch_scores = torch.encode_queries(questions) @ torch.encode_passages(passages).T
    onnx_first = np.argmax(onnx.encode_queries(questions) @ onnx.encode_passages(passages).T, 1)
    loss = torch_scores.max(axis=1) - torch_scores[np.arange(len(questions)), onnx_first]
    assert loss.max() <= 0.01


@pytest.mark.integration
def test_batching_by_length_keeps_each_vector_in_place(embedders, default_embedder, plan_texts):
    int8, _ = embedders
    passages, sentences = plan_texts
    mixed = [t for pair in zip(passages[:6], sentences[:6], strict=True) for t in pair]
    # Float32: batched longest first and written back by position, each vector is exactly the
    # one its text gets alone, whatever it is batched with.
    together = default_embedder.encode_passages(mixed)
    alone = np.stack([default_embedder.encode_passages([t])[0] for t in mixed])
    np.testing.assert_allclose(together, alone, atol=1e-4)
    np.testing.assert_allclose(
        default_embedder.encode_passages(mixed[::-1])[::-1], together, atol=1e-4
    )
    # Int8 scales activations per batch, so batch mates move a vector slightly, never out of
    # its place: each passage's batched vector is nearest its own.
    batched = int8.encode_passages(passages[:12])
    single = np.stack([int8.encode_passages([t])[0] for t in passages[:12]])
    similarity = batched @ single.T
    assert np.all(np.argmax(similarity, axis=1) == np.arange(12))
    assert np.diag(similarity).min() >= 0.99
