"""Queries behind the browser pages. Who may see what is decided by graphs.permissions only."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from graphs.models import Graph
from graphs.permissions import can_view_graph, graphs_of, listed_graphs


def listed_public_graphs() -> QuerySet[Graph]:
    # Only `public` graphs are listed; `unlisted` ones are reachable by their link alone.
    return listed_graphs()


def graphs_shared_with(user: AbstractBaseUser) -> QuerySet[Graph]:
    return graphs_of(user).exclude(owner_id=user.pk)


def viewable_graph(user: AbstractBaseUser | AnonymousUser, graph_id: str) -> Graph | None:
    """The graph if `user` may see it; None for an unknown id and a refused one alike."""
    graph = Graph.objects.select_related("owner").filter(pk=graph_id).first()
    if graph is None or not can_view_graph(user, graph):
        return None
    return graph
