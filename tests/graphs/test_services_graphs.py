"""update_graph, delete_graph and collaborators: who may change what; bodies go with rows."""

from __future__ import annotations

import pytest

from graphs.collab.models import Collaborator, Role
from graphs.collab.services import set_collaborator
from graphs.models import Graph, Subgraph
from graphs.services import GraphRejected, NotAllowed, delete_graph, update_graph
from graphs.storage import graph_storage
from tests.factories import CollaboratorFactory, GraphFactory, SubgraphFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.datalayer]


def test_it_lets_an_editor_change_title_but_not_visibility():
    graph = GraphFactory()
    editor = CollaboratorFactory(graph=graph, role=Role.EDITOR).user
    update_graph(graph, editor, {"title": "New title"})
    assert Graph.objects.get(pk=graph.pk).title == "New title"
    with pytest.raises(NotAllowed, match="only the owner"):
        update_graph(graph, editor, {"visibility": "public"})


def test_it_lets_only_staff_feature_a_graph():
    graph = GraphFactory()
    with pytest.raises(NotAllowed, match="staff"):
        update_graph(graph, graph.owner, {"featured": True})
    update_graph(graph, UserFactory(is_staff=True), {"featured": True})
    assert Graph.objects.get(pk=graph.pk).featured


def test_it_refuses_unknown_visibility_and_fields():
    graph = GraphFactory()
    with pytest.raises(GraphRejected, match="visibility"):
        update_graph(graph, graph.owner, {"visibility": "secret"})
    with pytest.raises(GraphRejected, match="unknown fields"):
        update_graph(graph, graph.owner, {"body_key": "x"})


def test_it_deletes_the_body_only_after_the_row_deletion_commits(
    django_capture_on_commit_callbacks,
):
    graph = GraphFactory()
    SubgraphFactory(graph=graph)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delete_graph(graph, graph.owner)
    assert graph_storage().exists(graph.body_key)  # not yet: the deletion has not committed
    assert not Graph.objects.filter(pk=graph.pk).exists() and not Subgraph.objects.exists()
    for callback in callbacks:
        callback()
    assert not graph_storage().exists(graph.body_key)


def test_it_lets_only_the_owner_delete():
    graph = GraphFactory()
    editor = CollaboratorFactory(graph=graph, role=Role.EDITOR).user
    with pytest.raises(NotAllowed):
        delete_graph(graph, editor)
    assert Graph.objects.filter(pk=graph.pk).exists()


def test_it_lets_only_the_owner_manage_collaborators():
    graph = GraphFactory()
    friend = UserFactory()
    set_collaborator(graph, graph.owner, friend, Role.VIEWER)
    set_collaborator(graph, graph.owner, friend, Role.EDITOR)
    assert Collaborator.objects.get(graph=graph, user=friend).role == Role.EDITOR
    with pytest.raises(NotAllowed):
        set_collaborator(graph, friend, UserFactory(), Role.VIEWER)
