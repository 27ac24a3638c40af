"""How close `planassistent serve` comes to the model's floor, in one run on a real server with
its default workers (PLAN_WORKERS: one per core).

    .venv/bin/python bench/perf.py [--clients 16] [--duration 20] [--json]

It builds an index of data/plans in a temporary directory with the default model, starts
`planassistent serve` on a free port (rate limit raised: every client here is 127.0.0.1) and
prints:

- the floor: the median single-thread forward pass of all-MiniLM-L6-v2 on one question, a fixed
  reference whatever the default model (torch, one thread, in this process, the server idle);
- fresh and repeated-question latency through the server: one client, one question at a time;
  fresh questions were never asked before ("Hva sier planen om <a word of the plans>?"), a
  repeated one is answered from the answer cache (target: ≤ 0.2 of a fresh one);
- answers/s for fresh questions at --clients clients for --duration s, and the ratio to the
  ceiling the cores allow, cores ÷ floor (target ≥ 0.5, 0 errors). The clients run in this
  process, on the same cores as the server. The CPU time the workers used per answer is
  printed too, with the ratio it gives when the workers have the cores to themselves (the
  floor's CPU time ÷ CPU per answer), as other work on a shared machine takes cores from them;
- RSS (and PSS, shared pages counted once) of each worker after the load (target ≤ 1 GB);
- ingest passages/s (embedding as ``planassistent ingest`` does) against a plain
  SentenceTransformer.encode of the same model over the same passages (target ≥ 2).

With --json the last line is {"perf": {...}} with the same figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CLI = [sys.executable, "-m", "assistant.cli"]
REPEATED = "Hva er hovedmålet med planen?"
TEMPLATES = (
    "Hva sier planen om {}?",
    "Hva gjør kommunen med {}?",
    "Finnes det tiltak for {}?",
    "Hvordan jobber fylket med {}?",
)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def minilm_floor(runs: int = 50) -> tuple[float, float]:
    """Median seconds of one single-thread forward pass of all-MiniLM-L6-v2 on one question:
    wall-clock time, and the CPU time of the pass (which other work on the cores does not
    stretch)."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    from index.model_setup import bundled_minilm_path

    hf_logging.disable_progress_bar()  # no "Loading weights" bar
    torch.set_num_threads(1)
    model = SentenceTransformer(bundled_minilm_path(), device="cpu", local_files_only=True)
    question = ["Hva gjør fylket for at flere skal komme i jobb?"]
    for _ in range(5):
        model.encode(question, show_progress_bar=False)
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.thread_time()
        model.encode(question, show_progress_bar=False)
        wall.append(time.perf_counter() - t)
        cpu.append(time.thread_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def fresh_questions(index_dir: Path) -> list[str]:
    """Questions no one asked before: a template and a word of the plans, shuffled."""
    from index.store import IndexStore

    words = sorted(
        {
            w
            for p in IndexStore(index_dir).load_best().passages
            for w in re.findall(r"[a-zæøå]{6,}", p.text.lower())
        }
    )
    questions = [t.format(w) for t in TEMPLATES for w in words]
    random.Random(17).shuffle(questions)
    return questions


def workers_of(pid: int) -> list[int]:
    """The server's worker processes (uvicorn spawns them), or the server itself alone."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    spawned = [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
    return [int(c) for c in spawned] or [pid]


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of a process in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    return fields["Rss"] / 1024, fields["Pss"] / 1024


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def warm_ups(url: str) -> float:
    """Questions the workers have embedded so far (each warms up with one before serving)."""
    text = httpx.get(f"{url}/metrics", timeout=10).text
    found = re.search(r"^planassistent_embed_seconds_count (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def latency_ms(url: str, questions: list[str]) -> list[float]:
    """One client on one connection, one question at a time."""
    times = []
    with httpx.Client(base_url=url, timeout=60) as http:
        for q in questions:
            t = time.perf_counter()
            r = http.post("/api/ask", json={"question": q})
            times.append((time.perf_counter() - t) * 1000)
            r.raise_for_status()
    return times


async def load(url: str, questions: list[str], clients: int, duration: float):
    """Fresh questions from ``clients`` concurrent clients for ``duration`` seconds."""
    times: list[float] = []
    outcomes: Counter = Counter()
    pending = iter(questions)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        until = time.monotonic() + duration

        async def client() -> None:
            while time.monotonic() < until:
                question = next(pending)
                t = time.perf_counter()
                try:
                    r = await http.post("/api/ask", json={"question": question})
                except httpx.HTTPError as exc:
                    outcomes[type(exc).__name__] += 1
                    continue
                outcomes[r.status_code] += 1
                if r.status_code == 200:
                    times.append((time.perf_counter() - t) * 1000)

        started = time.monotonic()
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.monotonic() - started
    return times, outcomes, elapsed


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ingest_vs_plain_encode(index_dir: Path) -> dict:
    """The project's passage embedding against a plain encode (bench/bench_ingest_query.py)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_ingest_query import compare_with_plain_encode

    from assistant.settings import Settings
    from index.passage_text import embedding_text
    from index.store import IndexStore

    settings = Settings(index_dir=index_dir)
    texts = [embedding_text(p) for p in IndexStore(index_dir).load_best().passages]
    project, plain, runtime, threads = compare_with_plain_encode(settings, texts)
    return {"project": project, "plain": plain, "runtime": runtime, "threads": threads}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--duration", type=float, default=20.0)
    ap.add_argument("--samples", type=int, default=40, help="questions per latency figure")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    cores = len(os.sched_getaffinity(0))

    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        env = {
            **os.environ,
            "PLAN_INDEX_DIR": str(index_dir),
            "PLAN_FEEDBACK_DB": str(Path(tmp) / "feedback.sqlite3"),
            "PLAN_RATE_LIMIT_PER_MINUTE": "1000000",
        }
        print("Building an index of data/plans …", flush=True)
        subprocess.run([*CLI, "ingest"], cwd=ROOT, env=env, check=True, capture_output=True)
        questions = fresh_questions(index_dir)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env
        )
        try:
            expected = int(env.get("PLAN_WORKERS") or 0) or cores
            deadline = time.monotonic() + 300
            while True:  # every worker has loaded and answered its warm-up question
                try:
                    if warm_ups(url) >= expected:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("the server did not start")
                time.sleep(0.5)
            workers = workers_of(server.pid)

            floor_s, floor_cpu_s = minilm_floor()
            fresh = latency_ms(url, questions[: args.samples])
            repeated = latency_ms(url, [REPEATED] * (args.samples + 1))[1:]  # first: computed
            rest = questions[args.samples :]
            before = [cpu_seconds([w]) for w in workers]
            own_cpu = time.process_time()
            times, outcomes, elapsed = asyncio.run(load(url, rest, args.clients, args.duration))
            busy = [cpu_seconds([w]) - b for w, b in zip(workers, before, strict=True)]
            server_cpu = sum(busy)
            own_cpu = time.process_time() - own_cpu
            load_average = os.getloadavg()[0]
            memory = {pid: memory_mb(pid) for pid in workers}
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        ingest = ingest_vs_plain_encode(index_dir)

    ok = outcomes.get(200, 0)
    errors = sum(n for status, n in outcomes.items() if status != 200)
    per_s = ok / elapsed
    ceiling = cores / floor_s
    figures = {
        "cores": cores,
        "workers": len(workers),
        "floor_ms": round(floor_s * 1000, 2),
        "floor_cpu_ms": round(floor_cpu_s * 1000, 2),
        "fresh_p50_ms": round(statistics.median(fresh), 1),
        "fresh_p95_ms": round(percentile(fresh, 0.95), 1),
        "repeated_p50_ms": round(statistics.median(repeated), 1),
        "repeated_p95_ms": round(percentile(repeated, 0.95), 1),
        "repeated_over_fresh": round(statistics.median(repeated) / statistics.median(fresh), 3),
        "clients": args.clients,
        "duration_s": round(elapsed, 1),
        "answers_per_s": round(per_s, 1),
        "ceiling_per_s": round(ceiling, 1),
        "ratio": round(per_s / ceiling, 3),
        "load_p50_ms": round(statistics.median(times), 1) if times else None,
        "load_p95_ms": round(percentile(times, 0.95), 1) if times else None,
        "errors": errors,
        "worker_cpu_ms_per_answer": round(server_cpu * 1000 / max(ok, 1), 1),
        "worker_busy": [round(b / elapsed, 2) for b in busy],
        # The ratio if the workers had the cores to themselves (this machine is shared): the
        # floor's CPU time over the workers' CPU time per answer.
        "full_cores_ratio": round(floor_cpu_s / (server_cpu / max(ok, 1)), 3),
        "client_cpu_share": round(own_cpu / elapsed, 2),
        "load_average": round(load_average, 2),
        "rss_mb": [round(rss) for rss, _ in memory.values()],
        "pss_mb": [round(pss) for _, pss in memory.values()],
        "ingest": ingest,
    }
    f = figures
    print(f"cores {f['cores']}, workers {f['workers']}")
    print(
        f"floor (all-MiniLM-L6-v2, 1 thread, one question): {f['floor_ms']} ms median "
        f"({f['floor_cpu_ms']} ms CPU)"
    )
    print(f"fresh question:    p50 {f['fresh_p50_ms']} ms, p95 {f['fresh_p95_ms']} ms")
    print(
        f"repeated question: p50 {f['repeated_p50_ms']} ms, p95 {f['repeated_p95_ms']} ms "
        f"({f['repeated_over_fresh']} of fresh; target ≤ 0.2)"
    )
    print(
        f"{f['clients']} clients, {f['duration_s']} s, fresh questions: {ok} answers, "
        f"{f['answers_per_s']} answers/s (p50 {f['load_p50_ms']} ms, p95 {f['load_p95_ms']} ms), "
        f"{errors} errors"
    )
    print(
        f"ratio to cores ÷ floor ({f['ceiling_per_s']}/s): {f['ratio']} (target ≥ 0.5); "
        f"outcomes {dict(outcomes)}"
    )
    print(
        f"during the load: workers used {f['worker_cpu_ms_per_answer']} ms CPU per answer "
        f"(busy {', '.join(map(str, f['worker_busy']))} of a core each), "
        f"these clients {f['client_cpu_share']} of a core; load average {f['load_average']} "
        f"on {cores} cores; with the cores to themselves: ratio {f['full_cores_ratio']}"
    )
    print(
        "memory per worker after the load: "
        + ", ".join(
            f"RSS {r} MB (PSS {p} MB)" for r, p in zip(f["rss_mb"], f["pss_mb"], strict=True)
        )
        + " (target ≤ 1 GB)"
    )
    print(
        f"ingest: project ({ingest['runtime']}, {ingest['threads']} threads, as "
        f"`planassistent ingest`) {ingest['project']:.1f} passages/s, plain "
        f"encode ({ingest['threads']} threads) {ingest['plain']:.1f} passages/s -> "
        f"{ingest['project'] / ingest['plain']:.2f}x (target ≥ 2)"
    )
    if args.json:
        print(json.dumps({"perf": figures}))


if __name__ == "__main__":
    main()
