"""Parse a PDF in a child process with a time limit and a memory limit.

One hostile file (a decompression bomb, a page-tree loop, a parser bug) must not take the
ingest run or the server down with it. The child only imports pypdf (via ingest.pdf_reader).
"""

from __future__ import annotations

import logging
import os
import pickle
import resource
import subprocess
import sys
from pathlib import Path

from ingest.errors import IngestError, Reason
from ingest.models import RawDocument

log = logging.getLogger(__name__)
ROOT = str(Path(__file__).resolve().parents[1])


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


def _child_main(argv: list[str]) -> int:  # pragma: no cover - runs in the child process
    """``python -m ingest.safe_pdf PATH MAX_PAGES MEMORY_MB``: pickled result on stdout."""
    path, max_pages, memory_mb = argv[0], int(argv[1]), int(argv[2])
    try:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass
    try:
        from ingest.pdf_reader import read_pdf

        result: tuple = ("ok", read_pdf(Path(path), max_pages))
    except BaseException as exc:  # everything becomes a reason
        result = ("error", classify_exception(exc).value, f"{type(exc).__name__}: {exc}"[:500])
    sys.stdout.buffer.write(pickle.dumps(result))
    sys.stdout.flush()
    return 0


def read_pdf_safely(path: Path, *, max_pages: int, timeout_s: float, memory_mb: int) -> RawDocument:
    cmd = [sys.executable, "-m", "ingest.safe_pdf", str(path), str(max_pages), str(memory_mb)]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])),
    }
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout_s, env=env, check=False)
    except subprocess.TimeoutExpired as exc:
        raise IngestError(Reason.TIMEOUT, f"no result within {timeout_s} s") from exc
    try:
        result = pickle.loads(proc.stdout) if proc.stdout else None
    except Exception:  # a half-written result from a dying child
        result = None
    if result is None:
        # Killed by the memory limit or a crash in native code.
        reason = (
            Reason.BOMB
            if proc.returncode in (-9, 137) or b"MemoryError" in proc.stderr
            else Reason.DAMAGED
        )
        raise IngestError(reason, f"parser exited with {proc.returncode}")
    if result[0] == "ok":
        return result[1]
    _, reason, detail = result
    log.info("pdf %s refused: %s (%s)", path.name, reason, detail)
    raise IngestError(Reason(reason), detail)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_child_main(sys.argv[1:]))
