"""Per-client limits, counted by slowapi (and the ``limits`` library under it) with a moving
window: questions and feedback each ``PLAN_RATE_LIMIT_PER_MINUTE`` per minute with a count of
their own, and failed staff-token attempts, 5 in 10 minutes.

A client is the address the request came from (slowapi's ``get_remote_address``). Behind a
reverse proxy listed in ``PLAN_FORWARDED_ALLOW_IPS`` that is the address the proxy puts in
``X-Forwarded-For`` (uvicorn's ProxyHeadersMiddleware, installed in web/app.py), so the clients
behind the proxy are told apart; from anyone else the header is ignored.

slowapi's decorators bind one module-level Limiter, but these limits come from each app's
settings, and a page counts a question only once it has checked it. So each app has its own
slowapi ``Limiter`` in ``app.state.limiter`` (where slowapi keeps it) and the endpoints ask it
through ``hit`` and ``blocked``. Counts live in each worker's memory: with several workers a
client that opens new connections may get up to that many times the limit.
"""

from __future__ import annotations

import math
import time

from fastapi import FastAPI, Request
from limits import RateLimitItem, parse
from slowapi import Limiter
from slowapi.util import get_remote_address

QUESTIONS = "questions"
FEEDBACK = "feedback"
TOKEN_FAILURES = "token-failures"
TOKEN_FAILURES_ALLOWED = "5 per 10 minutes"

client_key = get_remote_address


def install(app: FastAPI, per_minute: int) -> None:
    app.state.limiter = Limiter(key_func=client_key, strategy="moving-window")
    app.state.limits = {
        QUESTIONS: parse(f"{per_minute} per minute"),
        FEEDBACK: parse(f"{per_minute} per minute"),
        TOKEN_FAILURES: parse(TOKEN_FAILURES_ALLOWED),
    }


def _limit(request: Request, scope: str) -> tuple[object, RateLimitItem, str]:
    state = request.app.state
    return state.limiter.limiter, state.limits[scope], client_key(request)


def _retry_after(counter, item: RateLimitItem, key: str, scope: str) -> int:
    reset = counter.get_window_stats(item, key, scope).reset_time
    return max(1, math.ceil(reset - time.time()))


def hit(request: Request, scope: str) -> int:
    """Count this request against the client's ``scope`` limit: 0 when it is within it,
    otherwise the seconds until the client may try again (for Retry-After)."""
    counter, item, key = _limit(request, scope)
    if counter.hit(item, key, scope):
        return 0
    return _retry_after(counter, item, key, scope)


def blocked(request: Request, scope: str) -> int:
    """Like ``hit`` without counting: 0 while the client is within the limit."""
    counter, item, key = _limit(request, scope)
    if counter.test(item, key, scope):
        return 0
    return _retry_after(counter, item, key, scope)
