"""Keeps Django's middleware chain synchronous under ASGI, so a request crosses threads a few
times instead of twice per middleware method."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class SynchronousChain:
    """A no-op middleware that can only run synchronously, placed last in MIDDLEWARE.

    Django builds the middleware chain from the view outwards and keeps each middleware in the
    mode of the one inside it when it can. Every built-in middleware can run both ways, so under
    ASGI the whole chain would run async, and each `process_request`/`process_response` of a
    sync middleware then hops to a worker thread and back on its own: about 30 hops a request,
    measured as most of the ASGI handler's cost. With this sync-only middleware innermost, Django
    adapts once around the chain, which then runs in one thread like under WSGI.
    """

    sync_capable = True
    async_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)
