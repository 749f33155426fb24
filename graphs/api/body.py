"""Serving a stored graph body: the gzip bytes as stored when the client accepts gzip (no
decompress/recompress), else inflated on the fly. Either way it streams in chunks, so a large
graph is never in memory, let alone twice.

Under ASGI (the production server) the chunks come from an asynchronous iterator: Django's ASGI
handler turns a synchronous iterator into a list first (`sync_to_async(list)`), which would hold
the whole body in memory. Each chunk is read in a worker thread, so the event loop never waits on
storage or on inflating."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator, Iterator
from typing import IO

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_vary_headers
from rest_framework.request import Request

from graphs import conf
from graphs.models import Graph
from graphs.storage import open_body

CHUNK = 256 * 1024


def accepts_gzip(accept_encoding: str) -> bool:
    """True when Accept-Encoding allows gzip (a q=0 refuses it)."""
    for part in accept_encoding.split(","):
        coding, _, params = part.partition(";")
        if coding.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            return True
    return False


def _chunks(fh: IO[bytes]) -> Iterator[bytes]:
    with fh:
        while chunk := fh.read(CHUNK):
            yield chunk


async def _async_chunks(fh: IO[bytes]) -> AsyncIterator[bytes]:
    read = sync_to_async(fh.read, thread_sensitive=False)
    try:
        while chunk := await read(CHUNK):
            yield chunk
    finally:
        fh.close()


def _streamed(request: Request, fh: IO[bytes], stored: IO[bytes]) -> StreamingHttpResponse:
    """Stream `fh` (the stored file `stored`, or a GzipFile over it, which does not close it)."""
    served_by_asgi = isinstance(getattr(request, "_request", request), ASGIRequest)
    chunks = _async_chunks(fh) if served_by_asgi else _chunks(fh)
    response = StreamingHttpResponse(chunks, content_type="application/json")
    # Closed with the response too: a client gone before the first chunk leaves no open file.
    response._resource_closers.extend([fh.close, stored.close])
    return response


def _etag(graph: Graph, gzipped: bool) -> str:
    # Two representations (gzip / identity) of one body need two strong validators.
    return f'"{graph.body_sha256}{"" if gzipped else "-identity"}"'


def graph_data_response(request: Request, graph: Graph) -> HttpResponse:
    gzipped = accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    etag = _etag(graph, gzipped)
    # Private whatever the visibility: a shared cache (a CDN, a company proxy) would go on serving
    # a public graph after its owner made it private; each browser keeps its own copy only.
    cache_control = f"private, max-age={conf.get('GRAPH_DATA_MAX_AGE')}"

    if_none_match = request.META.get("HTTP_IF_NONE_MATCH", "")
    if (
        etag in [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        or if_none_match.strip() == "*"
    ):
        response: HttpResponse = HttpResponse(status=304)
    elif gzipped:
        stored = open_body(graph.body_key)
        response = _streamed(request, stored, stored)
        response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(graph.stored_size)
    else:
        stored = open_body(graph.body_key)
        response = _streamed(request, gzip.GzipFile(fileobj=stored, mode="rb"), stored)
        response["Content-Length"] = str(graph.byte_size)
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    response["Content-Disposition"] = f'inline; filename="{graph.slug}.json"'
    patch_vary_headers(response, ["Accept-Encoding", "Cookie", "Authorization"])
    return response
