"""JSON answers with a strong ETag (If-None-Match answers 304), optionally kept in the answer
cache (graphs/answer_cache.py) when they are about what anyone may read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from rest_framework.request import Request

from graphs import answer_cache
from graphs.answer_cache import Answer, etag_of
from webapp.json_renderer import dumps
from webapp.replayed_answers import mark_replayable, recording


def wants_json(request: Request) -> bool:
    """True unless content negotiation chose another renderer (the browsable API)."""
    renderer = getattr(request, "accepted_renderer", None)
    return renderer is None or renderer.format == "json"


def origin_of(request: Request) -> str:
    # Answers carry absolute URLs, so one host's answer is not another's.
    return f"{request.scheme}://{request.get_host()}"


def replay_epoch() -> int | None:
    """The answer epoch, for a view about to read what anyone may see and mark its answer
    replayable under it (read first: a write after it moves it); None when nothing would record
    the answer, or the cache cannot say (the view then serves as usual)."""
    if not recording():
        return None
    try:
        return answer_cache.current_epoch()
    except Exception:
        return None


def _matches(if_none_match: str, etag: str) -> bool:
    return any(tag.strip() in (etag, "*") for tag in if_none_match.split(","))


def json_answer(
    request: Request, build: Callable[[], tuple[Any, bool]], cache_key: str | None = None
) -> HttpResponse:
    """The answer `build` makes (its data, and whether anyone may read it), from the answer cache
    under `cache_key` when given."""

    def make() -> Answer:
        data, public = build()
        body = dumps(data)
        return Answer(body, etag_of(body), cacheable=public)

    if cache_key:
        found, epoch = answer_cache.answer(cache_key, make)
        if found.cacheable:  # the same for anyone: the server may send it again as it is
            mark_replayable(epoch)
    else:
        found = make()
    if _matches(request.META.get("HTTP_IF_NONE_MATCH", ""), found.etag):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(found.body, content_type="application/json")
    response["ETag"] = found.etag
    # Revalidate every time (a 304 is cheap): an answer may change with any write.
    patch_cache_control(response, private=True, no_cache=True)
    return response
