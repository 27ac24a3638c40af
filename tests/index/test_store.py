import hashlib
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


def _manifest(tmp_path, version):
    return json.loads((tmp_path / version / "manifest.json").read_text())


def _set_manifest(tmp_path, version, manifest):
    (tmp_path / version / "manifest.json").write_text(json.dumps(manifest))


def _without(mapping, *keys):
    return {k: v for k, v in mapping.items() if k not in keys}


DAMAGED_MANIFESTS = {
    "a list": lambda m: [],
    "only the format": lambda m: {"format": 1},
    "no checksums": lambda m: _without(m, "checksums"),
    "empty checksums": lambda m: {**m, "checksums": {}},
    "a file without checksum": lambda m: {
        **m,
        "checksums": _without(m["checksums"], "dense.faiss"),
    },
    "a BM25 file without checksum": lambda m: {
        **m,
        "checksums": _without(m["checksums"], "bm25/params.index.json"),
    },
    "a dimension as text": lambda m: {**m, "dimension": str(m["dimension"])},
    "documents not a list": lambda m: {**m, "documents": {"plan": {}}},
    "counts missing": lambda m: _without(m, "counts"),
    "a checksum that is not one": lambda m: {
        **m,
        "checksums": {**m["checksums"], "vectors.npy": "abc"},
    },
    "a path out of the version": lambda m: {
        **m,
        "checksums": {**m["checksums"], "../current": "0" * 64},
    },
}


@pytest.mark.parametrize("damage", DAMAGED_MANIFESTS)
def test_a_manifest_of_the_wrong_shape_is_damage_and_the_older_version_is_served(tmp_path, damage):
    store, emb = IndexStore(tmp_path), FakeEmbedder()
    old = _write(store, TEXTS, emb)
    new = _write(store, [*TEXTS, "Ny tekst om kultur"], emb)
    _set_manifest(tmp_path, new, DAMAGED_MANIFESTS[damage](_manifest(tmp_path, new)))
    with pytest.raises(DamagedIndex):
        store.verify(new)
    assert store.load_best(model=emb.name, dimension=emb.dimension).version == old


@pytest.mark.parametrize("damage", ["a list", "only the format", "no checksums"])
def test_with_every_version_damaged_loading_says_so(tmp_path, damage):
    store, emb = IndexStore(tmp_path), FakeEmbedder()
    version = _write(store, TEXTS, emb)
    _set_manifest(tmp_path, version, DAMAGED_MANIFESTS[damage](_manifest(tmp_path, version)))
    with pytest.raises(DamagedIndex, match="planassistent ingest"):
        store.load_best(model=emb.name, dimension=emb.dimension)


def _rewrite(tmp_path, version, name, content: str) -> None:
    """Replace a file of a version and its checksum: consistent on disk, wrong inside."""
    (tmp_path / version / name).write_text(content, "utf-8")
    manifest = _manifest(tmp_path, version)
    digest = hashlib.sha256(content.encode()).hexdigest()
    _set_manifest(
        tmp_path, version, {**manifest, "checksums": {**manifest["checksums"], name: digest}}
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("documents.json", "[1, 2]"),
        ("documents.json", '[{"document_id": "plan"}]'),
        ("initiatives.json", '[{"key": 3}]'),
        ("passages.jsonl", '{"passage_id": "p0", "page": "en"}\n'),
    ],
)
def test_content_of_the_wrong_shape_is_damage_too(tmp_path, name, content):
    store, emb = IndexStore(tmp_path), FakeEmbedder()
    old = _write(store, TEXTS, emb)
    new = _write(store, [*TEXTS, "Ny tekst om kultur"], emb)
    _rewrite(tmp_path, new, name, content)
    with pytest.raises(DamagedIndex):
        store.load(new)
    assert store.load_best(model=emb.name, dimension=emb.dimension).version == old


def test_stored_files_keep_the_name_they_were_read_in_under(tmp_path):
    store = IndexStore(tmp_path)
    source = tmp_path / "x.md"
    source.write_text("# Plan\n", "utf-8")
    stored = store.store_file(source, "a" * 64, "Boligplan for Testvik.md")
    assert store.stored_files() == {stored: "Boligplan for Testvik.md"}
