"""Retrieval over a large index (an HNSW graph, or the inverted file of older versions:
candidates only) gives what retrieval over a small one (exact: every passage scored) gives, when
the candidates cover every passage."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from assistant import retrieval
from assistant.glossary import load_glossary
from assistant.query import analyse
from assistant.retrieval import Retriever
from assistant.settings import Settings
from index import dense
from index.embedder import FakeEmbedder
from index.lexical import LexicalIndex
from index.norwegian import build_vocabulary
from index.passage_text import lexical_text, sentence_texts
from index.store import IndexStore
from ingest.models import Passage

WORDS = (
    "boliger arbeidsplasser skolen helsetjenester kulturtilbud veier kollektivtransport "
    "barnehager eldreomsorg ungdommen klimaet naturen næringslivet innovasjon kompetanse "
    "frivilligheten folkehelsen idretten vannforsyning integrering inkludering digitalisering"
)


def _passages(n: int) -> list[Passage]:
    rng = np.random.default_rng(3)
    out = []
    for i in range(n):
        sentences = [
            " ".join(rng.choice(WORDS.split(), rng.integers(3, 9))).capitalize() + "."
            for _ in range(rng.integers(1, 4))
        ]
        text = " ".join(sentences)
        out.append(Passage(f"p{i}", "plan", "Planen", 1 + i // 5, "2 Mål", text, 0, len(text)))
    return out


def _store(tmp_path, passages, embedder) -> IndexStore:
    sentences, starts = [], []
    for p in passages:
        starts.append(len(sentences))
        sentences.extend(sentence_texts(p))
    texts = [lexical_text(p) for p in passages]
    store = IndexStore(tmp_path)
    with store.writer_lock():
        store.write_version(
            passages=passages,
            vectors=embedder.encode_passages([p.text for p in passages]),
            documents=[
                {
                    "document_id": "plan",
                    "title": "Planen",
                    "file_name": "p.pdf",
                    "sha256": "0" * 64,
                    "media_type": "application/pdf",
                    "pages": ["Planen"],
                }
            ],
            initiatives=[],
            lexical=LexicalIndex.build(texts, build_vocabulary(texts)),
            model=embedder.name,
            dimension=embedder.dimension,
            sentence_vectors=embedder.encode_passages(sentences),
            sentence_starts=np.asarray(starts),
        )
    return store


@pytest.fixture(scope="module", params=["Proj16,HNSW32", "HNSW32", "IVF4,Flat"])
def both(tmp_path_factory, request):
    """The same passages as an exact index and as a large one: an HNSW graph in fewer
    dimensions (as chosen above the threshold) or in all, or an inverted file searched in
    every list."""
    embedder, passages = FakeEmbedder(), _passages(300)
    exact = _store(tmp_path_factory.mktemp("exact"), passages, embedder).load_best()
    patch = pytest.MonkeyPatch()
    patch.setattr(dense, "index_type_for", lambda size, dim: request.param)
    patch.setattr(dense, "nprobe_for", lambda nlist: nlist)
    try:
        large = _store(tmp_path_factory.mktemp("large"), passages, embedder).load_best()
    finally:
        patch.undo()
    return embedder, exact, large


def test_large_index_is_a_graph_or_an_inverted_file(both):
    _, exact, large = both
    assert exact.dense.exact and exact.dense.kind == "Flat"
    assert not large.dense.exact and large.dense.kind in ("Proj16,HNSW32", "HNSW32", "IVF4,Flat")


@pytest.mark.parametrize(
    "question",
    ["Hva gjør kommunen for ungdommen og idretten?", "Hvordan blir boliger og veier bedre?"],
)
def test_candidates_covering_every_passage_rank_exactly_as_scoring_every_passage(both, question):
    embedder, exact, large = both
    settings = Settings(candidates=400)  # more than the 300 passages
    results = []
    for loaded in (exact, large):
        query = analyse(question, loaded.lexical, load_glossary())
        retriever = Retriever(loaded, embedder, settings)
        results.append(retriever.rank(query, 10, embedder.encode_queries(query.dense_texts)))
    small, big = results
    assert [h.index for h in big.hits] == [h.index for h in small.hits]
    every_bm25 = exact.lexical.scores(query.bm25_terms, query.bm25_weights)
    for a, b in zip(small.hits, big.hits, strict=True):
        assert a.dense_rank == b.dense_rank
        # Passages with equal BM25 scores may come in another order: a rank within the tie.
        assert 1 + np.sum(every_bm25 > b.bm25) <= b.bm25_rank <= np.sum(every_bm25 >= b.bm25)
        assert np.isclose(a.dense, b.dense, atol=1e-5) and np.isclose(a.bm25, b.bm25)
    assert np.isclose(small.best_dense, big.best_dense, atol=1e-5)


def test_hits_found_by_one_ranking_get_their_exact_score_from_the_other(both):
    embedder, exact, large = both
    query = analyse("Hva gjør kommunen for klimaet og naturen?", large.lexical, load_glossary())
    qvecs = embedder.encode_queries(query.dense_texts)
    ranking = Retriever(large, embedder, Settings(candidates=5)).rank(query, 10, qvecs)
    full = Retriever(exact, embedder, Settings())
    every_dense = full.dense_scores(query, qvecs).values
    every_bm25 = full.lexical_scores(query).values
    assert any(h.dense_rank == 0 or h.bm25_rank == 0 for h in ranking.hits)
    for h in ranking.hits:
        assert np.isclose(h.dense, every_dense[h.index], atol=1e-5)
        assert np.isclose(h.bm25, every_bm25[h.index])


def test_sentence_scores_of_some_passages_are_theirs_among_all(both):
    embedder, exact, _ = both
    q = embedder.encode_queries(["ungdommen og idretten"])[0]
    every = exact.sentence_scores(q)
    among = np.array([299, 0, 17, 150, 151, 3])
    np.testing.assert_allclose(exact.sentence_scores(q, among), every[among], rtol=1e-6)
    assert exact.sentence_scores(q, np.zeros(0, dtype=np.int64)).size == 0


def _threads_of_bm25(monkeypatch, loaded) -> list[str]:
    """Names of the threads that run BM25's work on ``loaded`` from now on."""
    names: list[str] = []
    lexical = loaded.lexical
    for method in ("top", "scores_of"):
        original = getattr(lexical, method)

        def recorded(*args, _original=original, **kwargs):
            names.append(threading.current_thread().name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(lexical, method, recorded)
    return names


def test_the_rankings_overlap_in_two_threads_with_the_same_result(both, monkeypatch):
    embedder, exact, large = both
    query = analyse("Hva gjør kommunen for ungdommen og idretten?", large.lexical, load_glossary())
    qvecs = embedder.encode_queries(query.dense_texts)
    names = _threads_of_bm25(monkeypatch, large)
    rankings = {}
    for parallel in (True, False):
        settings = Settings(candidates=20, parallel_rankings=parallel)
        rankings[parallel] = Retriever(large, embedder, settings).rank(query, 10, qvecs)
    assert rankings[True] == rankings[False] and rankings[True].hits
    main = threading.current_thread().name
    # BM25's top in the helper thread, the BM25 scores of the dense hits in this one; then
    # both in this one.
    assert len(names) == 4 and names[1:] == [main, main, main]
    assert names[0] != main and names[0].startswith("bm25")
    exact_names = _threads_of_bm25(monkeypatch, exact)
    Retriever(exact, embedder, Settings()).rank(query, 10, qvecs)
    assert set(exact_names) <= {main}  # a small index: one thread, no helper


def test_an_error_in_the_helper_thread_reaches_the_question(both, monkeypatch):
    embedder, _, large = both
    query = analyse("Hvordan blir boliger og veier bedre?", large.lexical, load_glossary())

    def broken(*args, **kwargs):
        raise OSError("lest feil")

    monkeypatch.setattr(large.lexical, "top", broken)
    for parallel in (True, False):
        retriever = Retriever(large, embedder, Settings(parallel_rankings=parallel))
        with pytest.raises(OSError, match="lest feil"):
            retriever.rank(query, 10, embedder.encode_queries(query.dense_texts))


def test_a_forked_process_starts_its_own_helper_thread(monkeypatch):
    first = retrieval.helper_thread()
    assert retrieval.helper_thread() is first
    monkeypatch.setattr(retrieval.os, "getpid", lambda: -1)  # as in a child after fork
    assert retrieval.helper_thread() is not first
