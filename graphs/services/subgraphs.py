"""Saving, updating and deleting subgraphs. Each is one transaction; updates use the version
column for optimistic concurrency (a conditional UPDATE, so two racing saves cannot both win)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from graphs import permissions
from graphs.body_facts import graph_node_ids
from graphs.collab.models import Verb
from graphs.collab.services import record
from graphs.errors import GraphRejected, NotAllowed, StaleVersion
from graphs.models import Graph, Subgraph
from graphs.models.subgraph import subgraph_problems
from graphs.validation import Problem

EDITABLE = (
    "display_name",
    "pinned_ids",
    "supernodes",
    "clerps",
    "pruning_threshold",
    "density_threshold",
    "featured",
)


def _checked(graph: Graph, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields, tidied, if the subgraph fits its graph; else GraphRejected naming each problem."""
    name = fields.get("display_name")
    if not isinstance(name, str) or not (0 < len(name.strip()) <= 200):
        raise GraphRejected(
            "invalid subgraph", [Problem("display_name", "must have 1 to 200 characters")]
        )
    if "featured" in fields and not isinstance(fields["featured"], bool):
        raise GraphRejected("invalid subgraph", [Problem("featured", "must be true or false")])
    problems = subgraph_problems(
        pinned_ids=fields.get("pinned_ids", []),
        supernodes=fields.get("supernodes", []),
        clerps=fields.get("clerps", []),
        pruning_threshold=fields.get("pruning_threshold"),
        density_threshold=fields.get("density_threshold"),
        node_ids=graph_node_ids(graph),
    )
    if problems:
        raise GraphRejected(
            f"the subgraph does not fit its graph ({len(problems)} problem(s))",
            [Problem(path, message) for path, message in problems],
        )
    return {**fields, "display_name": name.strip()}


@transaction.atomic
def save_subgraph(graph: Graph, author: AbstractBaseUser, fields: dict[str, Any]) -> Subgraph:
    if not permissions.can_create_subgraph(author, graph):
        raise NotAllowed("sign in, with access to the graph, to save a subgraph")
    fields = {k: v for k, v in fields.items() if k in EDITABLE}
    if fields.get("featured") and not permissions.can_feature_subgraph(author, graph):
        raise NotAllowed("only the graph's owner or an editor may feature a subgraph")
    subgraph = Subgraph.objects.create(graph=graph, author=author, **_checked(graph, fields))
    record(graph, author, Verb.SUBGRAPH_SAVED, subgraph.display_name, subgraph_id=subgraph.pk)
    return subgraph


@transaction.atomic
def duplicate_subgraph(
    source: Subgraph, actor: AbstractBaseUser, display_name: str | None = None
) -> Subgraph:
    """ "Save as mine": a copy of a visible subgraph, authored by `actor`, never featured."""
    if not permissions.can_view_subgraph(actor, source):
        raise NotAllowed("you may not see that subgraph")
    fields = {name: getattr(source, name) for name in EDITABLE if name != "featured"}
    fields["display_name"] = display_name or f"{source.display_name} (copy)"[:200]
    return save_subgraph(source.graph, actor, fields)


@transaction.atomic
def update_subgraph(
    subgraph: Subgraph,
    actor: AbstractBaseUser,
    changes: dict[str, Any],
    expected_version: int | None,
) -> Subgraph:
    """Apply `changes` if `expected_version` is still current; the version then goes up by one."""
    if not permissions.can_change_subgraph(actor, subgraph):
        raise NotAllowed(
            "only the subgraph's author may change it; save it as yours (duplicate) instead"
        )
    changes = {k: v for k, v in changes.items() if k in EDITABLE}
    if (
        "featured" in changes
        and changes["featured"] != subgraph.featured
        and not (permissions.can_feature_subgraph(actor, subgraph.graph))
    ):
        raise NotAllowed("only the graph's owner or an editor may feature a subgraph")
    if expected_version is None:
        raise GraphRejected(
            "version required",
            [Problem("version", "is required: the version of the subgraph you edited")],
        )
    merged = {name: getattr(subgraph, name) for name in EDITABLE}
    merged.update(changes)
    fields = _checked(subgraph.graph, merged)
    updated = Subgraph.objects.filter(pk=subgraph.pk, version=expected_version).update(
        **fields, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise _stale(subgraph, expected_version)
    old_name = subgraph.display_name
    subgraph.refresh_from_db()
    if subgraph.display_name != old_name:
        record(
            subgraph.graph,
            actor,
            Verb.SUBGRAPH_RENAMED,
            subgraph.display_name,
            subgraph_id=subgraph.pk,
            detail=f"was {old_name!r}",
        )
    else:
        record(
            subgraph.graph,
            actor,
            Verb.SUBGRAPH_SAVED,
            subgraph.display_name,
            subgraph_id=subgraph.pk,
            detail=f"version {subgraph.version}",
        )
    return subgraph


def _stale(subgraph: Subgraph, expected_version: int) -> StaleVersion:
    """The 409: says who saved last and when, so the loser knows whose work is in there."""
    current = (
        Subgraph.objects.filter(pk=subgraph.pk)
        .values("version", "updated_at", "author__username")
        .first()
    )
    if current is None:
        return StaleVersion("the subgraph was deleted since you loaded it", current_version=None)
    when = current["updated_at"].strftime("%Y-%m-%d %H:%M:%S UTC")
    saved_by = current["author__username"]
    return StaleVersion(
        f"{saved_by} saved this subgraph last, at {when} (version {current['version']})",
        [
            Problem(
                "version",
                f"you edited version {expected_version}, but the current version is "
                f"{current['version']}; reload the subgraph and apply your changes again",
            )
        ],
        current_version=current["version"],
        saved_by=saved_by,
        saved_at=current["updated_at"].isoformat(),
    )


@transaction.atomic
def delete_subgraph(subgraph: Subgraph, actor: AbstractBaseUser) -> None:
    if not permissions.can_change_subgraph(actor, subgraph):
        raise NotAllowed("only the subgraph's author may delete it")
    record(
        subgraph.graph, actor, Verb.SUBGRAPH_DELETED, subgraph.display_name, subgraph_id=subgraph.pk
    )
    subgraph.delete()


@transaction.atomic
def set_subgraph_featured(subgraph: Subgraph, actor: AbstractBaseUser, featured: bool) -> Subgraph:
    """Owner and editors curate which subgraphs are offered to every viewer. The author's content
    is untouched, so the version does not change and the author's next save is not refused."""
    if not permissions.can_feature_subgraph(actor, subgraph.graph):
        raise NotAllowed("only the graph's owner or an editor may feature a subgraph")
    if not isinstance(featured, bool):
        raise GraphRejected("invalid subgraph", [Problem("featured", "must be true or false")])
    Subgraph.objects.filter(pk=subgraph.pk).update(featured=featured)
    subgraph.refresh_from_db()
    return subgraph
