"""Graph bodies that no row points to: listing them (for the audit) and removing them (the sweep).

A body is written before its row; if the process dies in between, or a caller's outer
transaction rolls back after the row was created, the body is left without a row. Bodies
younger than `older_than` are left alone, since their upload may still be committing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from graphs.models import Graph
from graphs.storage import BODY_PREFIX, INCOMING_PREFIX, delete_body, graph_storage


@dataclass(frozen=True)
class StoredKey:
    key: str
    modified: datetime


def _listed(prefix: str) -> list[StoredKey]:
    storage = graph_storage()
    try:
        _dirs, names = storage.listdir(prefix.rstrip("/"))
    except FileNotFoundError:
        return []
    return [StoredKey(prefix + name, storage.get_modified_time(prefix + name)) for name in names]


def stored_body_keys() -> list[StoredKey]:
    """Every body in storage, with its modification time (empty when the folder does not exist)."""
    return _listed(BODY_PREFIX)


def incoming_body_keys() -> list[StoredKey]:
    """Bodies being written, or left half-written by a process that died (graphs/storage.py)."""
    return _listed(INCOMING_PREFIX)


def bodies_without_rows(stored: list[StoredKey]) -> list[StoredKey]:
    """The stored bodies among `stored` that no Graph row points to."""
    keys = [item.key for item in stored]
    known: set[str] = set()
    # Chunks keep the IN list of one query bounded on a big store.
    for start in range(0, len(keys), 1000):
        known.update(
            Graph.objects.filter(body_key__in=keys[start : start + 1000]).values_list(
                "body_key", flat=True
            )
        )
    return [item for item in stored if item.key not in known]


def sweep_orphan_bodies(
    older_than: timedelta = timedelta(hours=1), *, dry_run: bool = False
) -> list[str]:
    """Delete (unless dry_run) bodies without a row, and half-written ones, that are older than
    `older_than`; return their keys."""
    cutoff = timezone.now() - older_than
    orphans = [
        item.key for item in bodies_without_rows(stored_body_keys()) if item.modified < cutoff
    ]
    leftovers = [item.key for item in incoming_body_keys() if item.modified < cutoff]
    if not dry_run:
        for key in leftovers:
            delete_body(key)
        for key in orphans:
            # Re-check just before deleting: a row may have committed since the listing.
            if not Graph.objects.filter(body_key=key).exists():
                delete_body(key)
    return leftovers + orphans
