"""The ingest pipeline as the server and uploads call it: a path that does not exist is skipped
as missing (not as a damaged file), and good files in the same ingest are still read."""

from __future__ import annotations


def test_a_missing_file_is_reported_as_missing(tmp_path):
    from assistant.pipeline import build_index
    from assistant.settings import Settings
    from index.embedder import FakeEmbedder
    from ingest.errors import Reason

    good = tmp_path / "plan.md"
    good.write_text("# Boligplan\n\n## Mål\n\nKommunen bygger boliger.\n", "utf-8")
    settings = Settings(index_dir=tmp_path / "index")
    report = build_index(settings, [good, tmp_path / "borte.pdf"], embedder=FakeEmbedder())
    assert report.new_documents == ["plan"]
    [skipped] = report.skipped
    assert skipped.path.name == "borte.pdf" and skipped.reason == Reason.NOT_FOUND
    assert "finnes ikke" in skipped.message


def test_a_document_cut_by_an_older_parser_is_parsed_again(tmp_path, monkeypatch):
    import assistant.pipeline as pipeline
    from assistant.settings import Settings
    from index.embedder import FakeEmbedder

    plan = tmp_path / "plan.md"
    plan.write_text("# Boligplan\n\n## Mål\n\nKommunen bygger boliger.\n", "utf-8")
    settings = Settings(index_dir=tmp_path / "index")
    pipeline.build_index(settings, [plan], embedder=FakeEmbedder())
    again = pipeline.build_index(settings, [plan], embedder=FakeEmbedder())
    assert again.reused_documents == ["plan"] and again.new_documents == []
    monkeypatch.setattr(pipeline, "PARSER_VERSION", pipeline.PARSER_VERSION + 1)
    newer = pipeline.build_index(settings, [plan], embedder=FakeEmbedder())
    assert newer.reused_documents == [] and newer.new_documents == ["plan"]


def test_sentence_vectors_are_not_reused_when_sentences_are_split_another_way(
    tmp_path, monkeypatch
):
    import assistant.pipeline as pipeline
    from assistant.settings import Settings
    from index.embedder import FakeEmbedder
    from index.store import IndexStore

    plan = tmp_path / "plan.md"
    plan.write_text("# Boligplan\n\n## Mål\n\nKommunen bygger boliger. Fylket hjelper.\n", "utf-8")
    settings = Settings(index_dir=tmp_path / "index")
    pipeline.build_index(settings, [plan], embedder=FakeEmbedder())
    # A newer version splits every passage into one sentence more than the index had.
    split = pipeline.sentence_texts
    monkeypatch.setattr(pipeline, "sentence_texts", lambda p: [*split(p), "Én setning til."])
    pipeline.build_index(settings, [plan], embedder=FakeEmbedder(), replace=True)
    store = IndexStore(settings.index_dir)
    loaded = store.load(store.current_version())
    texts = [t for p in loaded.passages for t in pipeline.sentence_texts(p)]
    assert len(loaded.sentence_vectors) == len(texts)
    fake = FakeEmbedder()
    for text, vector in zip(texts, loaded.sentence_vectors, strict=True):
        assert float(vector @ fake.encode_passages([text])[0]) > 0.999  # its own text's vector
