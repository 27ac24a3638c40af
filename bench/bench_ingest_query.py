"""Benchmark: ingest throughput (passages/s) and query latency (p50/p95) on the sample plans.

    .venv/bin/python bench/bench_ingest_query.py [--queries 200]

Prints figures; asserts nothing. Timings on shared cores are noisy: compare runs on one machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()

    t0 = time.perf_counter()
    from assistant.pipeline import build_index
    from assistant.service import Assistant
    from assistant.settings import Settings
    from index.embedder import load_embedder

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index_dir=Path(tmp), docs_dir=ROOT / "data" / "plans")
        embedder = load_embedder(settings)
        t_model = time.perf_counter() - t0

        t1 = time.perf_counter()
        report = build_index(settings, embedder=embedder)
        t_ingest = time.perf_counter() - t1

        t2 = time.perf_counter()
        again = build_index(settings, embedder=embedder)
        t_reingest = time.perf_counter() - t2

        questions = (
            [
                json.loads(line)["question"]
                for line in (ROOT.parent / "shared" / "eval" / "dev-questions.jsonl").open()
            ]
            if (ROOT.parent / "shared" / "eval").is_dir()
            else ["Hva er hovedmålet med planen?"]
        )
        assistant = Assistant(settings, embedder=embedder)
        for q in questions:  # warm-up
            assistant.ask(q)
        times = []
        for i in range(args.queries):
            q = questions[i % len(questions)]
            t = time.perf_counter()
            assistant.ask(q)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"model load:            {t_model:6.2f} s")
    print(
        f"ingest (cold):         {t_ingest:6.2f} s  {report.passages} passages, "
        f"{report.pages} pages -> {report.passages / t_ingest:6.1f} passages/s"
    )
    print(f"re-ingest (unchanged): {t_reingest:6.2f} s  ({again.reused_vectors} vectors reused)")
    print(
        f"ask latency over {len(times)} queries: p50 {statistics.median(times):.1f} ms, "
        f"p95 {p95:.1f} ms, max {times[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
