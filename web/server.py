"""`planassistent serve`: make sure there is an index (ingest the bundled plans when there is
none; rebuild from every source the index knew when every version is damaged), then run uvicorn
with PLAN_WORKERS worker processes (default: one per core), each loading the model and the index
itself; the server stops within a few seconds of SIGTERM even with requests still running."""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import shutil
import signal
import socket
import tempfile
import threading
import time

import uvicorn
from uvicorn.supervisors import Multiprocess

from assistant.settings import Settings
from index.store import IndexError_, IndexStore

log = logging.getLogger(__name__)
SHUTDOWN_GRACE_S = 5  # requests still running this long after SIGTERM are cut off
PR_SET_PDEATHSIG = 1  # prctl(2)


def ensure_index(settings: Settings, embedder=None) -> None:
    store = IndexStore(settings.index_dir)
    try:
        store.load_best()
        return
    except IndexError_ as exc:
        problem = exc.message
    from assistant.pipeline import build_index, recovery_sources

    if not store.versions():
        print(
            f"Fant ingen indeks i {settings.index_dir}. Leser inn {settings.docs_dir} …", flush=True
        )
        report = build_index(settings, embedder=embedder)
    else:
        files, names = recovery_sources(settings)
        print(
            f"Alle versjonene av indeksen i {settings.index_dir} er skadet ({problem}) "
            f"Bygger den på nytt fra {len(files)} filer: planene i {settings.docs_dir}, "
            "originalene indeksen har lagret og opplastede planer …",
            flush=True,
        )
        report = build_index(settings, files, embedder=embedder, sources=names, replace=True)
    for skipped in report.skipped:
        print(f"Hoppet over {skipped.path.name}: {skipped.message}", flush=True)
    print(f"Ferdig: {report.documents} dokumenter, {report.passages} avsnitt.", flush=True)


class _Server(uvicorn.Server):
    """uvicorn waits SHUTDOWN_GRACE_S for running requests after SIGTERM; a request stuck in a
    worker thread after that does not keep the process alive."""

    def handle_exit(self, sig, frame) -> None:
        super().handle_exit(sig, frame)
        timer = threading.Timer(SHUTDOWN_GRACE_S + 3, os._exit, args=(0,))
        timer.daemon = True
        timer.start()


class _Workers(Multiprocess):
    """uvicorn's supervisor of worker processes. After SIGTERM each worker has SHUTDOWN_GRACE_S
    for its running requests; one still alive 3 s later (a request stuck in a thread) is killed.
    A worker that died is replaced by uvicorn, and its metrics that only count while it lives
    (the index gauges) are dropped."""

    def join_all(self) -> None:
        deadline = time.monotonic() + SHUTDOWN_GRACE_S + 3
        for worker in self.processes:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()

    def keep_subprocess_alive(self) -> None:
        before = {worker.pid for worker in self.processes}
        super().keep_subprocess_alive()
        from prometheus_client import multiprocess

        for pid in before - {worker.pid for worker in self.processes}:
            if pid is not None:
                multiprocess.mark_process_dead(pid)


def worker_count(settings: Settings) -> int:
    """PLAN_WORKERS, or one worker per CPU core this process may run on."""
    if settings.workers:
        return settings.workers
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _stop_with_parent() -> None:
    """A worker process gets SIGTERM when the server process dies, even by SIGKILL (Linux), so
    no worker is left serving on its own. (A single worker is the server process itself.)"""
    if multiprocessing.parent_process() is None:
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() == 1:  # the server died before this worker asked
        os.kill(os.getpid(), signal.SIGTERM)


def worker_app():
    """The app of one worker (uvicorn's app factory): settings from the environment, and the
    model and the index loaded, with one warm-up question, before the worker takes requests."""
    from tqdm import tqdm

    from web.app import create_app

    _stop_with_parent()
    # sentence-transformers opens a (disabled) tqdm bar per encode, and tqdm's default lock is a
    # named semaphore in a spawned worker, left behind when the worker stops.
    tqdm.set_lock(threading.RLock())
    app = create_app()
    assistant = app.state.assistant
    if assistant.index_version is None:
        print("Indeksen kan ikke brukes; søket svarer 503 til den er bygd på nytt.", flush=True)
    else:  # the first question through the model and the index is slow: not a user's
        assistant.respond("Hva er hovedmålet med planen?")
    return app


def serve(host: str, port: int, settings: Settings) -> None:
    """Serve with ``worker_count`` worker processes, each with one compute thread
    (PLAN_COMPUTE_THREADS) and the index version on disk. /metrics adds up the workers'
    figures, kept in a directory of this run that is removed when the server stops."""
    metrics_dir = tempfile.mkdtemp(prefix="planassistent-metrics-")
    # Read by prometheus_client when a worker imports it: set before any worker starts.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    # glibc gives every thread that allocates its own memory arena; two keep a worker's memory
    # ~60 MB smaller (bench/perf.py). Read when a worker process starts.
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")
    try:
        _serve(host, port, settings)
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)


def _serve(host: str, port: int, settings: Settings) -> None:
    if settings.allowed_hosts == ["*"]:
        print(
            "Merk: PLAN_ALLOWED_HOSTS er ikke satt, så tjenesten svarer på alle vertsnavn. "
            "Sett den til tjenestens vertsnavn i produksjon.",
            flush=True,
        )
    ensure_index(settings)
    settings.model_path()  # the default model is converted here once, not in every worker
    workers = worker_count(settings)
    config = uvicorn.Config(
        "web.server:worker_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,  # an access log line would hold the question (/?q=…)
        proxy_headers=False,  # web/app.py applies PLAN_FORWARDED_ALLOW_IPS itself
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
    )
    print(
        f"Planassistenten kjører på http://{host}:{port}/ "
        f"({workers} {'arbeidsprosess' if workers == 1 else 'arbeidsprosesser'}).",
        flush=True,
    )
    if workers == 1:
        _Server(config).run()
    else:
        # The port must be free (uvicorn says so when it is not): workers of another server
        # must never share it with ours.
        config.bind_socket().close()
        _Workers(config, sockets=[_OwnListener(host, port)]).run()


class _OwnListener:
    """Stands for the listening socket uvicorn hands each worker. Unpickled in the worker, it
    becomes a socket bound there with SO_REUSEPORT, so every worker has an accept queue of its
    own and Linux spreads new connections evenly over them; one socket shared by all workers
    gives the connections to whichever worker wakes first (16 clients connecting at once all
    landed on one of two workers). The socket is marked as TCP, so that asyncio sets
    TCP_NODELAY on its connections (uvicorn's ``bind_socket`` leaves ``proto`` 0,
    Kludex/uvicorn#3149, and every keep-alive request after the first then waits ~40 ms for
    the client's delayed ACK)."""

    def __init__(self, host: str, port: int) -> None:
        self.address = (host, port)

    def __reduce__(self):
        return _bind_own_listener, self.address


def _bind_own_listener(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock
