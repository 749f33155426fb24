"""Refuse URLs that carry a NUL byte (400), before any view looks them up.

No id, slug or query value of ours contains one, and PostgreSQL text cannot hold one: a lookup
such as `Graph.objects.filter(pk="abc\\x00")` raises DataError, which would otherwise surface as a
500 on every route that takes an id from the path or a filter from the query string.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

MESSAGE = "the URL contains a NUL byte (%00), which no address here has"


def has_nul(path: str, query_string: str) -> bool:
    return "\x00" in path or "%00" in query_string or "\x00" in query_string


class RejectNulBytesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_nul(request.path, request.META.get("QUERY_STRING", "")):
            return JsonResponse({"detail": MESSAGE}, status=400)
        return self.get_response(request)
