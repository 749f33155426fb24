"""Regressions of the bugs the upload fuzzing found, one test per bug, each named for it."""

from __future__ import annotations

import io
import json
import resource

import pytest
from rest_framework.test import APIClient

from graphs.models import Graph
from graphs.testing import build_graph_document
from graphs.validation import validate_graph_file
from graphs.validation.stream import MAX_DEPTH
from tests.factories import UserFactory
from tests.fuzz.harness import stored_body_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploader() -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(username="fuzzer"))
    return client


def graph_text(**extra_metadata: object) -> str:
    document = build_graph_document()
    document["metadata"].update(extra_metadata)
    return json.dumps(document)


def with_raw(text: str, where: str, raw: str) -> bytes:
    """The graph JSON with `"<where>": <raw>` added as the first key of the object `where` opens."""
    anchor = {"metadata": '"metadata": {', "node": '"nodes": [{', "document": "{"}[where]
    return text.replace(anchor, f'{anchor}"hostile": {raw}, ', 1).encode()


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@pytest.mark.parametrize("where", ["metadata", "node", "document"])
@pytest.mark.parametrize("opener, closer", [("[", "]"), ('{"a":', "}")])
def test_it_refuses_nesting_thousands_of_levels_deep_instead_of_a_recursion_error(
    uploader, media_root, where, opener, closer
):
    # Was a 500: the finiteness check, jsonb encoding and the renderer recurse per level.
    inner = "1" if opener != "[" else ""
    body = with_raw(graph_text(), where, opener * 5000 + inner + closer * 5000)
    for path in ("/api/graphs/", "/api/validate/"):
        response = uploader.post(path, body, content_type="application/json")
        assert response.status_code in (200, 400)
        problems = response.json()["problems"]
        assert len(problems) == 1
        assert f"is nested more than {MAX_DEPTH} levels deep" in problems[0]["message"]
        assert "hostile" in problems[0]["path"]
    assert not Graph.objects.exists() and stored_body_count(media_root) == 0


def test_it_accepts_nesting_up_to_the_limit(uploader):
    # metadata is level 1, "hostile" level 2: MAX_DEPTH - 1 arrays reach the limit exactly.
    depth = MAX_DEPTH - 1
    body = with_raw(graph_text(), "metadata", "[" * depth + "]" * depth)
    assert uploader.post("/api/graphs/", body, content_type="application/json").status_code == 201
    too_deep = with_raw(graph_text(), "metadata", "[" * (depth + 1) + "]" * (depth + 1))
    assert (
        uploader.post("/api/graphs/", too_deep, content_type="application/json").status_code == 400
    )


def test_it_refuses_a_body_of_open_brackets_without_quadratic_parsing():
    # ijson built every event's full path ("item.item...") for a whole 64 KB step before the
    # validator saw the first: 50 KB of "[" cost ~10 s of CPU, and these 200 KB grew the old
    # validator's memory until the kernel killed the test process. The bound is generous.
    body = io.BytesIO(b"[" * 200_000 + b"]" * 200_000)
    before = cpu_seconds()
    report = validate_graph_file(body)
    assert cpu_seconds() - before < 3.0
    assert "nested more than" in report.problems[0].message


@pytest.mark.parametrize(
    "old, new, path",
    [
        ('"scan": "demo-model"', '"scan": "other", "scan": "demo-model"', "metadata.scan"),
        ('"node_id": "E_100_0"', '"node_id": "x", "node_id": "E_100_0"', "nodes[0].node_id"),
        ('"linkType": "both"', '"linkType": "both", "linkType": "both"', "qParams.linkType"),
    ],
)
def test_it_refuses_a_key_twice_in_one_object(uploader, old, new, path):
    # Was accepted, last wins; but a streaming reader of the stored body (ijson.items, as in
    # graphs/body_facts.py) sees both values, so one upload could mean two different graphs.
    text = graph_text()
    assert old in text
    response = uploader.post(
        "/api/graphs/", text.replace(old, new, 1).encode(), content_type="application/json"
    )
    assert response.status_code == 400
    problem = response.json()["problems"][0]
    assert problem["path"] == path and "appears twice in the same object" in problem["message"]


def test_it_accepts_a_document_after_more_than_4096_bytes_of_whitespace(uploader):
    # Was refused as "the body is empty": only the first 4096 bytes were looked at.
    body = b" " * 5000 + graph_text().encode()
    assert uploader.post("/api/graphs/", body, content_type="application/json").status_code == 201


def test_it_refuses_a_leading_byte_order_mark_with_a_message_that_says_so(uploader):
    body = b"\xef\xbb\xbf" + graph_text().encode()
    response = uploader.post("/api/graphs/", body, content_type="application/json")
    assert response.status_code == 400
    assert "byte-order mark" in response.json()["problems"][0]["message"]


def test_it_names_a_lone_low_surrogate_escape_rather_than_only_invalid_utf8(uploader):
    body = graph_text(prompt="a\udc00b").encode()  # json.dumps writes the escape \\udc00
    response = uploader.post("/api/graphs/", body, content_type="application/json")
    assert response.status_code == 400
    assert "lone UTF-16 surrogate" in response.json()["problems"][0]["message"]


@pytest.mark.parametrize("surrogate", ["\ud800", "\udbff"])
def test_it_refuses_a_lone_high_surrogate_escape_that_was_stored_as_a_question_mark(
    uploader, media_root, surrogate
):
    # Was a 201: yajl turned "\ud800" into "?" for the title and prompt columns while the stored
    # body kept the escape, so the row and the graph the browser parsed disagreed.
    body = graph_text(prompt=f"a{surrogate}b").encode()
    response = uploader.post("/api/graphs/", body, content_type="application/json")
    assert response.status_code == 400
    assert "lone UTF-16 surrogate escape" in response.json()["problems"][0]["message"]
    assert not Graph.objects.exists() and stored_body_count(media_root) == 0


def test_it_accepts_escaped_surrogate_pairs_and_an_escaped_backslash_before_u(uploader):
    body = graph_text(prompt="\U0001f600 \\ud800").encode()  # a pair, then the text "\ud800"
    assert b"\\ud83d\\ude00" in body and b"\\\\ud800" in body
    assert uploader.post("/api/graphs/", body, content_type="application/json").status_code == 201


def test_it_says_an_integer_beyond_64_bits_is_too_large_not_infinite(uploader):
    # Was "a number is too large to be finite" for 99999999999999999999, an integer.
    text = graph_text().replace('"schema_version": 1', '"schema_version": 99999999999999999999')
    response = uploader.post("/api/graphs/", text.encode(), content_type="application/json")
    assert response.status_code == 400
    problem = response.json()["problems"][0]
    assert problem["path"] == "metadata.schema_version"
    assert "integer is too large" in problem["message"] and "64 bits" in problem["message"]
