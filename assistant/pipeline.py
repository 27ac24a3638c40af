"""Ingest plan files and build a new index version (used by the CLI, the server and uploads).

Unchanged documents (same content hash) are not parsed again; unchanged passages reuse their
vectors. Files that cannot be read are skipped with a Norwegian reason; good files in the same
batch are still indexed, and the index already served is never touched until the new version is
complete.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.settings import Settings
from index.embedder import Embedder, load_embedder
from index.lexical import LexicalIndex
from index.norwegian import build_vocabulary
from index.passage_text import embedding_text, lexical_text, sentence_texts
from index.store import IndexError_, IndexStore, LoadedIndex
from ingest.errors import IngestError, Reason
from ingest.models import Document, Initiative, Passage

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = {".pdf", ".txt", ".md", ".markdown"}


@dataclass
class Skipped:
    path: Path
    reason: Reason
    message: str


@dataclass
class IngestReport:
    version: str | None = None
    documents: int = 0
    pages: int = 0
    passages: int = 0
    initiatives: int = 0
    new_documents: list[str] = field(default_factory=list)
    reused_documents: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    embedded: int = 0
    reused_vectors: int = 0

    @property
    def ingested_anything(self) -> bool:
        return bool(self.new_documents or self.reused_documents)


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Plan files under the given paths (directories are searched recursively), sorted."""
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not p.name.startswith(".")
            )
        else:
            files.append(path)
    return files


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_document(
    path: Path, settings: Settings, count_tokens, file_name: str | None = None
) -> Document:
    """Parse one file into a Document with passages and initiatives; raises IngestError.

    ``file_name`` is the name shown and slugged into the document id (default: the path's)."""
    from ingest.document_builder import build_document
    from ingest.file_checks import sniff
    from ingest.initiatives import extract_initiatives
    from ingest.safe_pdf import read_pdf_safely
    from ingest.text_reader import read_markdown, read_text

    if not path.is_file():
        raise IngestError(Reason.UNREADABLE, f"no such file: {path}")
    media_type = sniff(path, int(settings.max_file_mb * 1024 * 1024))
    if media_type == "application/pdf":
        raw = read_pdf_safely(
            path,
            max_pages=settings.max_pages,
            timeout_s=settings.parse_timeout_s,
            memory_mb=settings.parse_memory_mb,
        )
    elif media_type == "text/markdown":
        raw = read_markdown(path)
    else:
        raw = read_text(path)
    doc, blocks = build_document(
        raw,
        file_name=file_name or path.name,
        sha256=file_sha256(path),
        media_type=media_type,
        count_tokens=count_tokens,
        max_tokens=settings.passage_max_tokens,
        max_chars=settings.passage_max_chars,
        overlap_sentences=settings.passage_overlap_sentences,
    )
    if not doc.passages:
        raise IngestError(Reason.NO_TEXT, "no passages")
    doc.initiatives = extract_initiatives(doc.document_id, blocks)
    link_initiative_passages(doc)
    return doc


def link_initiative_passages(doc: Document) -> None:
    """Point each initiative at the first passage of its own section (ids may repeat)."""
    for ini in doc.initiatives:
        for p in doc.passages:
            if p.initiative == ini.id and p.section.endswith(ini.title) and p.page >= ini.page:
                ini.passage_id = p.passage_id
                break


def _previous(store: IndexStore, embedder: Embedder) -> LoadedIndex | None:
    try:
        return store.load_best(model=embedder.name, dimension=embedder.dimension)
    except IndexError_:
        return None


