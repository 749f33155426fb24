"""GET /api/graphs/{id}/data/: the stored gzip bytes as they are, or inflated; ETag, 304,
Cache-Control."""

from __future__ import annotations

import gzip
import json

import pytest

from graphs.storage import open_body
from tests.factories import GraphFactory
from tests.support.paths import FIXTURES

pytestmark = pytest.mark.django_db


@pytest.fixture
def document():
    return json.loads((FIXTURES / "tiny.json").read_text())


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_it_streams_the_stored_gzip_bytes_when_gzip_is_accepted(client_as, document):
    graph = GraphFactory(visibility="public", document=document)
    response = client_as(None).get(f"/api/graphs/{graph.id}/data/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Encoding"] == "gzip"
    with open_body(graph.body_key) as fh:
        assert body(response) == fh.read()  # byte for byte: no recompression
    assert response["Content-Length"] == str(graph.stored_size)


def test_it_inflates_for_clients_that_do_not_accept_gzip(client_as, document):
    graph = GraphFactory(visibility="public", document=document)
    for accept in ("", "identity", "gzip;q=0"):
        response = client_as(None).get(f"/api/graphs/{graph.id}/data/", HTTP_ACCEPT_ENCODING=accept)
        assert not response.has_header("Content-Encoding")
        assert json.loads(body(response)) == document
        assert response["Content-Length"] == str(graph.byte_size)


def test_it_answers_304_to_a_matching_etag(client_as):
    graph = GraphFactory(visibility="public")
    first = client_as(None).get(f"/api/graphs/{graph.id}/data/", HTTP_ACCEPT_ENCODING="gzip")
    etag = first["ETag"]
    again = client_as(None).get(
        f"/api/graphs/{graph.id}/data/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag
    )
    assert again.status_code == 304 and again["ETag"] == etag
    plain = client_as(None).get(f"/api/graphs/{graph.id}/data/", HTTP_IF_NONE_MATCH=etag)
    assert plain.status_code == 200  # another representation, another ETag


def test_no_shared_cache_may_keep_graph_data(client_as, cast, shared_graph):
    # A shared cache would go on serving a public graph after it turned private.
    public = client_as(None).get(f"/api/graphs/{shared_graph('public').id}/data/")
    private = client_as(cast.owner).get(f"/api/graphs/{shared_graph('private').id}/data/")
    assert public["Cache-Control"].startswith("private, max-age=")
    assert private["Cache-Control"].startswith("private, max-age=")
    assert "Accept-Encoding" in private["Vary"]


def test_it_gives_the_same_etag_to_the_same_body(client_as, document):
    first = GraphFactory(visibility="public", document=document)
    second = GraphFactory(visibility="public", document=document)
    assert first.body_sha256 == second.body_sha256
    with open_body(first.body_key) as fh:
        assert json.loads(gzip.decompress(fh.read())) == document
