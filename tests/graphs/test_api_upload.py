"""POST /api/graphs/: a valid graph gives 201 with id and URL; every bad input a 4xx naming its
problem, with nothing stored and never a 5xx."""

from __future__ import annotations

import gzip
import json
import zlib

import pytest

from graphs.models import Graph
from graphs.testing import build_graph_document
from tests.support.paths import FIXTURES
from tests.support.personas import ANONYMOUS_REFUSED
from tests.support.storage import stored_bodies

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def tiny() -> bytes:
    return (FIXTURES / "tiny.json").read_bytes()


def said(response) -> str:
    """The detail and every problem of an error answer, as 'path: message' lines."""
    data = response.json()
    lines = [str(data.get("detail", ""))]
    lines += [f"{p['path']}: {p['message']}" for p in data.get("problems", [])]
    return "\n".join(lines)


def post(client, body: bytes, query: str = "", **headers):
    return client.post(f"/api/graphs/{query}", body, content_type="application/json", **headers)


def test_it_creates_a_graph_and_answers_its_id_and_url(api, cast):
    response = post(api("owner"), tiny(), "?visibility=unlisted&title=Cats")
    assert response.status_code == 201
    data = response.json()
    graph = Graph.objects.get(pk=data["id"])
    assert (graph.owner, graph.title, graph.visibility) == (cast.owner, "Cats", "unlisted")
    assert data["url"].endswith(f"/graphs/{graph.id}/")
    assert response["Location"].endswith(f"/api/graphs/{graph.id}/")
    assert data["node_count"] == 24 and data["link_count"] == 72


def test_it_accepts_a_gzip_encoded_body(api):
    response = post(api("owner"), gzip.compress(tiny()), HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 201
    assert Graph.objects.get(pk=response.json()["id"]).byte_size == len(tiny())


def test_it_refuses_anonymous_uploads(api, media_root):
    assert post(api("anonymous"), tiny()).status_code in ANONYMOUS_REFUSED
    assert not Graph.objects.exists() and stored_bodies(media_root) == []


def zeros_gzip(n_bytes: int) -> bytes:
    deflater = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b" " * MB
    return b"".join([*(deflater.compress(chunk) for _ in range(n_bytes // MB)), deflater.flush()])


def with_change(change) -> bytes:
    document = build_graph_document()
    change(document)
    return json.dumps(document).encode()


def duplicate_ids(d):
    d["nodes"][5]["node_id"] = d["nodes"][6]["node_id"]


def dangling(d):
    d["links"][2]["source"] = "ghost_1_1"


def wrong_types(d):
    d["nodes"][3]["ctx_idx"] = "two"


BAD_INPUTS = {
    "truncated JSON": (lambda: tiny()[:5000], {}, "", 400, "truncated"),
    "wrong types": (
        lambda: with_change(wrong_types),
        {},
        "",
        400,
        "nodes[3].ctx_idx: must be an integer",
    ),
    "NaN": (
        lambda: tiny().replace(b'"influence": 0.', b'"influence": NaN, "x": 0.', 1),
        {},
        "",
        400,
        "NaN and Infinity are not JSON numbers",
    ),
    "dangling link": (
        lambda: with_change(dangling),
        {},
        "",
        400,
        "links[2].source: node 'ghost_1_1' does not exist",
    ),
    "duplicate ids": (lambda: with_change(duplicate_ids), {}, "", 400, "nodes[6].node_id: node id"),
    "slug with a slash": (tiny, {}, "?slug=a/b", 400, "slug: 'a/b' is not a valid slug"),
    "unknown visibility": (tiny, {}, "?visibility=secret", 400, "visibility"),
    "not gzip": (tiny, {"HTTP_CONTENT_ENCODING": "gzip"}, "", 400, "not valid gzip"),
    "unsupported encoding": (tiny, {"HTTP_CONTENT_ENCODING": "br"}, "", 415, "br"),
    "gzip bomb": (
        lambda: zeros_gzip(101 * MB),
        {"HTTP_CONTENT_ENCODING": "gzip"},
        "",
        413,
        "decompressed graph is larger than the limit of 100 MB",
    ),
    "101 MB body": (
        lambda: b'{"nodes": [' + b" " * (101 * MB) + b"]}",
        {},
        "",
        413,
        "request body is larger than the limit of 100 MB",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_it_refuses_bad_input_naming_the_problem_and_storing_nothing(api, media_root, case):
    make_body, headers, query, status, words = BAD_INPUTS[case]
    response = post(api("owner"), make_body(), query, **headers)
    assert response.status_code == status
    assert words in said(response)
    assert not Graph.objects.exists()
    assert stored_bodies(media_root) == []


def test_it_lists_every_problem_of_an_invalid_graph(api):
    def many(d):
        dangling(d)
        duplicate_ids(d)
        wrong_types(d)

    response = post(api("owner"), with_change(many))
    paths = {p["path"] for p in response.json()["problems"]}
    assert {"links[2].source", "nodes[6].node_id", "nodes[3].ctx_idx"} <= paths


def test_it_honours_a_configured_size_limit(api, settings):
    settings.GRAPH_UPLOAD_MAX_BYTES = 4096
    response = post(api("owner"), tiny())
    assert response.status_code == 413 and "4096 bytes" in response.json()["detail"]


def test_it_refuses_a_second_graph_with_the_same_slug_for_the_model(api):
    assert post(api("owner"), tiny(), "?slug=cats").status_code == 201
    response = post(api("owner"), tiny(), "?slug=cats")
    assert response.status_code == 400
    assert response.json()["problems"][0]["path"] == "slug"
    assert Graph.objects.count() == 1


@pytest.mark.parametrize("path", ["/api/graphs/", "/api/validate/"])
def test_it_refuses_an_empty_body(api, path):
    response = api("owner").post(path, b"", content_type="application/json")
    assert response.status_code == 400 and "empty" in response.json()["detail"]
    assert not Graph.objects.exists()


def test_it_refuses_a_body_that_is_not_json_by_content_type(api):
    response = api("owner").post(
        "/api/graphs/", b"a=b", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert not Graph.objects.exists()
