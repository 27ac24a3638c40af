"""The service's own Prometheus metrics (the HTTP ones come from web/metrics.py).

Labels never hold a question or any other text a user wrote: answers are counted by whether
something was found, the index by its version name.

Under ``planassistent serve`` every worker writes its values to the run's
``PROMETHEUS_MULTIPROC_DIR`` and ``/metrics`` adds them up (web/metrics.py): counters and
histograms are sums over the workers, the passage count is the one of the version loaded last,
and a version's info gauge is 1 while any worker serves it (0 after every worker has left it).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

ANSWERS = Counter(
    "planassistent_answers",
    "Answers given, by whether the plans held an answer (found=false: an honest refusal).",
    ["found"],
)
ANSWER_CACHE_HITS = Counter(
    "planassistent_answer_cache_hits",
    "Answers served from the answer cache (same question, context and index version).",
)
INDEX_PASSAGES = Gauge(
    "planassistent_index_passages",
    "Passages in the index version served.",
    multiprocess_mode="livemostrecent",
)
INDEX_VERSION = Gauge(
    "planassistent_index_version_info",
    "The index version served (1), and versions served before (0).",
    ["version"],
    multiprocess_mode="livemax",
)
EMBED_SECONDS = Histogram(
    "planassistent_embed_seconds",
    "Time to embed a question (the model's forward pass).",
    buckets=(0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5),
)


def answered(found: bool, cached: bool) -> None:
    ANSWERS.labels(found="true" if found else "false").inc()
    if cached:
        ANSWER_CACHE_HITS.inc()


def serving(version: str, passages: int, previous: str | None) -> None:
    """A new index version is served (in this process)."""
    if previous is not None and previous != version:
        INDEX_VERSION.labels(version=previous).set(0)
    INDEX_VERSION.labels(version=version).set(1)
    INDEX_PASSAGES.set(passages)
