import json
import os

import numpy as np
import pytest

from index.embedder import FakeEmbedder
from index.lexical import LexicalIndex
from index.norwegian import build_vocabulary
from index.store import DamagedIndex, IndexStore, ModelMismatch, NoIndex, WriterBusy
from ingest.models import Initiative, Passage


def _passages(texts, doc="plan"):
    return [
        Passage(f"p{i}", doc, "Planen", i + 1, "1 Innledning", t, 0, len(t))
        for i, t in enumerate(texts)
    ]


def _write(store, texts, embedder):
    passages = _passages(texts)
    vectors = embedder.encode_passages(texts)
    lexical = LexicalIndex.build(texts, build_vocabulary(texts))
    docs = [
        {
            "document_id": "plan",
            "title": "Planen",
            "file_name": "plan.pdf",
            "sha256": "x",
            "media_type": "application/pdf",
            "pages": texts,
        }
    ]
    ini = Initiative(
        "k1", "K1", "Tittel", "Tema", "Nivå", "Beskrivelse", ["NAV"], [], [], "kort sikt", "plan", 1
    )
    with store.writer_lock():
        return store.write_version(
            passages=passages,
            vectors=vectors,
            documents=docs,
            initiatives=[ini],
            lexical=lexical,
            model=embedder.name,
            dimension=embedder.dimension,
        )


TEXTS = ["Boligtilbud i distriktene", "Digital kompetanse for eldre", "Arbeidsliv for alle"]


def test_write_then_load_round_trips(tmp_path):
    store, emb = IndexStore(tmp_path), FakeEmbedder()
    version = _write(store, TEXTS, emb)
    assert store.current_version() == version
    loaded = store.load_best(model=emb.name, dimension=emb.dimension)
    assert [p.text for p in loaded.passages] == TEXTS
    assert loaded.initiatives[0].responsible == ["NAV"]
    manifest = json.loads((tmp_path / version / "manifest.json").read_text())
    assert manifest["counts"]["passages"] == 3 and manifest["model"] == emb.name
    assert all(len(c) == 64 for c in manifest["checksums"].values())
    scores = loaded.lexical.scores(loaded.lexical.query_terms("bolig"))
    assert int(np.argmax(scores)) == 0


def test_no_index_says_what_to_do(tmp_path):
    with pytest.raises(NoIndex, match="planassistent ingest"):
        IndexStore(tmp_path).load_best()


def test_damaged_current_falls_back_to_previous_good_version(tmp_path):
    store, emb = IndexStore(tmp_path), FakeEmbedder()
    old = _write(store, TEXTS, emb)
    new = _write(store, [*TEXTS, "Ny tekst om kultur"], emb)
    faiss_file = tmp_path / new / "dense.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:20])  # truncated FAISS file
    loaded = store.load_best(model=emb.name, dimension=emb.dimension)
    assert loaded.version == old


def test_missing_passage_store_is_detected(tmp_path):
    store, emb = IndexStore(tmp_path), FakeEmbedder()
    version = _write(store, TEXTS, emb)
    os.remove(tmp_path / version / "passages.jsonl")
    with pytest.raises(DamagedIndex):
        store.load(version)


def test_model_mismatch_is_refused_with_a_clear_message(tmp_path):
    store = IndexStore(tmp_path)
    _write(store, TEXTS, FakeEmbedder(dimension=64))
    other = FakeEmbedder(dimension=32, name="annen-modell")
    with pytest.raises(ModelMismatch, match="Kjør «planassistent ingest» på nytt"):
        store.load_best(model=other.name, dimension=other.dimension)


def test_second_writer_is_refused(tmp_path):
    store = IndexStore(tmp_path)
    with (
        store.writer_lock(),
        pytest.raises(WriterBusy, match="pågår allerede"),
        IndexStore(tmp_path).writer_lock(),
    ):
        pass


def test_old_versions_are_pruned_and_current_kept(tmp_path):
    store, emb = IndexStore(tmp_path), FakeEmbedder()
    versions = [_write(store, TEXTS, emb) for _ in range(5)]
    assert store.versions() == sorted(versions, reverse=True)[:3]
    assert store.current_version() == versions[-1]
