"""Collaboration's write paths: managing a graph's collaborators, and recording activity on a
graph (one row per action, announced live once it commits). One transaction each."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from graphs import permissions
from graphs.collab.events import announce
from graphs.collab.models import MEMBER_ONLY, Activity, Collaborator, Role, Verb
from graphs.errors import GraphRejected, NotAllowed
from graphs.models import Graph
from graphs.validation import Problem


def record(
    graph: Graph,
    actor: AbstractBaseUser,
    verb: Verb,
    subject: str = "",
    *,
    subgraph_id: str = "",
    detail: str = "",
) -> Activity:
    """Call inside the write's transaction: the row and the announcement share its fate."""
    entry = Activity.objects.create(
        graph=graph,
        actor=actor,
        verb=verb,
        subject=subject[:200],
        subgraph_id=subgraph_id,
        detail=detail[:200],
    )
    announce(entry, access_changed=verb in MEMBER_ONLY)
    return entry


@transaction.atomic
def set_collaborator(
    graph: Graph, actor: AbstractBaseUser, user: AbstractBaseUser, role: str
) -> Collaborator:
    if not permissions.can_administer_graph(actor, graph):
        raise NotAllowed("only the owner may manage collaborators")
    if role not in Role.values:
        raise GraphRejected(
            "invalid role", [Problem("role", f"must be one of: {', '.join(Role.values)}")]
        )
    if user.pk == graph.owner_id:
        raise GraphRejected(
            "invalid collaborator", [Problem("user", "the owner cannot be a collaborator")]
        )
    previous = Collaborator.objects.filter(graph=graph, user=user).first()
    if previous is not None and previous.role == role:
        return previous
    collaborator, created = Collaborator.objects.update_or_create(
        graph=graph, user=user, defaults={"role": role}
    )
    record(
        graph,
        actor,
        Verb.COLLABORATOR_ADDED if created else Verb.COLLABORATOR_CHANGED,
        user.get_username(),
        detail=f"as {role}",
    )
    return collaborator


@transaction.atomic
def remove_collaborator(graph: Graph, actor: AbstractBaseUser, user: AbstractBaseUser) -> None:
    if not permissions.can_administer_graph(actor, graph):
        raise NotAllowed("only the owner may manage collaborators")
    deleted, _ = Collaborator.objects.filter(graph=graph, user=user).delete()
    if deleted:
        # Access ends at commit: the announcement makes the removed user's sockets re-check.
        record(graph, actor, Verb.COLLABORATOR_REMOVED, user.get_username())
