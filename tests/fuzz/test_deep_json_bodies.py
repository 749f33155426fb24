"""Every JSON endpoint, not only the graph upload, answers a body nested too deeply for Python's
json module with a 400: DRF's JSONParser let the RecursionError through, a 500 (found by
the fuzzing on POST /api/graphs/{id}/subgraphs/)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import GraphFactory, UserFactory

pytestmark = pytest.mark.django_db

DEEP = b'{"display_name": "x", "pinned_ids": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


@pytest.mark.parametrize(
    "method, path",
    [
        ("post", "/api/graphs/{id}/subgraphs/"),
        ("patch", "/api/graphs/{id}/"),
        ("post", "/api/generations/"),
        ("post", "/api/tokens/"),
        ("post", "/api/graphs/{id}/collaborators/"),
        ("post", "/api/graphs/{id}/features/batch/"),
    ],
)
def test_it_answers_a_json_body_nested_too_deeply_with_a_400_not_a_recursion_error(method, path):
    owner = UserFactory()
    graph = GraphFactory(owner=owner)
    client = APIClient()
    client.force_authenticate(owner)
    response = getattr(client, method)(
        path.format(id=graph.pk), DEEP, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]
