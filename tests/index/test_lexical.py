"""BM25 scoring: the top passages and the scores of chosen passages agree with scoring every
passage (the large-index path must not change a result, only its cost)."""

from __future__ import annotations

import numpy as np

from index.lexical import SEARCH_RATIO, LexicalIndex
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
    rng = np.random.default_rng(1)
    # A few passages (long columns are searched) and many (short ones are added whole).
    for count in (3, 20, index.size // SEARCH_RATIO + 50, index.size):
        among = rng.choice(index.size, count, replace=False)
        np.testing.assert_allclose(index.scores_of(terms, None, among), every[among], rtol=1e-6)


def test_loaded_index_is_memory_mapped_and_scores_the_same(tmp_path):
    index, _ = _index()
    index.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    terms = index.query_terms("kultur og idrett for ungdom")
    np.testing.assert_array_equal(loaded.scores(terms), index.scores(terms))
    assert isinstance(loaded._bm25.scores["data"], np.memmap)
