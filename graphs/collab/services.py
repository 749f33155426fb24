"""Collaboration's write paths: managing a graph's collaborators, and recording activity on a
graph (one row per action, announced live once it commits). One transaction each."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from graphs import permissions
from graphs.collab.events import announce
from graphs.collab.models import MEMBER_ONLY, Activity, Collaborator, Role, Verb
from graphs.errors import GraphRejected, NotAllowed
from graphs.models import Graph, Visibility
from graphs.validation import Problem

# After these, every open socket of the graph checks its user's access and role again.
ACCESS_VERBS = (*MEMBER_ONLY, Verb.VISIBILITY_CHANGED)


def record(
    graph: Graph,
    actor: AbstractBaseUser,
    verb: Verb,
    subject: str = "",
    *,
    subgraph_id: str = "",
    detail: str = "",
    members_only: bool = False,
) -> Activity:
    """Call inside the write's transaction: the row and the announcement share its fate.
    Entries about collaborators, and everything done while the graph is private, are the
    members' history: they stay members-only when the graph later goes public."""
    entry = Activity.objects.create(
        graph=graph,
        actor=actor,
        verb=verb,
        subject=subject[:200],
        subgraph_id=subgraph_id,
        detail=detail[:200],
        members_only=(
            members_only or verb in MEMBER_ONLY or graph.visibility == Visibility.PRIVATE
        ),
    )
    announce(entry, access_changed=verb in ACCESS_VERBS)
    return entry


@transaction.atomic
def set_collaborator(
    graph: Graph,
    actor: AbstractBaseUser,
    user: AbstractBaseUser,
    role: str,
    *,
    invited_as: str = "",
) -> Collaborator:
    """Add `user` in `role`, or change their role. `invited_as`: the e-mail address the owner
    found them by, which is then how the owner and the history name them."""
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
        graph=graph,
        user=user,
        defaults={"role": role},
        create_defaults={"role": role, "invited_as": invited_as},
    )
    record(
        graph,
        actor,
        Verb.COLLABORATOR_ADDED if created else Verb.COLLABORATOR_CHANGED,
        collaborator.public_name(),
        detail=f"as {role}",
    )
    return collaborator


@transaction.atomic
def remove_collaborator(graph: Graph, actor: AbstractBaseUser, user: AbstractBaseUser) -> None:
    if not permissions.can_administer_graph(actor, graph):
        raise NotAllowed("only the owner may manage collaborators")
    collaborator = Collaborator.objects.filter(graph=graph, user=user).first()
    if collaborator is not None:
        collaborator.delete()
        # Access ends at commit: the announcement makes the removed user's sockets re-check.
        record(graph, actor, Verb.COLLABORATOR_REMOVED, collaborator.public_name())
