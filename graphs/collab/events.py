"""Live events of a graph (/ws/graphs/{id}/): activity entries and access changes, delivered to
the graph's channel group after the write commits (services call `announce` inside their
transaction; `transaction.on_commit` holds the message until then, so a rollback says nothing)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from graphs.collab.models import Activity
from graphs.generation import events


def group_name(graph_id: str) -> str:
    return f"graph.{graph_id}"


def activity_payload(entry: Activity) -> dict[str, Any]:
    return {
        "id": entry.public_id,
        "verb": entry.verb,
        "verb_display": entry.get_verb_display(),
        "actor": entry.actor.get_username() if entry.actor_id else None,
        "subject": entry.subject,
        "subgraph_id": entry.subgraph_id or None,
        "detail": entry.detail,
        "created_at": entry.created_at.isoformat(),
    }


def announce(entry: Activity, *, access_changed: bool = False) -> None:
    """Queue the entry for everyone watching its graph. `access_changed`: who may see the graph
    changed, so each open socket checks its user again (and closes when access is gone)."""
    message = {
        "type": "graph.activity",
        "activity": activity_payload(entry),
        "members_only": entry.members_only,
        "access_changed": access_changed,
    }
    group = group_name(entry.graph_id)
    transaction.on_commit(lambda: events.group_send(group, message))


def announce_access_change(graph_id: str) -> None:
    """The graph went (or who may see it changed): every socket re-checks its access."""
    message = {"type": "graph.access", "graph_id": graph_id}
    group = group_name(graph_id)
    transaction.on_commit(lambda: events.group_send(group, message))
