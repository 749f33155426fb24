"""Which graph writes move the answer epoch: every one that can change an answer anyone may
read, and not the creation of a private graph (what a generation stores), which would otherwise
drop every kept answer and replay at once."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from graphs import answer_cache
from graphs.models import Visibility
from graphs.services import update_graph
from tests.factories import GraphFactory, UserFactory
from tests.support.caches import fresh_cache

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def local_cache(settings):
    settings.CACHES = fresh_cache("locmem")


def test_a_new_private_graph_keeps_the_epoch():
    owner = UserFactory()
    before = answer_cache.current_epoch()
    GraphFactory(owner=owner, visibility=Visibility.PRIVATE)
    assert answer_cache.current_epoch() == before


def test_a_new_public_or_unlisted_graph_moves_it():
    for visibility in (Visibility.PUBLIC, Visibility.UNLISTED):
        before = answer_cache.current_epoch()
        GraphFactory(visibility=visibility)
        assert answer_cache.current_epoch() != before, visibility


def test_a_private_graph_made_public_is_listed_at_once():
    owner = UserFactory()
    graph = GraphFactory(owner=owner, visibility=Visibility.PRIVATE)
    anonymous = APIClient()
    assert anonymous.get("/api/graphs/").json()["count"] == 0
    before = answer_cache.current_epoch()
    update_graph(graph, owner, {"visibility": Visibility.PUBLIC})
    assert answer_cache.current_epoch() != before
    assert anonymous.get("/api/graphs/").json()["count"] == 1
    assert anonymous.get(f"/api/graphs/{graph.pk}/").status_code == 200
