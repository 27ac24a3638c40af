"""POST /api/ask latency on the sample plans after warm-up: prints p50/p95/p99 in ms.

    .venv/bin/python bench/bench_api.py [--requests 200]

Runs the real app (real model, real FAISS) in-process through Starlette's TestClient, so the
figures are the service's own time without network. The sample questions repeat, so the answer
cache is off here: every request is answered anew. Target: p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sample_questions import QUESTIONS  # bench/ is on sys.path when run as a script


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from assistant.pipeline import build_index
    from assistant.service import Assistant
    from assistant.settings import Settings
    from index.embedder import load_embedder
    from web.app import create_app

    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            index_dir=Path(tmp),
            docs_dir=root / "data" / "plans",
            rate_limit_per_minute=100_000,
            answer_cache_size=0,
        )
        embedder = load_embedder(settings)
        build_index(settings, embedder=embedder)
        client = TestClient(create_app(settings, Assistant(settings, embedder=embedder)))
        for q in QUESTIONS:  # warm-up
            client.post("/api/ask", json={"question": q})
        times = []
        for i in range(args.requests):
            q = QUESTIONS[i % len(QUESTIONS)]
            start = time.perf_counter()
            r = client.post("/api/ask", json={"question": q})
            times.append((time.perf_counter() - start) * 1000)
            assert r.status_code == 200, r.text
    times.sort()
    pct = lambda p: times[min(len(times) - 1, int(p * len(times)))]  # noqa: E731
    print(f"/api/ask: {len(times)} requests after warm-up")
    print(f"p50 {statistics.median(times):.1f} ms  p95 {pct(0.95):.1f} ms  p99 {pct(0.99):.1f} ms")


if __name__ == "__main__":
    main()
