"""Ingest plan files and build a new index version (used by the CLI, the server and uploads).

Unchanged documents (same content hash) are not parsed again; unchanged passages reuse their
vectors. Files that cannot be read are skipped with a Norwegian reason; good files in the same
batch are still indexed, and the index already served is never touched until the new version is
complete. Files are parsed in parallel, one per core, each in a child process of its own with
the time and memory limits (``ingest.safe_parse``); texts are embedded longest first in batches
of similar length.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.settings import Settings
from index.checksum import file_sha256
from index.embedder import Embedder, length_batches, load_embedder
from index.lexical import LexicalIndex
from index.norwegian import build_vocabulary
from index.passage_text import embedding_text, lexical_text, sentence_texts
from index.store import IndexError_, IndexStore, LoadedIndex
from ingest.errors import IngestError, Reason
from ingest.file_checks import SUPPORTED_SUFFIXES, find_plan_files
from ingest.models import PARSER_VERSION, Document, Initiative, Passage

log = logging.getLogger(__name__)

EMBED_CHUNK = 256  # texts per progress step while embedding


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


class Deadline:
    """A time limit for a whole ingest (an upload); no limit when ``seconds`` is None."""

    def __init__(self, seconds: float | None) -> None:
        self.end = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> float | None:
        return None if self.end is None else max(0.0, self.end - time.monotonic())

    def expired(self) -> bool:
        return self.end is not None and time.monotonic() >= self.end

    def check(self) -> None:
        if self.expired():
            raise IngestError(Reason.TIMEOUT, "time limit of the ingest reached")


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Plan files under the given paths (directories are searched recursively), sorted; a
    path that does not exist is kept, so that the ingest says so."""
    found = find_plan_files(paths)
    return found.files + found.missing


def recovery_sources(settings: Settings) -> tuple[list[Path], dict[Path, str]]:
    """Every file the index knew, to rebuild it from when every version is damaged: the plan
    directory, the originals kept under the index's ``files/`` and the uploads, each once, with
    the name it was read in under (from the newest manifest that can still be read, or as
    recorded beside the original). Of files read in under the same name the newest is kept,
    as an upload replaces the document of the same name; a stored or uploaded file that the
    newest readable manifest no longer lists, and that is older than it, was replaced too."""
    store = IndexStore(settings.index_dir)
    known, written = store.last_known_documents()
    stored = store.stored_files()
    uploads = collect_files([settings.upload_dir]) if Path(settings.upload_dir).is_dir() else []
    newest: dict[str, tuple[float, Path]] = {}  # name → (modified, file)
    names: dict[Path, str] = {}
    seen: set[str] = set()
    plans = collect_files([settings.docs_dir])
    for path in [*plans, *stored, *uploads]:
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        sha, modified = file_sha256(path), path.stat().st_mtime
        replaced = path not in plans and known and sha not in known and modified <= (written or 0)
        if sha in seen or replaced:
            continue
        seen.add(sha)
        name = known.get(sha) or stored.get(path) or path.name
        if name not in newest or modified > newest[name][0]:
            newest[name] = (modified, path)
            names[path] = name
    files = sorted(path for _modified, path in newest.values())
    return files, {path: names[path] for path in files}


def read_document(
    path: Path, settings: Settings, file_name: str | None = None, timeout_s: float | None = None
) -> Document:
    """Parse one file into a Document with passages and initiatives; raises IngestError.

    The file's content is read in a child process with the parse time and memory limits
    (``ingest.safe_parse``). ``file_name`` is the name shown and slugged into the document id
    (default: the path's); ``timeout_s`` shortens the time limit."""
    from ingest.file_checks import sniff
    from ingest.reader import ReadJob
    from ingest.safe_parse import read_document_safely

    if not path.is_file():
        raise IngestError(Reason.NOT_FOUND, f"no such file: {path}")
    job = ReadJob(
        media_type=sniff(path, int(settings.max_file_mb * 1024 * 1024)),
        file_name=file_name or path.name,
        sha256=file_sha256(path),
        model_dir=settings.model_path(),
        max_pages=settings.max_pages,
        max_tokens=settings.passage_max_tokens,
        max_chars=settings.passage_max_chars,
        overlap_sentences=settings.passage_overlap_sentences,
    )
    limit = (
        settings.parse_timeout_s if timeout_s is None else min(timeout_s, settings.parse_timeout_s)
    )
    return read_document_safely(path, job, timeout_s=limit, memory_mb=settings.parse_memory_mb)


def _read(path: Path, settings: Settings, display: str, deadline: Deadline):
    """Parse one file: the Document, or the IngestError that refuses it."""
    try:
        deadline.check()
        return read_document(path, settings, display, timeout_s=deadline.remaining())
    except IngestError as exc:
        return exc
    except OSError as exc:
        return IngestError(Reason.UNREADABLE, str(exc))


