"""A backing service that is down answers 503 with Retry-After, not a 500 traceback.

PostgreSQL refusing connections, Redis (queue, cache, channel layer) unreachable, or the graph
storage failing to write are the server's trouble, temporary, and worth a retry: API clients get
JSON with a `detail`, browsers a short page. The page is rendered without the request's context
processors, which would query the database that is down. Connections are not kept by us: Django
drops a broken one at the end of the request (and CONN_HEALTH_CHECKS before reusing one), so the
first request after the service is back is served.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

log = logging.getLogger(__name__)

RETRY_AFTER_S = 5


def _outage_reason(exc: Exception) -> str | None:
    """What is down, in words, or None when `exc` is not an outage of a backing service."""
    if isinstance(exc, OperationalError | InterfaceError):
        return "the database is unavailable"
    import redis.exceptions
    from kombu.exceptions import OperationalError as BrokerError

    if isinstance(
        exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError | BrokerError
    ):
        return "the queue and cache server (Redis) is unavailable"
    from graphs.storage import StorageUnavailable

    if isinstance(exc, StorageUnavailable):
        return str(exc)
    return None


def _wants_json(request: HttpRequest) -> bool:
    if request.path.startswith("/api/"):
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def outage_response(request: HttpRequest, reason: str) -> HttpResponse:
    detail = f"{reason}; please try again in a few seconds"
    response: HttpResponse
    if _wants_json(request):
        response = JsonResponse({"detail": detail}, status=503)
    else:
        response = HttpResponse(render_to_string("outage.html", {"detail": detail}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response


class BackingServiceOutageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        reason = _outage_reason(exception)
        if reason is None:
            return None  # a real bug: Django's 500 handling and logging
        log.warning(
            "%s %s: %s (%s: %s)",
            request.method,
            request.path,
            reason,
            type(exception).__name__,
            str(exception).strip()[:200],
        )
        return outage_response(request, reason)