def build_index(
    settings: Settings,
    paths: Iterable[Path] | None = None,
    *,
    embedder: Embedder | None = None,
    replace: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    sources: dict[Path, str] | None = None,
) -> IngestReport:
    """Read ``paths`` (default: the docs directory) and write a new index version.

    Documents already indexed and not named again are kept unless ``replace`` is set.
    ``sources`` optionally maps a file to the display file name (uploads are stored under
    generated names). Raises store.WriterBusy when another writer holds the lock.
    """
    from ingest.tokens import model_token_counter

    store = IndexStore(settings.index_dir)
    report = IngestReport()
    files = collect_files(paths if paths is not None else [settings.docs_dir])
    with store.writer_lock():
        embedder = embedder or load_embedder(settings)
        previous = _previous(store, embedder)
        count_tokens = model_token_counter(settings.model_path())

        docs_by_id: dict[str, tuple[dict, list[Passage], list[Initiative]]] = {}
        if previous and not replace:
            for p in previous.passages:
                docs_by_id.setdefault(p.document_id, (previous.documents[p.document_id], [], []))[
                    1
                ].append(p)
            for ini in previous.initiatives:
                if ini.document_id in docs_by_id:
                    docs_by_id[ini.document_id][2].append(ini)
        prev_by_sha = {}
        if previous:
            for p in previous.passages:
                meta = previous.documents[p.document_id]
                prev_by_sha.setdefault(meta["sha256"], (meta, [], []))[1].append(p)
            for ini in previous.initiatives:
                meta = previous.documents[ini.document_id]
                if meta["sha256"] in prev_by_sha:
                    prev_by_sha[meta["sha256"]][2].append(ini)

        for i, path in enumerate(files, 1):
            if progress:
                progress(path.name, i, len(files))
            try:
                sha = file_sha256(path) if path.is_file() else ""
                display = (sources or {}).get(path, path.name)
                if sha and sha in prev_by_sha and prev_by_sha[sha][0]["file_name"] == display:
                    meta, passages, inis = prev_by_sha[sha]
                    docs_by_id[meta["document_id"]] = (meta, passages, inis)
                    report.reused_documents.append(meta["document_id"])
                    continue
                doc = read_document(path, settings, count_tokens, file_name=display)
            except IngestError as exc:
                report.skipped.append(Skipped(path, exc.reason, exc.message))
                log.info("skipped %s: %s (%s)", path.name, exc.reason, exc.detail)
                continue
            except OSError as exc:
                report.skipped.append(
                    Skipped(path, Reason.UNREADABLE, IngestError(Reason.UNREADABLE).message)
                )
                log.info("skipped %s: %s", path.name, exc)
                continue
            store.store_file(path, doc.sha256)
            meta = doc.meta()
            meta["stored_suffix"] = path.suffix.lower()
            docs_by_id[doc.document_id] = (meta, doc.passages, doc.initiatives)
            report.new_documents.append(doc.document_id)
            report.warnings.extend(f"{path.name}: {w}" for w in doc.warnings)

        if not report.ingested_anything:
            return report

        metas, passages, initiatives = [], [], []
        for doc_id in sorted(docs_by_id):
            meta, ps, inis = docs_by_id[doc_id]
            metas.append(meta)
            passages.extend(ps)
            initiatives.extend(inis)

        vectors, sentence_vectors, sentence_starts = _vectors_for(
            passages, embedder, previous, report, progress
        )
        vocabulary = build_vocabulary(lexical_text(p) for p in passages)
        lexical = LexicalIndex.build([lexical_text(p) for p in passages], vocabulary)
        report.version = store.write_version(
            passages=passages,
            vectors=vectors,
            documents=metas,
            initiatives=initiatives,
            lexical=lexical,
            model=embedder.name,
            dimension=embedder.dimension,
            sentence_vectors=sentence_vectors,
            sentence_starts=sentence_starts,
        )
        report.documents = len(metas)
        report.pages = sum(len(m["pages"]) for m in metas)
        report.passages = len(passages)
        report.initiatives = len(initiatives)
    return report


def _vectors_for(passages, embedder, previous, report, progress):
    """Passage vectors, sentence vectors and where each passage's sentences start. Texts the
    previous version already embedded keep their vectors."""
    known: dict[str, np.ndarray] = {}
    if previous is not None:
        for p, v in zip(previous.passages, previous.vectors, strict=True):
            known[embedding_text(p)] = v
        if previous.sentence_vectors is not None and previous.sentence_starts is not None:
            for j, p in enumerate(previous.passages):
                first = int(previous.sentence_starts[j])
                for n, text in enumerate(sentence_texts(p)):
                    known[text] = np.asarray(previous.sentence_vectors[first + n], np.float32)
    texts = [embedding_text(p) for p in passages]
    sentences: list[str] = []
    starts = np.zeros(len(passages), dtype=np.int64)
    for j, p in enumerate(passages):
        starts[j] = len(sentences)
        sentences.extend(sentence_texts(p))
    everything = texts + sentences
    missing = list(dict.fromkeys(t for t in everything if t not in known))
    batch = 64
    for start in range(0, len(missing), batch):
        chunk = missing[start : start + batch]
        if progress:
            progress("embedding", start + len(chunk), len(missing))
        for text, vector in zip(chunk, embedder.encode_passages(chunk), strict=True):
            known[text] = vector
    report.embedded = len(missing)
    report.reused_vectors = len(everything) - len(missing)

    def stack(items: list[str]) -> np.ndarray:
        if not items:
            return np.zeros((0, embedder.dimension), dtype=np.float32)
        return np.stack([known[t] for t in items]).astype(np.float32)

    return stack(texts), stack(sentences), starts
