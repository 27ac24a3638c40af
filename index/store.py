"""The index on disk: versioned directories, a manifest with checksums, an atomic ``current``
pointer switched only after everything is fsynced, one writer at a time, and loading that never
serves a damaged version (it falls back to the newest good one).

Nothing read from disk is trusted: the manifest's shape is checked (types, required keys, a
checksum for every file of the version), as are the passages, documents and initiatives; any
failure makes the version "damaged"."""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from index.checksum import file_sha256
from index.dense import DenseIndex
from index.lexical import LexicalIndex
from ingest.models import Document, Initiative, Passage

log = logging.getLogger(__name__)

FORMAT = 1
CURRENT = "current"
LOCK = ".writer.lock"
FILES_DIR = "files"
NAME_SUFFIX = ".name"  # beside a stored original: the file name it was read in under
KEEP_VERSIONS = 3
SENTENCE_VECTORS = "sentence_vectors.npy"  # float16, one row per passage sentence
SENTENCE_STARTS = "sentence_starts.npy"  # the first sentence row of each passage
MANIFEST = "manifest.json"
# Files every version has (the BM25 library's own files are covered by "every file present").
REQUIRED_FILES = frozenset(
    {
        "passages.jsonl",
        "documents.json",
        "initiatives.json",
        "vectors.npy",
        "dense.faiss",
        "bm25/compound_vocabulary.json",
    }
)


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")


class _Counts(_Strict):
    documents: int = Field(ge=0)
    passages: int = Field(ge=0)
    initiatives: int = Field(ge=0)
    pages: int = Field(ge=0)


class _ManifestDocument(_Strict):
    document_id: str
    title: str
    file_name: str
    sha256: str


class Manifest(_Strict):
    """What ``manifest.json`` must hold (written by ``IndexStore.write_version``)."""

    format: Literal[1]
    version: str
    created: str
    model: str
    dimension: int = Field(gt=0)
    counts: _Counts
    documents: list[_ManifestDocument]
    checksums: dict[str, Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]]


_DOCUMENTS = TypeAdapter(list[Document])  # documents.json holds Document.meta() of each
_PASSAGE = TypeAdapter(Passage)
_INITIATIVES = TypeAdapter(list[Initiative])


class IndexError_(Exception):
    """Base class of index problems; ``message`` is Norwegian and says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NoIndex(IndexError_):
    pass


class DamagedIndex(IndexError_):
    pass


class ModelMismatch(IndexError_):
    pass


class WriterBusy(IndexError_):
    pass


@dataclass
class LoadedIndex:
    version: str
    path: Path
    manifest: dict[str, Any]
    passages: list[Passage]
    documents: dict[str, dict[str, Any]]
    initiatives: list[Initiative]
    vectors: np.ndarray
    dense: DenseIndex
    lexical: LexicalIndex
    # Sentence vectors (optional): row i belongs to passage sentence_starts' segment.
    sentence_vectors: np.ndarray | None = None
    sentence_starts: np.ndarray | None = None  # first sentence row of each passage

    def sentence_similarities(self, passage: int, query: np.ndarray) -> list[float] | None:
        """Cosine similarity of each sentence of one passage to the query vector."""
        if self.sentence_vectors is None or self.sentence_starts is None:
            return None
        first = int(self.sentence_starts[passage])
        last = (
            int(self.sentence_starts[passage + 1])
            if passage + 1 < len(self.sentence_starts)
            else len(self.sentence_vectors)
        )
        rows = np.asarray(self.sentence_vectors[first:last], dtype=np.float32)
        return [float(x) for x in rows @ np.asarray(query, dtype=np.float32)]

    def warm(self) -> None:
        """Compile the loops that retrieval over a large index runs (``index.kernels``) for
        this index's arrays, so that the first question does not wait for them."""
        self.lexical.warm()
        self.sentence_scores(np.zeros(self.dense.dimension, np.float32), np.zeros(0, np.int64))

    def sentence_scores(
        self, query: np.ndarray, among: np.ndarray | None = None
    ) -> np.ndarray | None:
        """Per passage, the cosine similarity of its best sentence to the query vector: of
        every passage, or of the passages ``among`` (positions, in that order)."""
        if self.sentence_vectors is None or self.sentence_starts is None:
            return None
        if len(self.sentence_vectors) == 0:
            return np.zeros(len(self.passages) if among is None else len(among), np.float32)
        q = np.asarray(query, dtype=np.float32)
        vectors = self.sentence_vectors
        if among is not None and vectors.dtype == np.float16:  # a large index: memory-mapped
            from index import kernels  # numba: imported by large indexes only (0.3 s)

            among = np.ascontiguousarray(among, dtype=np.int64)
            best = np.empty(len(among), dtype=np.float32)
            halves = vectors.view(np.ndarray).view(np.uint16)
            kernels.best_sentences(
                halves, self.sentence_starts, among, q, kernels.HALF_TO_FLOAT, best
            )
            return best
        if among is not None:  # only these passages' sentences are read
            among = np.asarray(among, dtype=np.int64)
            starts, following = self.sentence_starts, among + 1
            ends = np.where(
                following < len(starts),
                starts[np.minimum(following, len(starts) - 1)],
                len(vectors),
            )
            counts = ends - starts[among]
            offsets = np.cumsum(counts) - counts
            rows = np.repeat(starts[among] - offsets, counts) + np.arange(counts.sum())
            sims = np.asarray(vectors[rows], dtype=np.float32) @ q
            return np.maximum.reduceat(sims, offsets) if len(among) else sims
        sims = np.empty(len(vectors), dtype=np.float32)
        for start in range(0, len(vectors), 65536):  # float16 on disk, float32 arithmetic
            block = np.asarray(vectors[start : start + 65536], dtype=np.float32)
            sims[start : start + len(block)] = block @ q
        return np.maximum.reduceat(sims, self.sentence_starts)


