import numpy as np

from assistant.retrieval import fuse, ranks


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


def test_answer_pattern_matches_the_kind_of_question():
    from assistant.retrieval import answer_pattern

    money = answer_pattern("Hvor mye penger er satt av til folkehelse?")
    assert money is not None and money.search("Det er bevilget 34 millioner for perioden")
    assert not money.search("unge i alderen 12-26 år")
    period = answer_pattern("Hvor lenge gjelder planen?")
    assert period is not None and period.search("Planen er 4-årig med perspektiv fram til 2030")
    assert not period.search("ungdom i aldersgruppen 16-19 år")
    count = answer_pattern("Hvor mange kommuner er det i Innlandet?")
    assert count is not None and count.search("Innlandet har 46 kommuner")
    assert answer_pattern("Hva gjør fylket for eldre?") is None


def test_phrase_pairs_and_positions_find_adjacent_question_words():
    from assistant.retrieval import has_pair, phrase_pairs, stem_sequence

    pairs = phrase_pairs("Hvilke kommuner er minst sentrale?")
    assert pairs == [(stem_sequence("kommuner")[0], "minst"), ("minst", "sentral")]
    positions: dict[str, list[int]] = {}
    for n, term in enumerate(stem_sequence("6 (minst sentral): Dovre, Engerdal")):
        positions.setdefault(term, []).append(n)
    assert has_pair(positions, ("minst", "sentral"), 2)
    assert not has_pair(positions, ("sentral", "minst"), 2)
