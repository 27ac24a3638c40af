"""Benchmark: ingest throughput (passages/s) and query latency (p50/p95) on the sample plans,
and the project's embedding of passages against a plain ``SentenceTransformer.encode`` of the
same model over the same passages, in the same run.

    .venv/bin/python bench/bench_ingest_query.py [--queries 200]

"project" is what ingest does (``assistant.pipeline.embed_passages``: the default runtime, the
float32 ONNX export with one thread, passages longest first in batches of similar length);
"plain" is ``SentenceTransformer(model).encode(texts)`` with its defaults (torch, as many threads
as cores, batches of 32 in its own length order) on the same texts with the same prompt.

Measured here (2 shared cores, busy; one run): 191 passages of data/plans, project 20.3
passages/s, plain 6.6 passages/s: 3.08x (with PLAN_MODEL_RUNTIME=onnx-int8 in another run: 40.1
against 8.1, 4.9x). Cold ingest of data/plans in this script (parsing, 914 new passage and
sentence vectors, BM25, writing): 20.6 s. The whole ``planassistent ingest`` command on
data/plans (model load included) took 26 s, against 78 s before these changes (torch, chunks of
64 in file order, files parsed one by one).

Prints figures; asserts nothing. Timings on shared cores are noisy: compare runs on one machine.
"""

from __future__ import annotations

import argparse
import json
import os
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
    from index.passage_text import embedding_text
    from index.store import IndexStore

    with tempfile.TemporaryDirectory() as tmp:
        # The answer cache is off: the sample questions repeat.
        settings = Settings(
            index_dir=Path(tmp), docs_dir=ROOT / "data" / "plans", answer_cache_size=0
        )
        ingest_embedder = load_embedder(settings.for_ingest())  # as `planassistent ingest`
        t_model = time.perf_counter() - t0

        t1 = time.perf_counter()
        report = build_index(settings, embedder=ingest_embedder)
        t_ingest = time.perf_counter() - t1

        t2 = time.perf_counter()
        again = build_index(settings, embedder=ingest_embedder)
        t_reingest = time.perf_counter() - t2
        passages = [embedding_text(p) for p in IndexStore(Path(tmp)).load_best().passages]

        questions = (
            [
                json.loads(line)["question"]
                for line in (ROOT.parent / "shared" / "eval" / "dev-questions.jsonl").open()
            ]
            if (ROOT.parent / "shared" / "eval").is_dir()
            else ["Hva er hovedmålet med planen?"]
        )
        embedder = load_embedder(settings)  # as a server worker: one thread
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
    project, plain, runtime, threads = compare_with_plain_encode(settings, passages)
    print(
        f"embedding {len(passages)} passages: project ({runtime}, {threads} threads as "
        "`planassistent ingest`, length batches) "
        f"{project:6.1f} passages/s, plain SentenceTransformer.encode (torch, {threads} threads) "
        f"{plain:6.1f} passages/s -> {project / plain:.2f}x"
    )
    print(
        f"ask latency over {len(times)} queries: p50 {statistics.median(times):.1f} ms, "
        f"p95 {p95:.1f} ms, max {times[-1]:.1f} ms"
    )


def compare_with_plain_encode(settings, texts: list[str]):
    """(project passages/s, plain passages/s, project runtime, threads of each), same texts:
    the project embeds as ``planassistent ingest`` does, plain ``encode`` with torch's default
    threads."""
    import torch
    from sentence_transformers import SentenceTransformer

    from assistant.pipeline import embed_passages
    from index.embedder import load_embedder
    from ingest.tokens import model_token_counter

    settings = settings.for_ingest()
    embedder = load_embedder(settings)
    count = model_token_counter(settings.model_path())
    embed_passages(texts[:8], embedder, count)  # warm-up, as plain encode's model load
    t = time.perf_counter()
    embed_passages(texts, embedder, count)
    project = len(texts) / (time.perf_counter() - t)
    torch.set_num_threads(os.cpu_count() or 1)  # plain: torch's own default
    model = SentenceTransformer(settings.model_path(), device="cpu", local_files_only=True)
    prefixed = [embedder.passage_prefix + x for x in texts]
    model.encode(prefixed[:8], show_progress_bar=False)  # warm-up
    t = time.perf_counter()
    model.encode(prefixed, show_progress_bar=False)
    plain = len(texts) / (time.perf_counter() - t)
    return project, plain, getattr(embedder, "runtime", "?"), torch.get_num_threads()


if __name__ == "__main__":
    main()