def parse_files(
    jobs: list[tuple[Path, str]], settings: Settings, deadline: Deadline | None = None
) -> Iterator[tuple[Path, Document | IngestError]]:
    """Parse ``(path, display name)`` jobs, one at a time per core; results come in the order
    of ``jobs``. Every file is read in a child process of its own with the parse limits
    (``read_document``), so threads are enough to keep the cores busy. A refused file gives
    its IngestError."""
    deadline = deadline or Deadline(None)
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers <= 1:
        for path, name in jobs:
            yield path, _read(path, settings, name, deadline)
        return
    with ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(_read, path, settings, name, deadline) for path, name in jobs]
        for (path, _name), future in zip(jobs, futures, strict=True):
            yield path, future.result()


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
    time_limit_s: float | None = None,
) -> IngestReport:
    """Read ``paths`` (default: the docs directory) and write a new index version.

    Documents already indexed and not named again are kept unless ``replace`` is set.
    ``sources`` optionally maps a file to the display file name (uploads are stored under
    generated names). Raises store.WriterBusy when another writer holds the lock, and
    IngestError (TIMEOUT) when ``time_limit_s`` runs out before the new version is written:
    the work stops there, the lock is released and the index is left as it was.
    """
    deadline = Deadline(time_limit_s)
    store = IndexStore(settings.index_dir)
    report = IngestReport()
    files = collect_files(paths if paths is not None else [settings.docs_dir])
    with store.writer_lock():
        embedder = embedder or load_embedder(settings)
        previous = _previous(store, embedder)

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

        to_parse: list[tuple[Path, str]] = []
        for path in files:
            display = (sources or {}).get(path, path.name)
            try:
                sha = file_sha256(path) if path.is_file() else ""
            except OSError:
                sha = ""
            previous_meta = prev_by_sha[sha][0] if sha in prev_by_sha else {}
            if (
                sha
                and previous_meta.get("file_name") == display
                and previous_meta.get("parser_version", 0) == PARSER_VERSION
            ):
                meta, passages, inis = prev_by_sha[sha]
                docs_by_id[meta["document_id"]] = (meta, passages, inis)
                report.reused_documents.append(meta["document_id"])
            else:
                to_parse.append((path, display))

        results = parse_files(to_parse, settings, deadline)
        for i, (path, result) in enumerate(results, 1):
            if progress:
                progress(path.name, i, len(to_parse))
            if isinstance(result, IngestError):
                if result.reason == Reason.TIMEOUT and deadline.expired():
                    raise result  # the whole ingest ran out of time: stop, keep the index
                report.skipped.append(Skipped(path, result.reason, result.message))
                log.info("skipped %s: %s (%s)", path.name, result.reason, result.detail)
                continue
            doc = result
            store.store_file(path, doc.sha256, doc.file_name)
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

        from ingest.tokens import model_token_counter

        count_tokens = model_token_counter(settings.model_path())
        vectors, sentence_vectors, sentence_starts = _vectors_for(
            passages, embedder, previous, report, progress, deadline, count_tokens
        )
        deadline.check()
        vocabulary = build_vocabulary(lexical_text(p) for p in passages)
        lexical = LexicalIndex.build(
            [lexical_text(p) for p in passages], vocabulary, settings.bm25_k1, settings.bm25_b
        )
        deadline.check()
        report.version = store.write_version(
            passages=passages,
            vectors=vectors,
            documents=metas,
            initiatives=initiatives,
            lexical=lexical,
            model=embedder.name,
            dimension=embedder.dimension,
            extra={"runtime": getattr(embedder, "runtime", "")},
            sentence_vectors=sentence_vectors,
            sentence_starts=sentence_starts,
        )
        report.documents = len(metas)
        report.pages = sum(len(m["pages"]) for m in metas)
        report.passages = len(passages)
        report.initiatives = len(initiatives)
    return report


def embed_passages(
    texts: list[str],
    embedder: Embedder,
    count_tokens: Callable[[str], int],
    progress: Callable[[str, int, int], None] | None = None,
    deadline: Deadline | None = None,
) -> np.ndarray:
    """Passage vectors of ``texts`` in their order, embedded longest first in chunks of
    similar length (little padding), reporting progress after each chunk."""
    out = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    done = 0
    for chunk in length_batches([count_tokens(t) for t in texts], EMBED_CHUNK):
        if deadline is not None:
            deadline.check()
        out[chunk] = embedder.encode_passages([texts[i] for i in chunk])
        done += len(chunk)
        if progress:
            progress("embedding", done, len(texts))
    return out


def _vectors_for(passages, embedder, previous, report, progress, deadline, count_tokens):
    """Passage vectors, sentence vectors and where each passage's sentences start. Texts the
    previous version already embedded keep their vectors; the others are embedded longest
    first, so every batch holds texts of about the same length (little padding)."""
    known: dict[str, np.ndarray] = {}
    if previous is not None:
        for p, v in zip(previous.passages, previous.vectors, strict=True):
            known[embedding_text(p)] = v
        if previous.sentence_vectors is not None and previous.sentence_starts is not None:
            ends = [*previous.sentence_starts[1:], len(previous.sentence_vectors)]
            for j, p in enumerate(previous.passages):
                first, end = int(previous.sentence_starts[j]), int(ends[j])
                texts = sentence_texts(p)
                if len(texts) != end - first:  # split another way when it was written
                    continue
                for n, text in enumerate(texts):
                    known[text] = np.asarray(previous.sentence_vectors[first + n], np.float32)
    texts = [embedding_text(p) for p in passages]
    sentences: list[str] = []
    starts = np.zeros(len(passages), dtype=np.int64)
    for j, p in enumerate(passages):
        starts[j] = len(sentences)
        sentences.extend(sentence_texts(p))
    everything = texts + sentences
    missing = list(dict.fromkeys(t for t in everything if t not in known))
    vectors = embed_passages(missing, embedder, count_tokens, progress, deadline)
    known.update(zip(missing, vectors, strict=True))
    report.embedded = len(missing)
    report.reused_vectors = len(everything) - len(missing)

    def stack(items: list[str]) -> np.ndarray:
        if not items:
            return np.zeros((0, embedder.dimension), dtype=np.float32)
        return np.stack([known[t] for t in items]).astype(np.float32)

    return stack(texts), stack(sentences), starts
