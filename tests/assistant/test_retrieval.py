import numpy as np
import pytest

from assistant.retrieval import fuse, ranks, relative_fusion, rules_off


def test_ranks_orders_by_score_and_can_drop_zero_scores():
    scores = np.array([0.1, 0.9, 0.0, 0.5], dtype=np.float32)
    assert ranks(scores, 3) == {1: 1, 3: 2, 0: 3}
    assert ranks(scores, 4, positive_only=True) == {1: 1, 3: 2, 0: 3}


def test_weighted_rrf_prefers_agreement_then_the_heavier_ranking():
    dense = {0: 1, 1: 2, 2: 3}
    bm25 = {2: 1, 1: 2}
    fused = fuse(dense, bm25, k=60, dense_weight=1.0, bm25_weight=2.0)
    order = sorted(fused, key=lambda i: -fused[i])
    assert order == [2, 1, 0]  # 2 is top of BM25 (weight 2) and present in dense
    only_dense = fuse(dense, bm25, k=60, dense_weight=1.0, bm25_weight=0.0)
    assert sorted(only_dense, key=lambda i: -only_dense[i]) == [0, 1, 2]


def test_relative_fusion_keeps_how_far_ahead_a_passage_is():
    # Passage 0 is far closer in meaning than the rest; passage 1 is BM25's best by a little.
    dense = np.array([0.92, 0.84, 0.83, 0.82])
    bm25 = np.array([6.0, 7.0, 6.5, 0.0])
    fused = relative_fusion(dense, bm25, 0.6)
    assert fused.argmax() == 0 and fused.min() == fused[3]
    assert np.allclose(relative_fusion(dense, bm25, 1.0), (dense - 0.82) / 0.10)
    assert relative_fusion(dense, bm25, 0.0).argmax() == 1
    # Rank fusion puts BM25's best first here: it sees ranks 1 and 2, not the gap.
    rrf = fuse({0: 1, 1: 2, 2: 3, 3: 4}, {1: 1, 2: 2, 0: 3}, k=10, dense_weight=1, bm25_weight=1)
    assert max(rrf, key=rrf.get) == 1
    # Equal scores carry no information: they scale to zero, not to a division by zero.
    assert np.array_equal(relative_fusion(np.ones(3), np.zeros(3), 0.5), np.zeros(3))


def test_rules_can_be_switched_off_by_name_and_typos_are_refused():
    assert rules_off("") == frozenset()
    assert rules_off(" sentence, glossary ") == {"sentence", "glossary"}
    with pytest.raises(ValueError, match="unknown rules"):
        rules_off("heading")
