"""Read a plan file in a child process with a time limit and a memory limit, whatever its format.

One hostile file (a decompression bomb, a page-tree loop, a parser bug, text that makes the
splitter work hard) must not take the ingest run or the server down with it: the child does all
the work on the file's content (``ingest.reader``) and sends back the Document; it is killed when
it runs out of time, and exits when its parent dies.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import resource
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path

from ingest.errors import IngestError, Reason
from ingest.models import Document
from ingest.reader import ReadJob

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


def _exit_with_parent() -> None:  # pragma: no cover - runs in the child process
    """A child whose server was stopped (SIGTERM, kill -9) stops too."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _child_main(argv: list[str]) -> int:  # pragma: no cover - runs in the child process
    """``python -m ingest.safe_parse PATH MEMORY_MB JOB_JSON``: pickled result on stdout."""
    path, memory_mb, job = Path(argv[0]), int(argv[1]), ReadJob(**json.loads(argv[2]))
    _exit_with_parent()
    try:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass
    try:
        from ingest.reader import read_document

        result: tuple = ("ok", read_document(path, job))
    except BaseException as exc:  # everything becomes a reason
        result = ("error", classify_exception(exc).value, f"{type(exc).__name__}: {exc}"[:500])
    sys.stdout.buffer.write(pickle.dumps(result))
    sys.stdout.flush()
    return 0


def read_document_safely(path: Path, job: ReadJob, *, timeout_s: float, memory_mb: int) -> Document:
    """The Document read from ``path`` by a limited child process; raises IngestError."""
    cmd = [sys.executable, "-m", "ingest.safe_parse", str(path), str(memory_mb)]
    cmd.append(json.dumps(asdict(job)))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])),
        "TOKENIZERS_PARALLELISM": "false",
    }
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout_s, env=env, check=False)
    except subprocess.TimeoutExpired as exc:
        raise IngestError(Reason.TIMEOUT, f"no result within {timeout_s:.1f} s") from exc
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
    log.info("%s refused: %s (%s)", path.name, reason, detail)
    raise IngestError(Reason(reason), detail)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_child_main(sys.argv[1:]))
