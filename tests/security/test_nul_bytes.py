"""NUL bytes in ids, query strings and fields: a clear 400, never a 500.

PostgreSQL text cannot hold NUL, so a lookup of `abc\\x00` raised DataError on every route that
takes an id from the path (a 500 before webapp/nul_bytes.py). Websocket paths with one are
refused like unknown ids. In JSON fields DRF refuses NUL per field.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from graphs.models import Visibility
from tests.factories import GraphFactory, UserFactory
from tests.security.endpoints import ROUTES
from tests.support.websockets import handshake

pytestmark = pytest.mark.django_db


def routes_with_an_id() -> list[str]:
    """Every route of the matrix with a path parameter, filled with an id holding a NUL byte."""
    paths = []
    for route in ROUTES:
        if "<" in route:
            paths.append("/" + re.sub(r"<\w+>", "a%00b", route))
    return paths


@pytest.fixture
def client(db) -> Client:
    c = Client()
    c.force_login(UserFactory(username="nul"))
    return c


@pytest.mark.parametrize("path", routes_with_an_id())
def test_an_id_with_a_nul_byte_is_a_400_with_a_message(client, path):
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        assert response.status_code == 400, (method, path, response.status_code)
        assert "NUL byte" in response.json()["detail"]


@pytest.mark.parametrize(
    "path", ["/api/graphs/?model=a%00b", "/graphs/public/?model=a%00b", "/?x=%00"]
)
def test_a_query_value_with_a_nul_byte_is_a_400(client, path):
    assert client.get(path).status_code == 400


def test_a_field_with_a_nul_byte_is_a_400_naming_the_field(client):
    graph = GraphFactory(owner=UserFactory(username="nul-owner"), visibility=Visibility.PUBLIC)
    response = client.post(
        f"/api/graphs/{graph.pk}/subgraphs/",
        {"display_name": "a\x00b"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert [p["path"] for p in response.json()["problems"]] == ["display_name"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/ws/graphs/a\x00b/", "/ws/jobs/a\x00b/"])
async def test_a_websocket_path_with_a_nul_byte_is_refused_like_an_unknown_id(path):
    assert await handshake(path) == (False, 4403)
