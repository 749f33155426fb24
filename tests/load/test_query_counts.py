"""List and detail endpoints cost a fixed number of queries, however many graphs, subgraphs and
collaborators there are (no N+1): each is measured with a few rows, then again with many more."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from graphs.collab.models import Role
from graphs.models import Graph, Visibility
from tests.factories import CollaboratorFactory, GraphFactory, SubgraphFactory, UserFactory

pytestmark = pytest.mark.django_db
MORE = 12


def queries(request: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == 200, getattr(response, "content", b"")[:300]
    return len(captured.captured_queries)


def grow(me, hub: Graph, n: int) -> None:
    """n more public graphs, each with its own owner, shared with `me`, and on `hub` n more
    collaborators and n more subgraphs by n different authors."""
    for _ in range(n):
        other = UserFactory()
        graph = GraphFactory(owner=other, visibility=Visibility.PUBLIC)
        CollaboratorFactory(graph=graph, user=me, role=Role.VIEWER)
        CollaboratorFactory(graph=hub, user=other, role=Role.EDITOR)
        SubgraphFactory(graph=hub, author=other)


@pytest.fixture
def world():
    me = UserFactory(username="me")
    hub = GraphFactory(owner=me, visibility=Visibility.PUBLIC)
    grow(me, hub, 1)
    api = APIClient()
    api.force_authenticate(me)
    web = Client()
    web.force_login(me)
    return me, hub, api, web


@pytest.mark.parametrize(
    "path",
    [
        "/api/graphs/",
        "/api/graphs/?scope=mine",
        "/api/graphs/{hub}/",
        "/api/graphs/{hub}/subgraphs/",
        "/api/graphs/{hub}/collaborators/",
        "/api/graphs/{hub}/activity/",
    ],
)
def test_it_answers_an_api_list_or_detail_in_as_many_queries_with_many_rows(
    world, path, django_assert_max_num_queries
):
    me, hub, api, _ = world
    url = path.format(hub=hub.pk)
    few = queries(lambda: api.get(url))
    grow(me, hub, MORE)
    with django_assert_max_num_queries(few):
        api.get(url)
    assert few <= 4


@pytest.mark.parametrize(
    "path", ["/", "/graphs/public/", "/graphs/mine/", "/graphs/shared/", "/graphs/{hub}/"]
)
def test_it_renders_a_page_in_as_many_queries_with_many_rows(
    world, path, django_assert_max_num_queries
):
    me, hub, _, web = world
    url = path.format(hub=hub.pk)
    few = queries(lambda: web.get(url))
    grow(me, hub, MORE)
    with django_assert_max_num_queries(few):
        web.get(url)
    assert few <= 7
