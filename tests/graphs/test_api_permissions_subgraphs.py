"""The permission matrix of /api/graphs/{id}/subgraphs/: every persona x every visibility.

Anyone who can see the graph reads its subgraphs; signed-in users who can see it save their
own; only the author changes or deletes one; owner and editors feature them. A subgraph link
never reveals a private graph (404).
"""

from __future__ import annotations

import pytest

from graphs.models import Subgraph
from tests.factories import SubgraphFactory
from tests.support.personas import ANONYMOUS_REFUSED, PERSONAS, VISIBILITIES

pytestmark = pytest.mark.django_db


def hidden(persona: str, visibility: str) -> bool:
    return visibility == "private" and persona in ("outsider", "anonymous")


def expect(status: int, wanted) -> None:
    assert status in (wanted if isinstance(wanted, tuple) else (wanted,)), status


def refused(persona: str, visibility: str):
    if persona == "anonymous":
        return ANONYMOUS_REFUSED
    return 404 if hidden(persona, visibility) else 403


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_shows_subgraphs_to_whoever_sees_the_graph(api, shared_graph, cast, persona, visibility):
    graph = shared_graph(visibility)
    subgraph = SubgraphFactory(graph=graph, author=cast.owner)
    client = api(persona)
    wanted = 404 if hidden(persona, visibility) else 200
    listing = client.get(f"/api/graphs/{graph.id}/subgraphs/")
    expect(listing.status_code, wanted)
    if wanted == 200:
        assert [s["id"] for s in listing.json()["results"]] == [subgraph.id]
    expect(client.get(f"/api/graphs/{graph.id}/subgraphs/{subgraph.id}/").status_code, wanted)


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_lets_signed_in_viewers_of_the_graph_save_subgraphs(
    api, shared_graph, persona, visibility
):
    graph = shared_graph(visibility)
    response = api(persona).post(
        f"/api/graphs/{graph.id}/subgraphs/",
        {"display_name": "mine", "pinned_ids": ["E_100_0"]},
        format="json",
    )
    allowed = persona != "anonymous" and not hidden(persona, visibility)
    expect(response.status_code, 201 if allowed else refused(persona, visibility))
    assert Subgraph.objects.filter(graph=graph).exists() == allowed


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_lets_only_the_author_change_a_subgraph(api, shared_graph, cast, persona, visibility):
    graph = shared_graph(visibility)
    subgraph = SubgraphFactory(graph=graph, author=cast.owner)
    url = f"/api/graphs/{graph.id}/subgraphs/{subgraph.id}/"
    patch = api(persona).patch(url, {"display_name": "changed", "version": 1}, format="json")
    put = api(persona).put(url, {"display_name": "replaced", "version": 1}, format="json")
    if persona == "owner":  # the author
        expect(patch.status_code, 200)
        expect(put.status_code, 409)  # the PATCH moved it to version 2
    else:
        expect(patch.status_code, refused(persona, visibility))
        expect(put.status_code, refused(persona, visibility))
    assert (Subgraph.objects.get(pk=subgraph.pk).display_name == "changed") == (persona == "owner")


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_lets_the_author_and_the_moderators_delete_a_subgraph(
    api, shared_graph, cast, persona, visibility
):
    graph = shared_graph(visibility)
    subgraph = SubgraphFactory(graph=graph, author=cast.viewer)
    response = api(persona).delete(f"/api/graphs/{graph.id}/subgraphs/{subgraph.id}/")
    allowed = persona in ("owner", "editor", "viewer")  # the graph's moderators and the author
    expect(response.status_code, 204 if allowed else refused(persona, visibility))
    assert Subgraph.objects.filter(pk=subgraph.pk).exists() == (not allowed)


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_lets_owner_and_editors_feature_anyones_subgraph(
    api, shared_graph, cast, persona, visibility
):
    graph = shared_graph(visibility)
    subgraph = SubgraphFactory(graph=graph, author=cast.viewer)  # the viewer's own subgraph
    response = api(persona).patch(
        f"/api/graphs/{graph.id}/subgraphs/{subgraph.id}/", {"featured": True}, format="json"
    )
    allowed = persona in ("owner", "editor")
    expect(response.status_code, 200 if allowed else refused(persona, visibility))
    subgraph.refresh_from_db()
    assert subgraph.featured == allowed
    assert subgraph.version == 1  # curating does not touch the author's content


def test_it_hides_a_subgraph_of_a_graph_that_became_private(api, shared_graph, cast):
    graph = shared_graph("public")
    subgraph = SubgraphFactory(graph=graph, author=cast.outsider)
    graph.visibility = "private"
    graph.save()
    response = api("outsider").get(f"/api/graphs/{graph.id}/subgraphs/{subgraph.id}/")
    assert response.status_code == 404
