"""Load on POST /api/ask: N concurrent clients for D seconds against a real uvicorn server on the
sample plans (real model, real FAISS). Prints throughput, latency percentiles and errors.

    .venv/bin/python bench/load.py [--duration 60] [--clients 32] [--url http://host:port]
                                   [--ingest-at 20]

Without --url it builds an index of data/plans in a temporary directory and starts
`planassistent serve` on a free port (rate limit raised: every client is 127.0.0.1).
--ingest-at S runs `planassistent ingest` of a new plan S seconds in, to measure ingest under
load. Target: 0 errors (any status other than 200, or a failed connection).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from sample_questions import QUESTIONS  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "assistant.cli"]
EXTRA_PLAN = (
    "# Testplan for last\n\n## Bibliotek\n\n"
    "Biblioteket i Testvik får lengre åpningstider og flere arrangementer for barn.\n"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def client(
    http: httpx.AsyncClient, n: int, until: float, times: list[float], outcomes: Counter
) -> None:
    i = n
    while time.monotonic() < until:
        question = QUESTIONS[i % len(QUESTIONS)]
        i += 1
        start = time.perf_counter()
        try:
            r = await http.post("/api/ask", json={"question": question})
            outcomes[r.status_code] += 1
            if r.status_code == 200:
                outcomes[f"version {r.json()['index_version']}"] += 1
        except httpx.HTTPError as exc:
            outcomes[type(exc).__name__] += 1
            continue
        times.append((time.perf_counter() - start) * 1000)


async def run_load(url: str, clients: int, duration: float, on_tick=None) -> tuple[list, Counter]:
    times: list[float] = []
    outcomes: Counter = Counter()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
        until = time.monotonic() + duration
        tasks = [
            asyncio.create_task(client(http, n, until, times, outcomes)) for n in range(clients)
        ]
        if on_tick:
            tasks.append(asyncio.create_task(on_tick()))
        await asyncio.gather(*tasks)
    return times, outcomes


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise SystemExit("the server did not start")
        time.sleep(0.5)
    server.kill()
    raise SystemExit("the server did not answer /healthz in time")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--url")
    parser.add_argument("--ingest-at", type=float, default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        server = None
        env = dict(os.environ)
        url = args.url
        if url is None:
            env.update(
                PLAN_INDEX_DIR=str(Path(tmp) / "index"),
                PLAN_DOCS_DIR=str(ROOT / "data" / "plans"),
                PLAN_RATE_LIMIT_PER_MINUTE="1000000",
            )
            print("building the index of data/plans …", flush=True)
            subprocess.run([*CLI, "ingest"], cwd=ROOT, env=env, check=True, capture_output=True)
            port = free_port()
            server = start_server(env, port)
            url = f"http://127.0.0.1:{port}"

        async def ingest_later() -> None:
            if args.ingest_at is None or args.url:
                return
            await asyncio.sleep(args.ingest_at)
            extra = Path(tmp) / "ekstra.md"
            extra.write_text(EXTRA_PLAN, "utf-8")
            started = time.monotonic()
            proc = await asyncio.create_subprocess_exec(
                *CLI, "ingest", str(extra), cwd=ROOT, env=env,
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            await proc.wait()
            print(
                f"ingest under load: exit {proc.returncode} in {time.monotonic() - started:.1f} s"
            )

        try:
            for q in QUESTIONS:  # warm-up
                httpx.post(f"{url}/api/ask", json={"question": q}, timeout=30)
            print(
                f"{args.clients} clients for {args.duration:.0f} s on {url}/api/ask …", flush=True
            )
            started = time.monotonic()
            times, outcomes = asyncio.run(run_load(url, args.clients, args.duration, ingest_later))
            elapsed = time.monotonic() - started
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)

    ok = outcomes.get(200, 0)
    errors = sum(v for k, v in outcomes.items() if not str(k).startswith("version") and k != 200)
    times.sort()
    pct = statistics.quantiles(times, n=100) if len(times) > 1 else [0.0] * 99
    print(f"requests      {ok + errors}")
    print(f"throughput    {ok / elapsed:.1f} answers/s")
    print(f"latency ms    p50 {pct[49]:.0f}  p95 {pct[94]:.0f}  p99 {pct[98]:.0f}")
    print(f"errors        {errors}  {dict((k, v) for k, v in outcomes.items() if k != 200)}")


if __name__ == "__main__":
    main()
