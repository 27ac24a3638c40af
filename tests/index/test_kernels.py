"""The compiled loops give what the plain numpy computations give (index.kernels)."""

from __future__ import annotations

import numpy as np
import pytest

from index import kernels


def _columns(rng, passages: int, terms: int):
    """A CSC matrix (postings sorted by passage) with random positive scores."""
    data, indices, indptr = [], [], [0]
    for _ in range(terms):
        column = np.sort(rng.choice(passages, rng.integers(0, passages // 2), replace=False))
        indices.append(column.astype(np.int32))
        data.append(rng.uniform(0.1, 3.0, len(column)).astype(np.float32))
        indptr.append(indptr[-1] + len(column))
    return np.concatenate(data), np.concatenate(indices), np.array(indptr, np.int64)


@pytest.mark.parametrize(
    ("n", "block", "direct_max"),
    [
        (1, 64, 0),
        (17, 64, 0),
        (100, 1 << 16, kernels.DIRECT_MAX),
        (100, 1 << 16, 0),
        (10_000, 128, 0),
    ],
)
def test_top_postings_equals_sorting_every_sum_and_zeroes_its_scratch(n, block, direct_max):
    rng = np.random.default_rng(n)
    passages = 500
    data, indices, indptr = _columns(rng, passages, 8)
    chosen = np.array([0, 2, 3, 5, 7])  # some columns, each with its weight
    starts, stops = indptr[chosen], indptr[chosen + 1]
    weights = rng.uniform(0.2, 2.0, len(chosen)).astype(np.float32)
    weights[1] = -0.5  # a negative weight: passages may sum to less than zero
    every = np.zeros(passages, np.float32)
    for start, stop, w in zip(starts, stops, weights, strict=True):
        every[indices[start:stop]] += w * data[start:stop]
    scratch = kernels.TopScratch(passages, indices.dtype, block, direct_max)
    # Every passage's score at once, or blocks of a power of two.
    assert len(scratch.block) == (passages if passages <= direct_max else block)
    ids, scores = np.empty(n, np.int64), np.empty(n, np.float32)
    for _ in range(2):  # the second time with the scratch arrays the first left
        arrays = scratch.arrays(int((stops - starts).sum()))
        kept = kernels.top_postings(data, indices, starts, stops, weights, n, ids, scores, arrays)
        order = np.lexsort((ids[:kept], -scores[:kept]))
        expected = sorted(np.flatnonzero(every > 0), key=lambda i: (-every[i], i))[:n]
        assert ids[:kept][order].tolist() == expected
        np.testing.assert_array_equal(scores[:kept][order], every[expected])  # same sums
        assert not scratch.block.any()


def test_top_scratch_grows_for_more_postings_in_blocks():
    scratch = kernels.TopScratch(1000, np.dtype(np.int32), block=64, direct_max=0)
    assert len(scratch.offsets) == 16 + 2  # 1000 passages: 16 blocks of 64
    assert len(scratch.arrays(100)[2]) == 100
    assert len(scratch.arrays(150)[2]) == 200  # at least doubled
    assert len(scratch.arrays(3)[3]) == 200
    direct = kernels.TopScratch(1000, np.dtype(np.int32))
    assert len(direct.block) == 1000 and len(direct.arrays(10_000)[2]) == 0  # no room needed
    with pytest.raises(ValueError):
        kernels.TopScratch(10, np.dtype(np.int32), block=100)


def test_scores_among_finds_each_passage_in_each_column():
    rng = np.random.default_rng(3)
    passages = 400
    data, indices, indptr = _columns(rng, passages, 7)
    starts, stops = indptr[:-1], indptr[1:]
    weights = rng.uniform(0.5, 1.5, len(starts)).astype(np.float32)
    every = np.zeros(passages, np.float32)
    for start, stop, w in zip(starts, stops, weights, strict=True):
        every[indices[start:stop]] += w * data[start:stop]
    among = rng.choice(passages, 60, replace=False)
    out = np.zeros(len(among), np.float32)
    kernels.scores_among(data, indices, starts, stops, weights, among, out)
    np.testing.assert_allclose(out, every[among], rtol=1e-6)


def test_best_sentences_from_float16_bits_equal_float32_arithmetic():
    rng = np.random.default_rng(5)
    vectors = rng.normal(0, 0.05, (50, 16)).astype(np.float16)
    vectors[3, :4] = np.float16(3e-6)  # subnormal halves are read right too
    starts = np.array([0, 2, 3, 9, 10, 30], np.int64)  # the last passage: rows 30 to the end
    query = rng.normal(size=16).astype(np.float32)
    among = np.array([5, 0, 3, 2], np.int64)
    out = np.zeros(len(among), np.float32)
    kernels.best_sentences(
        vectors.view(np.uint16), starts, among, query, kernels.HALF_TO_FLOAT, out
    )
    sims = vectors.astype(np.float32) @ query
    ends = [*starts[1:], len(vectors)]
    expected = [sims[starts[p] : ends[p]].max() for p in among]
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
