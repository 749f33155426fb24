"""Schemathesis, from our own OpenAPI schema (/api/schema/): requests that match the schema's
shape (any JSON object for a graph, any strings for the query parameters) to the graph upload,
the validator, and the graph-domain writes that take user JSON. No answer is a 5xx; every
refusal says why. Requests go through Django's test client, the owner signed in."""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import given
from rest_framework.test import APIClient

from graphs.models import Graph
from tests.factories import GraphFactory, SubgraphFactory, UserFactory
from tests.fuzz.harness import fuzz_settings, stored_body_count

pytestmark = pytest.mark.django_db

# (method, path template, examples); the upload gets the most.
OPERATIONS = [
    ("POST", "/api/graphs/", 100),
    ("POST", "/api/validate/", 40),
    ("PATCH", "/api/graphs/{id}/", 30),
    ("POST", "/api/graphs/{graph_pk}/subgraphs/", 30),
    ("PATCH", "/api/graphs/{graph_pk}/subgraphs/{id}/", 30),
]


@pytest.fixture(scope="module")
def openapi(django_db_blocker) -> schemathesis.schemas.BaseSchema:
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(json.loads(response.content))


@pytest.fixture
def owner_client():
    owner = UserFactory(username="schema-fuzzer")
    graph = GraphFactory(owner=owner)
    subgraph = SubgraphFactory(graph=graph, author=owner)
    client = APIClient()
    client.force_authenticate(owner)
    return client, {"id": graph.pk, "graph_pk": graph.pk}, subgraph.pk


def send(client: APIClient, case, path_ids: dict[str, str], subgraph_id: str):
    ids = {**path_ids}
    if "subgraphs/{id}" in case.path:
        ids["id"] = subgraph_id
    path = case.path.format(**{k: ids[k] for k in (case.path_parameters or {})})
    # Schemathesis marks "no body" with a sentinel of its own.
    has_body = isinstance(case.body, dict | list | str | int | float | bool) or case.body is None
    body = json.dumps(case.body).encode() if has_body else b""
    query = case.query or {}
    return client.generic(
        case.method,
        path + ("?" + _urlencode(query) if query else ""),
        body,
        content_type="application/json",
    )


def _urlencode(query: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(
        [
            (k, v)
            for k, values in query.items()
            for v in (values if isinstance(values, list) else [values])
        ]
    )


@pytest.mark.parametrize("method, path, examples", OPERATIONS)
def test_it_never_answers_a_schema_shaped_request_with_a_5xx(
    openapi, owner_client, audited, media_root, tally, method, path, examples
):
    client, path_ids, subgraph_id = owner_client
    operation = openapi[path][method]

    @fuzz_settings(examples)
    @given(case=operation.as_strategy())
    def run(case) -> None:
        rows, bodies = Graph.objects.count(), stored_body_count(media_root)
        response = send(client, case, path_ids, subgraph_id)
        endpoint = f"schema {method} {path}"
        tally.count(endpoint, response.status_code)
        said = f"{method} {path} {case.query} {str(case.body)[:200]}: {response.status_code} {response.content[:300]!r}"
        assert response.status_code < 500, said
        if 400 <= response.status_code < 500:
            answer = response.json()
            assert answer, said
            if method == "POST" and path == "/api/graphs/":
                assert answer["detail"], said
        if path == "/api/graphs/":
            stored = response.status_code == 201
            assert Graph.objects.count() == rows + stored, said
            assert stored_body_count(media_root) == bodies + stored, said

    run()
