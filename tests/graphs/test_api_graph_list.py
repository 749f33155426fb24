"""GET /api/graphs/: public (default), mine and featured listings, paginated, filtered by model."""

from __future__ import annotations

import pytest

from tests.factories import GraphFactory
from tests.support.personas import ANONYMOUS_REFUSED

pytestmark = pytest.mark.django_db


def ids(response) -> set[str]:
    assert response.status_code == 200
    return {g["id"] for g in response.json()["results"]}


def test_it_lists_only_public_graphs_by_default(api, shared_graph):
    public, _unlisted, _private = (shared_graph(v) for v in ("public", "unlisted", "private"))
    for persona in ("owner", "outsider", "anonymous"):
        assert ids(api(persona).get("/api/graphs/")) == {public.id}


def test_it_lists_my_graphs_and_those_shared_with_me(api, cast, shared_graph):
    mine = {shared_graph(v).id for v in ("public", "unlisted", "private")}
    GraphFactory(owner=cast.outsider, visibility="public")
    assert ids(api("owner").get("/api/graphs/?scope=mine")) == mine
    assert ids(api("viewer").get("/api/graphs/?scope=mine")) == mine
    assert ids(api("outsider").get("/api/graphs/?scope=mine")) != mine
    assert api("anonymous").get("/api/graphs/?scope=mine").status_code in ANONYMOUS_REFUSED


def test_it_lists_featured_public_graphs(api):
    featured = GraphFactory(visibility="public", featured=True)
    GraphFactory(visibility="public")
    GraphFactory(visibility="unlisted", featured=True)  # featured but not listed
    assert ids(api("anonymous").get("/api/graphs/?scope=featured")) == {featured.id}


def test_it_filters_by_model(api):
    gemma = GraphFactory(visibility="public", model_id="gemma-2-2b")
    GraphFactory(visibility="public", model_id="demo-model")
    assert ids(api("anonymous").get("/api/graphs/?model=gemma-2-2b")) == {gemma.id}


def test_it_paginates(api):
    for _ in range(3):
        GraphFactory(visibility="public")
    first = api("anonymous").get("/api/graphs/?page_size=2").json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]


def test_it_refuses_an_unknown_scope(api):
    response = api("owner").get("/api/graphs/?scope=everything")
    assert response.status_code == 400 and response.json()["problems"][0]["path"] == "scope"