def _sentences_fit(vectors: np.ndarray, starts: np.ndarray | None, passages: int, dim: int) -> bool:
    """Sentence vectors of the right shape, each passage with at least one sentence."""
    if starts is None or vectors.ndim != 2 or vectors.shape[1] != dim or starts.ndim != 1:
        return False
    if len(starts) != passages:
        return False
    if passages == 0:
        return len(vectors) == 0
    return bool(starts[0] == 0 and np.all(np.diff(starts) > 0) and starts[-1] < len(vectors))


def _inside(rel: str) -> bool:
    """Is ``rel`` a plain relative path inside a version directory (no "..", not absolute)?"""
    path = PurePosixPath(rel)
    return bool(rel) and not path.is_absolute() and ".." not in path.parts and "\\" not in rel


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            with open(os.path.join(dirpath, name), "rb") as f:
                os.fsync(f.fileno())
        _fsync_dir(Path(dirpath))


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")


class IndexStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # -- reading ---------------------------------------------------------------------------
    def current_version(self) -> str | None:
        try:
            name = (self.root / CURRENT).read_text("utf-8").strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return name or None

    def versions(self) -> list[str]:
        """All complete version directories, newest first."""
        if not self.root.is_dir():
            return []
        names = [
            p.name
            for p in self.root.iterdir()
            if p.is_dir() and p.name.startswith("v-") and (p / "manifest.json").is_file()
        ]
        return sorted(names, reverse=True)

    def stored_files(self) -> dict[Path, str | None]:
        """The original files kept under ``files/`` (named by their SHA-256), each with the
        name it was read in under when that was recorded."""
        directory = self.root / FILES_DIR
        found: dict[Path, str | None] = {}
        for path in sorted(directory.glob("*")) if directory.is_dir() else []:
            if not path.is_file() or path.name.endswith((".tmp", NAME_SUFFIX)):
                continue
            label = path.with_name(path.name + NAME_SUFFIX)
            found[path] = (label.read_text("utf-8").strip() or None) if label.is_file() else None
        return found

    def last_known_documents(self) -> tuple[dict[str, str], float | None]:
        """SHA-256 → file name of the documents in the newest version whose manifest can still
        be read (even if the version is damaged), and when that manifest was written."""
        for version in self.versions():
            path = self.root / version / MANIFEST
            try:
                manifest = json.loads(path.read_text("utf-8"))
                documents = manifest["documents"]
                names = {d["sha256"]: d["file_name"] for d in documents}
                if all(isinstance(k, str) and isinstance(v, str) for k, v in names.items()):
                    return names, path.stat().st_mtime
            except (OSError, ValueError, TypeError, KeyError, AttributeError):
                continue
        return {}, None

    def file_path(self, sha256: str, suffix: str) -> Path:
        return self.root / FILES_DIR / f"{sha256}{suffix}"

    def verify(self, version: str) -> dict[str, Any]:
        """The manifest of ``version`` if it has the right shape and every file of the version
        is present with its checksum, else raise DamagedIndex."""
        vdir = self.root / version
        try:
            manifest = json.loads((vdir / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise DamagedIndex(
                f"Indeksversjonen {version} mangler eller har skadet manifest."
            ) from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise DamagedIndex(
                f"Indeksversjonen {version} har et ukjent format. Bygg indeksen på nytt."
            )
        try:
            checksums = Manifest.model_validate(manifest).checksums
        except ValidationError as exc:
            fields = ", ".join(sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]}))
            raise DamagedIndex(
                f"Indeksversjonen {version} har et ugyldig manifest ({fields})."
            ) from exc
        present = {str(p.relative_to(vdir)) for p in vdir.rglob("*") if p.is_file()} - {MANIFEST}
        unchecked = sorted((REQUIRED_FILES | present) - set(checksums))
        if unchecked:
            raise DamagedIndex(
                f"Indeksversjonen {version} mangler sjekksum for {', '.join(unchecked[:3])}."
            )
        for rel, checksum in checksums.items():
            path = vdir / rel
            if (
                not _inside(rel)
                or not path.is_file()
                or path.is_symlink()
                or file_sha256(path) != checksum
            ):
                raise DamagedIndex(f"Indeksversjonen {version} er skadet ({rel}).")
        return manifest

    def load(
        self, version: str, *, model: str | None = None, dimension: int | None = None
    ) -> LoadedIndex:
        manifest = self.verify(version)
        if model is not None and (manifest["model"] != model or manifest["dimension"] != dimension):
            raise ModelMismatch(
                f"Indeksen er bygd med modellen «{manifest['model']}» ({manifest['dimension']} "
                f"dimensjoner), men tjenesten bruker «{model}» ({dimension} dimensjoner). "
                "Kjør «planassistent ingest» på nytt for å bygge indeksen med denne modellen."
            )
        vdir = self.root / version
        try:
            with (vdir / "passages.jsonl").open(encoding="utf-8") as f:
                passages = [_PASSAGE.validate_json(line) for line in f if line.strip()]
            documents = json.loads((vdir / "documents.json").read_text("utf-8"))
            _DOCUMENTS.validate_python(documents)
            initiatives = _INITIATIVES.validate_json((vdir / "initiatives.json").read_bytes())
            # Memory-mapped: versions never change once written, and the workers of a server
            # share one copy in the page cache.
            vectors = np.load(vdir / "vectors.npy", mmap_mode="r", allow_pickle=False)
            dense = DenseIndex.load(vdir / "dense.faiss", vectors)
            lexical = LexicalIndex.load(vdir / "bm25")
            sentence_vectors = sentence_starts = None
            if (vdir / SENTENCE_VECTORS).is_file():
                sentence_vectors = np.load(
                    vdir / SENTENCE_VECTORS, mmap_mode="r", allow_pickle=False
                )
                if dense.exact:  # every sentence is scored (retrieval): float32 in memory
                    sentence_vectors = np.asarray(sentence_vectors, dtype=np.float32)
                sentence_starts = np.load(vdir / SENTENCE_STARTS, allow_pickle=False)
        except Exception as exc:  # any unreadable part means the version is not served
            raise DamagedIndex(f"Indeksversjonen {version} kunne ikke leses: {exc}") from exc
        by_id = {d["document_id"]: d for d in documents}
        if not (len(passages) == dense.size == lexical.size == len(vectors)):
            raise DamagedIndex(f"Indeksversjonen {version} er inkonsistent (antall passasjer).")
        if sentence_vectors is not None and not _sentences_fit(
            sentence_vectors, sentence_starts, len(passages), dense.dimension
        ):
            raise DamagedIndex(f"Indeksversjonen {version} er inkonsistent (setningsvektorer).")
        if any(p.document_id not in by_id for p in passages) or any(
            i.document_id not in by_id for i in initiatives
        ):
            raise DamagedIndex(f"Indeksversjonen {version} er inkonsistent (dokumenter).")
        loaded = LoadedIndex(
            version,
            vdir,
            manifest,
            passages,
            by_id,
            initiatives,
            vectors,
            dense,
            lexical,
            sentence_vectors,
            sentence_starts,
        )
        if not dense.exact:  # retrieval scores candidates: compiled loops (index.kernels)
            loaded.warm()
        return loaded

    def load_best(self, *, model: str | None = None, dimension: int | None = None) -> LoadedIndex:
        """The current version, or the newest good one when current is damaged."""
        current = self.current_version()
        candidates = ([current] if current else []) + [v for v in self.versions() if v != current]
        if not candidates:
            raise NoIndex("Det finnes ingen indeks ennå. Kjør «planassistent ingest» først.")
        problems: list[str] = []
        for version in candidates:
            try:
                loaded = self.load(version, model=model, dimension=dimension)
            except ModelMismatch:
                raise
            except DamagedIndex as exc:
                log.error("index version not served: %s", exc.message)
                problems.append(exc.message)
                continue
            if version != current:
                log.warning(
                    "serving older index version %s (current %s is damaged)", version, current
                )
            return loaded
        raise DamagedIndex(" ".join(problems) + " Kjør «planassistent ingest» for å bygge på nytt.")

    # -- writing ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def writer_lock(self) -> Iterator[None]:
        """One writer at a time across processes; a second writer gets WriterBusy at once."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise WriterBusy(
                    "En annen innlesing pågår allerede. Vent til den er ferdig og prøv igjen."
                ) from exc
            yield
        finally:
            os.close(fd)

    def store_file(self, source: Path, sha256: str, name: str | None = None) -> Path:
        """Keep the original file (content-addressed) so the reader can serve it, and the name
        it was read in under (``<file>.name``) so the index can be rebuilt from it."""
        target = self.file_path(sha256, source.suffix.lower())
        label = target.with_name(target.name + NAME_SUFFIX)
        if name and not label.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            label.write_text(name, "utf-8")
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".tmp")
            shutil.copyfile(source, tmp)
            with tmp.open("rb") as f:
                os.fsync(f.fileno())
            os.replace(tmp, target)
            _fsync_dir(target.parent)
        return target

    def write_version(
        self,
        *,
        passages: list[Passage],
        vectors: np.ndarray,
        documents: list[dict[str, Any]],
        initiatives: list[Initiative],
        lexical: LexicalIndex,
        model: str,
        dimension: int,
        extra: dict[str, Any] | None = None,
        sentence_vectors: np.ndarray | None = None,
        sentence_starts: np.ndarray | None = None,
    ) -> str:
        """Write a complete new version and switch ``current`` to it. Call inside writer_lock()."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        version = f"v-{stamp}"
        tmp = self.root / f".tmp-{version}-{os.getpid()}"
        tmp.mkdir(parents=True)
        try:
            with (tmp / "passages.jsonl").open("w", encoding="utf-8") as f:
                for p in passages:
                    f.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
            _write_json(tmp / "documents.json", documents)
            _write_json(tmp / "initiatives.json", [i.to_dict() for i in initiatives])
            np.save(tmp / "vectors.npy", np.asarray(vectors, dtype=np.float32), allow_pickle=False)
            DenseIndex.build(vectors).save(tmp / "dense.faiss")
            if sentence_vectors is not None and sentence_starts is not None:
                np.save(
                    tmp / SENTENCE_VECTORS,
                    np.asarray(sentence_vectors, dtype=np.float16),
                    allow_pickle=False,
                )
                np.save(
                    tmp / SENTENCE_STARTS,
                    np.asarray(sentence_starts, dtype=np.int64),
                    allow_pickle=False,
                )
            lexical.save(tmp / "bm25")
            files = sorted(p for p in tmp.rglob("*") if p.is_file())
            checksums = {str(p.relative_to(tmp)): file_sha256(p) for p in files}
            manifest = {
                "format": FORMAT,
                "version": version,
                "created": datetime.now(UTC).isoformat(),
                "model": model,
                "dimension": dimension,
                "counts": {
                    "documents": len(documents),
                    "passages": len(passages),
                    "initiatives": len(initiatives),
                    "pages": sum(len(d.get("pages", [])) for d in documents),
                },
                "documents": [
                    {k: d[k] for k in ("document_id", "title", "file_name", "sha256")}
                    for d in documents
                ],
                "checksums": checksums,
                **(extra or {}),
            }
            _write_json(tmp / "manifest.json", manifest)
            _fsync_tree(tmp)
            os.replace(tmp, self.root / version)
            _fsync_dir(self.root)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self._switch_current(version)
        self._prune(keep=version)
        return version

    def _switch_current(self, version: str) -> None:
        tmp = self.root / f".{CURRENT}.{os.getpid()}.tmp"
        with tmp.open("w", encoding="utf-8") as f:
            f.write(version + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.root / CURRENT)
        _fsync_dir(self.root)

    def _prune(self, keep: str) -> None:
        """Drop old versions beyond KEEP_VERSIONS and leftovers of crashed writers."""
        for old in self.versions()[KEEP_VERSIONS:]:
            if old != keep:
                shutil.rmtree(self.root / old, ignore_errors=True)
        # We hold the writer lock, so any temporary directory is a crashed writer's leftover.
        for leftover in self.root.glob(".tmp-v-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        for leftover in self.root.glob(f".{CURRENT}.*.tmp"):
            leftover.unlink(missing_ok=True)
