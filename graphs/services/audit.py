"""Consistency audit of the database and the graph body storage: what points nowhere.

Finds graph rows whose body is missing from storage, bodies no row points to, and rows of
subgraphs, collaborators, activity and generation jobs whose graph no longer exists (the
database's foreign keys should prevent those; the audit checks rather than trusts, e.g. after a
restore from backups taken at different times).

A body without a row is only an orphan once it is older than `grace`: an upload writes its body
before its row commits, so a young one may belong to an upload still in flight. Those are listed
apart (`recent_bodies`) and are not findings. Likewise only rows created before the storage
listing began are checked for a missing body.

A file under graphs/incoming/ is a body being written, or one a killed process left half-written
(graphs/storage.py): older than `grace` it is a finding (`incomplete_bodies`), younger it is
listed apart (`bodies_in_flight`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone

from graphs.collab.models import Activity, Collaborator
from graphs.generation.models import GenerationJob
from graphs.models import Graph, Subgraph
from graphs.services.orphan_bodies import (
    bodies_without_rows,
    incoming_body_keys,
    stored_body_keys,
)

DEFAULT_GRACE = timedelta(hours=1)

# Rows that belong to a graph: (finding name, model).
DEPENDENT_ROWS: tuple[tuple[str, type[Model]], ...] = (
    ("subgraphs_of_missing_graphs", Subgraph),
    ("collaborators_of_missing_graphs", Collaborator),
    ("activity_of_missing_graphs", Activity),
    ("jobs_of_missing_graphs", GenerationJob),
)


@dataclass
class AuditReport:
    # Findings: each is a list of ids (rows) or storage keys (bodies).
    graphs_without_body: list[str] = field(default_factory=list)
    orphan_bodies: list[str] = field(default_factory=list)
    incomplete_bodies: list[str] = field(default_factory=list)
    dependents: dict[str, list[str]] = field(default_factory=dict)
    # Not findings: bodies without a row that are younger than the grace period.
    recent_bodies: list[str] = field(default_factory=list)
    bodies_in_flight: list[str] = field(default_factory=list)
    grace_seconds: int = int(DEFAULT_GRACE.total_seconds())
    bodies_checked: int = 0
    graphs_checked: int = 0

    def findings(self) -> dict[str, list[str]]:
        return {
            "graphs_without_body": self.graphs_without_body,
            "orphan_bodies": self.orphan_bodies,
            "incomplete_bodies": self.incomplete_bodies,
            **self.dependents,
        }

    @property
    def clean(self) -> bool:
        return not any(self.findings().values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "clean": self.clean,
            "findings": self.findings(),
            "recent_bodies": self.recent_bodies,
            "bodies_in_flight": self.bodies_in_flight,
            "grace_seconds": self.grace_seconds,
            "bodies_checked": self.bodies_checked,
            "graphs_checked": self.graphs_checked,
        }


def _rows_of_missing_graphs(model: type[Model]) -> QuerySet:
    return model.objects.filter(graph_id__isnull=False).exclude(
        graph_id__in=Graph.objects.values("pk")
    )


def audit_storage(grace: timedelta = DEFAULT_GRACE) -> AuditReport:
    """Everything that points nowhere, as of now. Read-only."""
    report = AuditReport(grace_seconds=int(grace.total_seconds()))
    listing_started = timezone.now()
    stored = stored_body_keys()
    report.bodies_checked = len(stored)
    cutoff = listing_started - grace
    for item in bodies_without_rows(stored):
        (report.orphan_bodies if item.modified < cutoff else report.recent_bodies).append(item.key)
    for item in incoming_body_keys():
        target = report.incomplete_bodies if item.modified < cutoff else report.bodies_in_flight
        target.append(item.key)

    stored_keys = {item.key for item in stored}
    # A graph created after the listing began may have a body the listing missed.
    checked = Graph.objects.filter(created_at__lt=listing_started).values_list("pk", "body_key")
    for graph_id, body_key in checked.iterator(chunk_size=2000):
        report.graphs_checked += 1
        if body_key not in stored_keys:
            report.graphs_without_body.append(graph_id)

    for name, model in DEPENDENT_ROWS:
        report.dependents[name] = [
            str(pk) for pk in _rows_of_missing_graphs(model).values_list("pk", flat=True)
        ]
    return report
