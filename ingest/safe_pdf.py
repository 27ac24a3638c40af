"""Parse a PDF in a child process with a time limit and a memory limit.

One hostile file (a decompression bomb, a page-tree loop, a parser bug) must not take the
ingest run or the server down with it. The child only imports pypdf (via ingest.pdf_reader).
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import queue
import resource
import time
from pathlib import Path

from ingest.errors import IngestError, Reason
from ingest.models import RawDocument

log = logging.getLogger(__name__)


def classify_exception(exc: BaseException) -> Reason:
    """The Norwegian reason for an exception pypdf (or anything under it) raised."""
    name = type(exc).__name__
    if isinstance(exc, IngestError):
        return exc.reason
    if isinstance(exc, MemoryError) or name == "LimitReachedError":
        return Reason.BOMB
    if name in ("FileNotDecryptedError", "WrongPasswordError", "DependencyError"):
        return Reason.ENCRYPTED
    if isinstance(exc, RecursionError) or "cyclic page" in str(exc).lower():
        return Reason.BAD_PAGE_TREE
    if name == "EmptyFileError":
        return Reason.EMPTY
    return Reason.DAMAGED


def _child(path: str, max_pages: int, memory_mb: int, out) -> None:  # pragma: no cover - child
    try:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass
    try:
        from ingest.pdf_reader import read_pdf

        out.put(("ok", read_pdf(Path(path), max_pages)))
    except BaseException as exc:  # everything becomes a reason
        out.put(("error", classify_exception(exc).value, f"{type(exc).__name__}: {exc}"[:500]))


def read_pdf_safely(path: Path, *, max_pages: int, timeout_s: float, memory_mb: int) -> RawDocument:
    ctx = mp.get_context("spawn")
    out = ctx.Queue(maxsize=1)
    proc = ctx.Process(target=_child, args=(str(path), max_pages, memory_mb, out), daemon=True)
    proc.start()
    result = None
    deadline = time.monotonic() + timeout_s
    try:
        while result is None and time.monotonic() < deadline:
            try:
                result = out.get(timeout=0.05)
            except queue.Empty:
                if not proc.is_alive():
                    try:  # the child may have exited right after putting its result
                        result = out.get(timeout=0.2)
                    except queue.Empty:
                        break
    finally:
        proc.join(timeout=1)
        if proc.is_alive():
            proc.kill()
            proc.join()
    if result is None:
        if time.monotonic() >= deadline:
            raise IngestError(Reason.TIMEOUT, f"no result within {timeout_s} s")
        # Killed by the memory limit or a crash in native code.
        raise IngestError(
            Reason.BOMB if proc.exitcode == -9 else Reason.DAMAGED,
            f"parser exited with {proc.exitcode}",
        )
    if result[0] == "ok":
        return result[1]
    _, reason, detail = result
    log.info("pdf %s refused: %s (%s)", path.name, reason, detail)
    raise IngestError(Reason(reason), detail)
