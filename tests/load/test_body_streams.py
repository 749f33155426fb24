"""GET /api/graphs/{id}/data/ streams the stored body a chunk at a time under ASGI too.

Django's ASGI handler serves a synchronous iterator by listing it whole first
(`sync_to_async(list)`), so a StreamingHttpResponse over a plain generator held the entire body
in memory on the production server (uvicorn). The body is read lazily here: when the first chunk
comes out, the stored file has been read no further than one chunk."""

from __future__ import annotations

import gzip
import json

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncRequestFactory, RequestFactory

from graphs import storage
from graphs.api import body
from graphs.models import Visibility
from graphs.testing import build_graph_document
from tests.factories import GraphFactory

pytestmark = pytest.mark.django_db
CHUNK = 64


@pytest.fixture
def graph():
    # Big enough that its gzip is several of GzipFile's 8 KiB reads.
    document = build_graph_document(n_layers=16, features_per_layer_and_pos=16, seed=3)
    graph = GraphFactory(visibility=Visibility.PUBLIC, document=document)
    assert graph.stored_size > 4 * 8192
    return graph


@pytest.fixture
def opened(monkeypatch) -> list:
    """Every stored file the endpoint opens, read in chunks of CHUNK bytes."""
    files: list = []

    def open_and_record(key: str):
        files.append(storage.open_body(key))
        return files[-1]

    monkeypatch.setattr(body, "open_body", open_and_record)
    monkeypatch.setattr(body, "CHUNK", CHUNK)
    return files


async def first_chunk_then_rest(response, stored) -> tuple[bytes, int, bytes]:
    chunks = aiter(response)
    first = await anext(chunks)
    read_so_far = stored.tell()
    rest = b"".join([chunk async for chunk in chunks])
    return first, read_so_far, rest


def test_it_streams_the_stored_gzip_under_asgi_one_chunk_at_a_time(graph, opened):
    request = AsyncRequestFactory().get("/", headers={"Accept-Encoding": "gzip"})
    response = body.graph_data_response(request, graph)
    assert response.streaming and response.is_async
    assert response["Content-Encoding"] == "gzip"

    first, read_so_far, rest = async_to_sync(first_chunk_then_rest)(response, opened[0])

    assert read_so_far <= CHUNK  # not the whole file before the first chunk went out
    assert len(first + rest) == graph.stored_size
    assert json.loads(gzip.decompress(first + rest))["metadata"]["slug"]
    response.close()
    assert opened[0].closed


def test_it_inflates_on_the_fly_under_asgi_one_chunk_at_a_time(graph, opened):
    request = AsyncRequestFactory().get("/", headers={"Accept-Encoding": "identity"})
    response = body.graph_data_response(request, graph)
    assert response.is_async

    first, read_so_far, rest = async_to_sync(first_chunk_then_rest)(response, opened[0])

    assert "Content-Encoding" not in response
    assert read_so_far < graph.stored_size / 2
    assert len(first + rest) == graph.byte_size
    json.loads(first + rest)
    response.close()
    assert opened[0].closed  # the stored file under the GzipFile, which does not close it


def test_it_streams_synchronously_under_wsgi(graph, opened):
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    response = body.graph_data_response(request, graph)
    assert response.streaming and not response.is_async
    chunks = iter(response)
    next(chunks)
    assert opened[0].tell() <= CHUNK
    rest = b"".join(chunks)
    assert len(rest) == graph.stored_size - CHUNK
    response.close()
    assert opened[0].closed
