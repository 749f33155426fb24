"""Collaboration's models.

A Collaborator gives another user access to a graph: viewer (sees it) or editor (also edits).
An Activity records who did what on a graph (a subgraph saved, renamed or deleted, a collaborator
added, changed or removed), so the graph page can show a history that survives reloads, and the
live channel can announce the same entry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"


class Collaborator(models.Model):
    graph = models.ForeignKey(
        "graphs.Graph", on_delete=models.CASCADE, related_name="collaborators"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collaborations"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Created by the graphs app; the table kept its name when the model moved here.
        db_table = "graphs_collaborator"
        constraints = [
            models.UniqueConstraint(fields=["graph", "user"], name="collaborator_unique_per_graph"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) on {self.graph_id}"


class Verb(models.TextChoices):
    SUBGRAPH_SAVED = "subgraph_saved", "saved a subgraph"
    SUBGRAPH_RENAMED = "subgraph_renamed", "renamed a subgraph"
    SUBGRAPH_DELETED = "subgraph_deleted", "deleted a subgraph"
    COLLABORATOR_ADDED = "collaborator_added", "added a collaborator"
    COLLABORATOR_CHANGED = "collaborator_changed", "changed a collaborator's role"
    COLLABORATOR_REMOVED = "collaborator_removed", "removed a collaborator"


# Entries about collaborators name people: only members of the graph see them.
MEMBER_ONLY = (Verb.COLLABORATOR_ADDED, Verb.COLLABORATOR_CHANGED, Verb.COLLABORATOR_REMOVED)


class Activity(models.Model):
    graph = models.ForeignKey("graphs.Graph", on_delete=models.CASCADE, related_name="activities")
    # Kept when the actor's account goes: the history still says something happened.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    verb = models.CharField(max_length=32, choices=Verb.choices)
    # What it was done to, as shown: a subgraph's name or a collaborator's username. Plain text;
    # the page writes it with textContent.
    subject = models.CharField(max_length=200, blank=True)
    # The subgraph's id (no foreign key: a deleted subgraph's entry stays).
    subgraph_id = models.CharField(max_length=32, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        # Created by the graphs app; the table kept its name when the model moved here.
        db_table = "graphs_activity"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["graph", "-created_at"], name="activity_graph_time_idx")]

    def __str__(self) -> str:
        return f"{self.actor} {self.verb} {self.subject} on {self.graph_id}"
