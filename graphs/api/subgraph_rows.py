"""Subgraphs of a list, as the API shows them, without DRF's serializer.

A page of 50 saved views went through `SubgraphSerializer` field by field, every pin and label
through a CharField: the largest part of a subgraph list request's CPU. Here the rows are read as
values (no model instances) and written as the serializer writes them, the same JSON to the byte
(tests/load/test_subgraph_rows.py compares the two); the serializer stays the one for reading
input and for single subgraphs, and the source of the field list.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from graphs.api.serializers import SubgraphSerializer
from graphs.models import Subgraph

# Every field the serializer shows, in its order, and the column each is read from.
_COLUMNS = {
    "id": "id",
    "graph": "graph_id",
    "display_name": "display_name",
    "pinned_ids": "pinned_ids",
    "supernodes": "supernodes",
    "clerps": "clerps",
    "pruning_threshold": "pruning_threshold",
    "density_threshold": "density_threshold",
    "featured": "featured",
    "hidden": "hidden",
    "version": "version",
    "author": None,  # the author's username: set below, once the user model is known
    "created_at": "created_at",
    "updated_at": "updated_at",
}
assert list(_COLUMNS) == list(SubgraphSerializer.Meta.fields), "keep in step with the serializer"


def _columns() -> dict[str, str]:
    return {**_COLUMNS, "author": f"author__{get_user_model().USERNAME_FIELD}"}


def _strings(values: Any) -> list | None:
    # A ListField of CharFields: each item as str, a None kept.
    if values is None:
        return None
    return [None if v is None else str(v) for v in values]


def _string_lists(values: Any) -> list | None:
    if values is None:
        return None
    return [None if v is None else _strings(v) for v in values]


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _timestamp(value: datetime | None) -> str | None:
    # DRF's ISO 8601 in UTC (TIME_ZONE), "+00:00" written "Z".
    if not value:
        return None
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def subgraph_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The API representation of each row of `rows_of(...)` (a page of it), as
    `SubgraphSerializer(many=True).data` shows the same subgraphs."""
    columns = _columns()
    return [
        {
            "id": str(row[columns["id"]]),
            "graph": str(row[columns["graph"]]),
            "display_name": str(row[columns["display_name"]]),
            "pinned_ids": _strings(row[columns["pinned_ids"]]),
            "supernodes": _string_lists(row[columns["supernodes"]]),
            "clerps": _string_lists(row[columns["clerps"]]),
            "pruning_threshold": _float(row[columns["pruning_threshold"]]),
            "density_threshold": _float(row[columns["density_threshold"]]),
            "featured": bool(row[columns["featured"]]),
            "hidden": bool(row[columns["hidden"]]),
            "version": int(row[columns["version"]]),
            "author": str(row[columns["author"]]),
            "created_at": _timestamp(row[columns["created_at"]]),
            "updated_at": _timestamp(row[columns["updated_at"]]),
        }
        for row in rows
    ]


def rows_of(subgraphs: QuerySet[Subgraph]) -> QuerySet:
    """The columns `subgraph_rows` reads, as a values() queryset (paginate it, then pass it on)."""
    return subgraphs.values(*_columns().values())
