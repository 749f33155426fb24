"""Changing and deleting graphs. One transaction each."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from graphs import permissions
from graphs.collab.events import announce_access_change
from graphs.collab.models import Verb
from graphs.collab.services import record
from graphs.errors import GraphRejected, NotAllowed
from graphs.models import Graph
from graphs.services.uploads import TITLE_MAX, check_visibility
from graphs.storage import delete_body
from graphs.validation import Problem


@transaction.atomic
def update_graph(graph: Graph, actor: AbstractBaseUser, changes: dict[str, Any]) -> Graph:
    """Apply title/description (owner or editor), visibility (owner) and featured (staff)."""
    allowed = {"title", "description", "visibility", "featured"}
    unknown = set(changes) - allowed
    if unknown:
        raise GraphRejected(
            "unknown fields",
            [
                Problem(name, "cannot be changed (only title, description, visibility, featured)")
                for name in sorted(unknown)
            ],
        )
    if ("title" in changes or "description" in changes) and not permissions.can_edit_graph(
        actor, graph
    ):
        raise NotAllowed("only the owner or an editor may change the title and description")
    if "visibility" in changes and not permissions.can_administer_graph(actor, graph):
        raise NotAllowed("only the owner may change the visibility")
    if "featured" in changes and not permissions.can_feature_graph(actor):
        raise NotAllowed("only staff may feature a graph")

    before = (graph.title, graph.description)
    if "title" in changes:
        title = changes["title"]
        if not isinstance(title, str) or not (0 < len(title.strip()) <= TITLE_MAX):
            raise GraphRejected(
                "invalid title", [Problem("title", f"must have 1 to {TITLE_MAX} characters")]
            )
        graph.title = title.strip()
    if "description" in changes:
        if not isinstance(changes["description"], str):
            raise GraphRejected("invalid description", [Problem("description", "must be a string")])
        graph.description = changes["description"]
    was = graph.visibility
    if "visibility" in changes:
        graph.visibility = check_visibility(str(changes["visibility"]))
    if "featured" in changes:
        if not isinstance(changes["featured"], bool):
            raise GraphRejected("invalid featured", [Problem("featured", "must be true or false")])
        graph.featured = changes["featured"]
    graph.save()
    if (graph.title, graph.description) != before:
        record(graph, actor, Verb.GRAPH_EDITED, graph.title)
    if graph.visibility != was:
        # Announced with an access check: sockets of those who lose access close.
        record(graph, actor, Verb.VISIBILITY_CHANGED, graph.visibility, detail=f"was {was}")
    return graph


@transaction.atomic
def delete_graph(graph: Graph, actor: AbstractBaseUser) -> None:
    if not permissions.can_administer_graph(actor, graph):
        raise NotAllowed("only the owner may delete a graph")
    purge_graph(graph)


@transaction.atomic
def purge_graph(graph: Graph) -> None:
    """Delete the row (subgraphs and collaborators cascade), then its body once that commits:
    a rolled-back delete keeps a row whose body still exists. Open sockets of the graph re-check
    their access. No permission check: callers decide (the owner above, staff in the admin)."""
    key = graph.body_key
    announce_access_change(graph.pk)
    graph.delete()
    transaction.on_commit(lambda: delete_body(key))
