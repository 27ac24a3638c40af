"""BM25 scoring: the top passages and the scores of chosen passages agree with scoring every
passage (the large-index path must not change a result, only its cost)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from index import lexical
from index.lexical import LexicalIndex, impact_ordered
from index.norwegian import build_vocabulary

WORDS = (
    "bolig arbeid skole helse kultur vei kollektiv barnehage eldre ungdom klima natur "
    "næring innovasjon kompetanse frivillighet folkehelse idrett vann avløp"
)


def _index(n: int = 400, seed: int = 0) -> tuple[LexicalIndex, list[str]]:
    rng = np.random.default_rng(seed)
    texts = [
        " ".join(rng.choice(WORDS.split(), rng.integers(3, 25), p=_zipf(len(WORDS.split()))))
        for _ in range(n)
    ]
    return LexicalIndex.build(texts, build_vocabulary(texts)), texts


def _zipf(n: int) -> np.ndarray:
    w = 1 / np.arange(1, n + 1)
    return w / w.sum()


def test_top_is_the_best_of_every_score_in_order():
    index, _ = _index()
    terms = index.query_terms("bolig for eldre og ungdom i kollektiv")
    weights = {t: (0.4 if i % 2 else 1.0) for i, t in enumerate(terms)}
    for w in (None, weights):
        every = index.scores(terms, w)
        ids, scores = index.top(terms, w, 25)
        expected = sorted(np.flatnonzero(every > 0), key=lambda i: (-every[i], i))[:25]
        assert ids.tolist() == expected
        np.testing.assert_array_equal(scores, every[ids])
    assert index.top(index.query_terms("ordet finnes ikke"), None, 10)[0].size == 0


def test_scores_of_chosen_passages_equal_their_scores_among_all():
    index, _ = _index()
    terms = index.query_terms("skole helse klima avløp bolig")
    every = index.scores(terms)
    weights = {t: 0.5 + i for i, t in enumerate(terms)}
    weighted = index.scores(terms, weights)
    rng = np.random.default_rng(1)
    for count in (1, 3, 20, 150, index.size):
        among = rng.choice(index.size, count, replace=False)
        np.testing.assert_allclose(index.scores_of(terms, None, among), every[among], rtol=1e-6)
        np.testing.assert_allclose(
            index.scores_of(terms, weights, among), weighted[among], rtol=1e-6
        )
    assert not index.scores_of(index.query_terms("ordet finnes ikke"), None, among).any()


def test_top_breaks_ties_by_position():
    texts = ["bolig for eldre", "skole og idrett", "bolig for eldre"] * 30
    index = LexicalIndex.build(texts, build_vocabulary(texts))
    ids, scores = index.top(index.query_terms("bolig for eldre"), None, 7)
    assert ids.tolist() == [0, 2, 3, 5, 6, 8, 9] and len(set(scores.tolist())) == 1


def test_loaded_index_is_memory_mapped_and_scores_the_same(tmp_path):
    index, _ = _index()
    index.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    terms = index.query_terms("kultur og idrett for ungdom")
    np.testing.assert_array_equal(loaded.scores(terms), index.scores(terms))
    assert isinstance(loaded._bm25.scores["data"], np.memmap)


def _exact_top(index: LexicalIndex, terms, weights, n: int):
    every = index.scores(terms, weights)
    ids = np.array(sorted(np.flatnonzero(every > 0), key=lambda i: (-every[i], i))[:n], np.int64)
    return ids, every[ids]


def test_impact_ordered_copy_holds_each_column_by_impact_up_to_the_budget():
    index, _ = _index(2000)
    matrix = index._bm25.scores
    total = int(matrix["indptr"][-1])
    assert impact_ordered(matrix, total) is None  # every question within the budget
    keep = 300
    copy = impact_ordered(matrix, keep)
    for column in range(len(matrix["indptr"]) - 1):
        start, end = matrix["indptr"][column], matrix["indptr"][column + 1]
        first, last = copy["indptr"][column], copy["indptr"][column + 1]
        assert last - first == min(keep, end - start)
        data, ids = copy["data"][first:last], copy["indices"][first:last]
        expected = sorted(
            zip(
                matrix["data"][start:end].tolist(),
                matrix["indices"][start:end].tolist(),
                strict=True,
            ),
            key=lambda p: (-p[0], p[1]),
        )[:keep]
        assert list(zip(data.tolist(), ids.tolist(), strict=True)) == expected


def _budgeted(monkeypatch, budget: int, n: int = 2000) -> LexicalIndex:
    """An index whose ``top`` reads at most ``budget`` postings per question."""
    monkeypatch.setattr(lexical, "BUDGET", budget)
    index, _ = _index(n)
    assert index.budgeted
    return index


def test_top_within_the_budget_is_exact_and_leaves_no_trace(monkeypatch):
    probe, _ = _index(2000)
    terms = probe.query_terms("bolig for eldre og ungdom i kollektiv")
    read = sum(s.stop - s.start for s, _ in probe._columns(terms, None))
    index = _budgeted(monkeypatch, read)  # the question's columns just fit
    for n in (1, 10, 100, 5000):
        ids, scores = index.top(terms, None, n)
        expected_ids, expected_scores = _exact_top(index, terms, None, n)
        assert ids.tolist() == expected_ids.tolist()
        np.testing.assert_array_equal(scores, expected_scores)
    assert not index._scratch().block.any()  # the per-thread scores are zero again


def test_top_in_blocks_of_passages_equals_top_at_once(monkeypatch):
    from index import kernels

    index, _ = _index(2000)
    terms = index.query_terms("bolig for eldre og ungdom i kollektiv")
    weights = {t: 1.0 + i / 3 for i, t in enumerate(terms)}
    at_once = index.top(terms, weights, 40)
    assert len(index._scratch().block) == 2000  # every passage's score at once
    monkeypatch.setattr(kernels, "DIRECT_MAX", 0)
    monkeypatch.setattr(kernels, "BLOCK", 128)
    blocks = _index(2000)[0]
    in_blocks = blocks.top(terms, weights, 40)
    assert len(blocks._scratch().offsets) == 16 + 2  # 2000 passages in 16 blocks of 128
    for a, b in zip(at_once, in_blocks, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not blocks._scratch().block.any()


def test_top_over_the_budget_scores_the_highest_impacts(monkeypatch):
    index = _budgeted(monkeypatch, 400)
    terms = index.query_terms("skole helse klima avløp bolig kultur")
    weights = {t: 1.0 + i for i, t in enumerate(terms)}
    ids, scores = index.top(terms, weights, 50)
    every = index.scores(terms, weights)
    assert len(ids) == 50 and np.all(scores <= every[ids] + 1e-5)  # terms left unread: lower
    assert not np.array_equal(ids, _exact_top(index, terms, weights, 50)[0])
    exact_ids, exact_scores = index.top(terms, weights, 50, exact=True)  # every posting read
    expected_ids, expected_scores = _exact_top(index, terms, weights, 50)
    assert exact_ids.tolist() == expected_ids.tolist()
    np.testing.assert_allclose(exact_scores, expected_scores, rtol=1e-6)
    # The prefixes read hold about BUDGET postings, every one weighing at least as much as
    # every posting left unread.
    impact = index._impact
    columns = index._columns(terms, weights, impact["indptr"])
    read = lexical._budgeted(impact["data"], columns, 400)
    count = sum(s.stop - s.start for s, _ in read)
    assert 400 - 400 // len(columns) <= count <= 400 + 400 // lexical.BUDGET_SAMPLES + len(columns)
    kept = [w * impact["data"][s] for s, w in read]
    left = [
        w * impact["data"][s.stop : full.stop]
        for (s, w), (full, _) in zip(read, columns, strict=True)
    ]
    assert min(k.min() for k in kept if k.size) >= max(x.max() for x in left if x.size)


def test_impact_ordered_copy_is_saved_and_memory_mapped(tmp_path, monkeypatch):
    index = _budgeted(monkeypatch, 400)
    index.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    assert loaded.budgeted and isinstance(loaded._impact["data"].base, np.memmap)
    terms = index.query_terms("kultur og idrett for ungdom")
    for a, b in zip(loaded.top(terms, None, 20), index.top(terms, None, 20), strict=True):
        np.testing.assert_array_equal(a, b)
    small, _ = _index(20)
    assert not small.budgeted
    small.save(tmp_path / "small")  # nothing to bound: no copy written, and none loaded
    assert not LexicalIndex.load(tmp_path / "small").budgeted
    assert not list((tmp_path / "small").glob("impact_*"))


def test_bm25s_is_imported_without_numba():
    """bm25s would load numba (~100 MB) in every process; only a large index needs it."""
    code = (
        "import sys; import index.lexical; import bm25s; "
        "assert 'numba' not in sys.modules; assert not bm25s.NUMBA_AVAILABLE; "
        "from index import kernels; assert 'numba' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
