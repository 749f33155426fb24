"""A chunked request body (no Content-Length) is a body: DRF took "no Content-Length" for "no
body" and never called the graph parser, so every chunked upload was answered 400 "the request
body is empty". In-process, through the production ASGI application (with its body limit)."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator

from graphs.testing import build_graph_document
from webapp.asgi import application

pytestmark = pytest.mark.django_db


def post(body: bytes, headers: list[tuple[bytes, bytes]]) -> dict:
    async def go() -> dict:
        sent = [(b"host", b"localhost"), *headers]
        communicator = HttpCommunicator(application, "POST", "/api/validate/", body, sent)
        return await communicator.get_response(timeout=30)

    return async_to_sync(go)()


GRAPH = json.dumps(build_graph_document()).encode()
CHUNKED = (b"transfer-encoding", b"chunked")


def test_it_reads_a_chunked_body_that_has_no_content_length():
    response = post(GRAPH, [(b"content-type", b"application/json"), CHUNKED])
    assert response["status"] == 200, response["body"][:300]
    assert json.loads(response["body"])["valid"] is True


def test_it_refuses_a_chunked_body_of_another_media_type_as_unsupported():
    response = post(GRAPH, [(b"content-type", b"text/plain"), CHUNKED])
    assert response["status"] == 415
    assert json.loads(response["body"])["detail"]


def test_it_still_answers_an_empty_chunked_body_with_a_message():
    response = post(b"", [(b"content-type", b"application/json"), CHUNKED])
    assert response["status"] == 400
    assert "empty" in json.loads(response["body"])["detail"]
