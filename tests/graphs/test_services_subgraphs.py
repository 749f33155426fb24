"""save_subgraph / update_subgraph / delete_subgraph: validation, authorship, versions."""

from __future__ import annotations

import pytest

from graphs.collab.models import Role
from graphs.models import Subgraph
from graphs.services import (
    GraphRejected,
    NotAllowed,
    StaleVersion,
    delete_subgraph,
    save_subgraph,
    update_subgraph,
)
from tests.factories import CollaboratorFactory, GraphFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.datalayer]


@pytest.fixture
def graph():
    return GraphFactory(visibility="public")


def test_it_saves_a_subgraph_that_fits_its_graph(graph):
    subgraph = save_subgraph(
        graph,
        UserFactory(),
        {
            "display_name": " Mine ",
            "pinned_ids": ["E_100_0", "E_101_1"],
            "supernodes": [["tokens", "E_100_0", "E_101_1"]],
            "clerps": [["E_100_0", "bos"]],
        },
    )
    assert subgraph.display_name == "Mine" and subgraph.version == 1


def test_it_refuses_a_subgraph_naming_nodes_the_graph_lacks(graph):
    with pytest.raises(GraphRejected) as caught:
        save_subgraph(graph, UserFactory(), {"display_name": "x", "pinned_ids": ["nope"]})
    assert [(p.path, p.message) for p in caught.value.problems] == [
        ("pinned_ids[0]", "node 'nope' is not in the graph")
    ]
    assert not Subgraph.objects.exists()


def test_it_bumps_the_version_and_refuses_a_stale_one(graph):
    author = UserFactory()
    subgraph = save_subgraph(graph, author, {"display_name": "v1"})
    update_subgraph(subgraph, author, {"display_name": "v2"}, expected_version=1)
    with pytest.raises(StaleVersion) as caught:
        update_subgraph(subgraph, author, {"display_name": "lost"}, expected_version=1)
    assert caught.value.extra["current_version"] == 2
    assert Subgraph.objects.get(pk=subgraph.pk).display_name == "v2"


def test_it_lets_only_the_author_change_and_the_author_or_moderators_delete(graph):
    subgraph = save_subgraph(graph, UserFactory(), {"display_name": "theirs"})
    with pytest.raises(NotAllowed):
        update_subgraph(subgraph, graph.owner, {"display_name": "hijack"}, expected_version=1)
    with pytest.raises(NotAllowed):
        delete_subgraph(subgraph, UserFactory())
    delete_subgraph(subgraph, subgraph.author)
    assert not Subgraph.objects.exists()
    moderated = save_subgraph(graph, UserFactory(), {"display_name": "spam"})
    delete_subgraph(moderated, graph.owner)
    assert not Subgraph.objects.exists()


def test_it_lets_only_owner_or_editor_feature(graph):
    outsider = UserFactory()
    with pytest.raises(NotAllowed, match="feature"):
        save_subgraph(graph, outsider, {"display_name": "x", "featured": True})
    editor = CollaboratorFactory(graph=graph, role=Role.EDITOR).user
    assert save_subgraph(graph, editor, {"display_name": "x", "featured": True}).featured


def test_it_refuses_subgraphs_on_graphs_the_author_cannot_see():
    private = GraphFactory(visibility="private")
    with pytest.raises(NotAllowed):
        save_subgraph(private, UserFactory(), {"display_name": "x"})
