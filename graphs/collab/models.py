"""Collaboration's models.

A Collaborator gives another user access to a graph: viewer (sees it) or editor (also edits).
An Activity records who did what on a graph (a subgraph saved, renamed or deleted, a collaborator
added, changed or removed), so the graph page can show a history that survives reloads, and the
live channel can announce the same entry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from graphs.ids import PUBLIC_ID_LENGTH, new_public_id


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"


class Collaborator(models.Model):
    # What URLs and answers name a collaborator by: random, so the rows cannot be counted.
    public_id = models.CharField(
        max_length=PUBLIC_ID_LENGTH, unique=True, default=new_public_id, editable=False
    )
    graph = models.ForeignKey(
        "graphs.Graph", on_delete=models.CASCADE, related_name="collaborators"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collaborations"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    # The e-mail address the owner typed when they added the account by e-mail: the owner is
    # shown this, never the account's username, so adding by e-mail looks nobody's name up.
    invited_as = models.CharField(max_length=254, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Created by the graphs app; the table kept its name when the model moved here.
        db_table = "graphs_collaborator"
        constraints = [
            models.UniqueConstraint(fields=["graph", "user"], name="collaborator_unique_per_graph"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) on {self.graph_id}"

    def shown_name(self, *, to_owner: bool) -> str:
        """The owner sees what they typed (an e-mail address, when added by one); other members
        see the username of a fellow member."""
        if to_owner and self.invited_as:
            return self.invited_as
        return self.user.get_username()

    def public_name(self) -> str:
        """How the activity history, which every member reads, names the collaborator: the
        username, or the e-mail address masked when the owner added them by e-mail."""
        if self.invited_as:
            return mask_email(self.invited_as)
        return self.user.get_username()


def mask_email(address: str) -> str:
    """'alice@example.org' -> 'a…@example.org': recognisable to who typed it, no more."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"


class Verb(models.TextChoices):
    SUBGRAPH_SAVED = "subgraph_saved", "saved a subgraph"
    SUBGRAPH_RENAMED = "subgraph_renamed", "renamed a subgraph"
    SUBGRAPH_DELETED = "subgraph_deleted", "deleted a subgraph"
    COLLABORATOR_ADDED = "collaborator_added", "added a collaborator"
    COLLABORATOR_CHANGED = "collaborator_changed", "changed a collaborator's role"
    COLLABORATOR_REMOVED = "collaborator_removed", "removed a collaborator"
    SUBGRAPH_FEATURED = "subgraph_featured", "featured a subgraph"
    SUBGRAPH_UNFEATURED = "subgraph_unfeatured", "unfeatured a subgraph"
    SUBGRAPH_HIDDEN = "subgraph_hidden", "hid a subgraph"
    SUBGRAPH_SHOWN = "subgraph_shown", "showed a hidden subgraph"
    GRAPH_EDITED = "graph_edited", "edited the title or description"
    VISIBILITY_CHANGED = "visibility_changed", "changed the visibility"


# Entries about collaborators name people: only members of the graph see them.
MEMBER_ONLY = (Verb.COLLABORATOR_ADDED, Verb.COLLABORATOR_CHANGED, Verb.COLLABORATOR_REMOVED)


class Activity(models.Model):
    public_id = models.CharField(
        max_length=PUBLIC_ID_LENGTH, unique=True, default=new_public_id, editable=False
    )
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
    # Shown to the graph's members only: entries about collaborators, everything that happened
    # while the graph was private (it stays private history when the graph goes public), and
    # entries about a subgraph its moderators hid or deleted.
    members_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        # Created by the graphs app; the table kept its name when the model moved here.
        db_table = "graphs_activity"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["graph", "-created_at"], name="activity_graph_time_idx")]

    def __str__(self) -> str:
        return f"{self.actor} {self.verb} {self.subject} on {self.graph_id}"
