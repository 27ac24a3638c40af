"""``/metrics`` in Prometheus's text format: requests and latency per route template from
prometheus-fastapi-instrumentator (``handler="/dokumenter/{document_id}"``, never the path a
client sent; paths that match no route count as ``handler="none"``) and the service's own
metrics (assistant/metrics.py). Under ``planassistent serve`` the figures are the sum over its
workers (prometheus_client's multiprocess mode, web/server.py)."""

from __future__ import annotations

from functools import lru_cache

from fastapi import FastAPI
from prometheus_fastapi_instrumentator import Instrumentator, metrics


@lru_cache(maxsize=1)
def _http_metrics():
    """The instrumentator's request counter and latency histograms, registered once per process
    (every app of the process counts into them, as the tests make several)."""
    return metrics.default()


def install(app: FastAPI) -> None:
    Instrumentator(excluded_handlers=["^/metrics$"]).add(_http_metrics()).instrument(app).expose(
        app, include_in_schema=False
    )
