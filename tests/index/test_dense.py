"""The dense index: its type chosen by size, recall of the approximate one against exact search,
and memory-mapped loading."""

from __future__ import annotations

import math

import numpy as np
import pytest

from index import dense
from index.dense import DenseIndex, index_type_for, nlist_for, nprobe_for, projection


def _clustered(n: int, dim: int = 48, clusters: int = 200, seed: int = 0) -> np.ndarray:
    """Normalised vectors around random centres, like embeddings of texts on shared topics.
    Most of their spread lies in a few directions, as with a text model's embeddings."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim)) * np.geomspace(1.0, 0.05, dim)
    x = centres[rng.integers(0, clusters, n)] + rng.normal(scale=0.35 / 4, size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _exact_top(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    return np.argsort(-(queries @ vectors.T), axis=1, kind="stable")[:, :k]


def test_exact_index_up_to_the_threshold_graph_above():
    assert index_type_for(0, 384) == index_type_for(dense.EXACT_MAX, 384) == "Flat"
    for size in (dense.EXACT_MAX + 1, 100_000, 1_000_000, 10_000_000):
        assert index_type_for(size, 384) == f"Proj{dense.PROJECTED},HNSW{dense.HNSW_M}"
        assert index_type_for(size, dense.PROJECTED) == f"HNSW{dense.HNSW_M}"
    assert dense.EF_SEARCH >= 10 and dense.EF_CONSTRUCTION >= dense.HNSW_M


def test_projection_keeps_the_inner_products_of_vectors_in_fewer_dimensions():
    rng = np.random.default_rng(3)
    basis = np.linalg.qr(rng.normal(size=(40, 6)))[0].T  # 6 orthonormal directions in 40
    vectors = (rng.normal(size=(500, 6)) @ basis).astype(np.float32)
    matrix = projection(vectors, 8)
    assert matrix.shape == (8, 40)
    np.testing.assert_allclose(matrix @ matrix.T, np.eye(8), atol=1e-5)  # orthonormal rows
    projected = vectors @ matrix.T
    np.testing.assert_allclose(projected @ projected.T, vectors @ vectors.T, atol=1e-4)


def test_inverted_file_lists_follow_the_guideline():
    """Inverted files are no longer chosen, but older versions have them and ``build(kind=…)``
    still makes them (to measure them against the graph)."""
    for size in (dense.EXACT_MAX + 1, 100_000, 1_000_000, 10_000_000):
        nlist = nlist_for(size)
        assert nlist & (nlist - 1) == 0  # a power of two
        assert size >= dense.TRAIN_PER_LIST * nlist  # enough points to train every list
        assert nlist / (4 * math.sqrt(size)) <= 2  # FAISS's guideline: about 4·√N …
        if size >= 100_000:  # … once there are enough points to train that many
            assert nlist / (4 * math.sqrt(size)) >= 0.5
        assert min(32, nlist) <= nprobe_for(nlist) <= nlist
    assert nlist_for(1_000_000) == 4096


def test_small_index_is_exact_and_scores_every_passage(tmp_path):
    vectors = _clustered(300)
    index = DenseIndex.build(vectors)
    assert index.exact and index.kind == "Flat"
    index.save(tmp_path / "dense.faiss")
    loaded = DenseIndex.load(tmp_path / "dense.faiss")
    query = vectors[7]
    np.testing.assert_allclose(loaded.scores(query), vectors @ query, rtol=1e-5, atol=1e-6)
    ids, sims = loaded.search(query, 5)
    assert ids[0] == 7 and np.isclose(sims[0], 1.0)
    assert ids.tolist() == _exact_top(vectors, query[None], 5)[0].tolist()


@pytest.mark.parametrize("kind", [None, "HNSW32", f"IVF{nlist_for(dense.EXACT_MAX * 2)},Flat"])
def test_large_index_is_approximate_with_recall_at_10_of_at_least_095(tmp_path, kind, monkeypatch):
    """The graph chosen by size (in 16 of the vectors' 48 dimensions here), the graph in every
    dimension (versions written before) and the inverted file (older still): each loads
    (memory-mapped) and finds the exact top 10 at least 95% of the time."""
    monkeypatch.setattr(dense, "PROJECTED", 16)
    vectors = _clustered(dense.EXACT_MAX * 2)
    queries = _clustered(100, seed=1)
    index = DenseIndex.build(vectors, kind)
    assert not index.exact and index.kind == (kind or index_type_for(len(vectors), 48))
    with pytest.raises(ValueError):
        index.scores(queries[0])
    index.save(tmp_path / "dense.faiss")
    loaded = DenseIndex.load(tmp_path / "dense.faiss", vectors)
    assert loaded.kind == index.kind and loaded.size == len(vectors)
    exact = _exact_top(vectors, queries, 10)
    found = [loaded.search(q, 10)[0] for q in queries]
    assert all(len(f) == 10 for f in found)
    recall = np.mean([len(set(f) & set(e)) / 10 for f, e in zip(found, exact, strict=True)])
    assert recall >= 0.95, recall
    # The cosines it reports are the exact ones of the passages it finds.
    ids, sims = loaded.search(queries[0], 10)
    np.testing.assert_allclose(sims, vectors[ids] @ queries[0], rtol=1e-5, atol=1e-6)
