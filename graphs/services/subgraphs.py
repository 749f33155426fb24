"""Saving, updating, curating and deleting subgraphs. Each is one transaction; updates use the
version column for optimistic concurrency (a conditional UPDATE, so two racing saves cannot both
win). Curation (featured, hidden) is the graph's owner's and editors' and leaves the author's
version alone."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from graphs import permissions
from graphs.collab.models import Activity, Verb
from graphs.collab.services import record
from graphs.errors import GraphRejected, NotAllowed, StaleVersion
from graphs.models import Graph, Subgraph
from graphs.models.subgraph import subgraph_problems
from graphs.node_index import ensure_indexed, missing_node_ids
from graphs.subgraph_limits import throttle_subgraph_save
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
# What the graph's owner and editors may set on anyone's subgraph, without a version.
CURATION = frozenset({"featured", "hidden"})
NAME_MAX = 200


def _named_ids(fields: dict[str, Any]) -> set[str]:
    """Every node id the fields name (pins and labels): all a save needs to look up."""
    named: set[str] = set()
    pinned = fields.get("pinned_ids")
    if isinstance(pinned, list):
        named.update(p for p in pinned if isinstance(p, str))
    clerps = fields.get("clerps")
    if isinstance(clerps, list):
        named.update(c[0] for c in clerps if isinstance(c, list) and c and isinstance(c[0], str))
    return named


def _checked(graph: Graph, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields, tidied, if the subgraph fits its graph; else GraphRejected naming each problem."""
    name = fields.get("display_name")
    if not isinstance(name, str) or not (0 < len(name.strip()) <= NAME_MAX):
        raise GraphRejected(
            "invalid subgraph", [Problem("display_name", f"must have 1 to {NAME_MAX} characters")]
        )
    if "featured" in fields and not isinstance(fields["featured"], bool):
        raise GraphRejected("invalid subgraph", [Problem("featured", "must be true or false")])
    named = _named_ids(fields)
    problems = subgraph_problems(
        pinned_ids=fields.get("pinned_ids", []),
        supernodes=fields.get("supernodes", []),
        clerps=fields.get("clerps", []),
        pruning_threshold=fields.get("pruning_threshold"),
        density_threshold=fields.get("density_threshold"),
        node_ids=named - missing_node_ids(graph, named),
    )
    if problems:
        raise GraphRejected(
            f"the subgraph does not fit its graph ({len(problems)} problem(s))",
            [Problem(path, message) for path, message in problems],
        )
    return {**fields, "display_name": name.strip()}


def save_subgraph(graph: Graph, author: AbstractBaseUser, fields: dict[str, Any]) -> Subgraph:
    if not permissions.can_create_subgraph(author, graph):
        raise NotAllowed("sign in, with access to the graph, to save a subgraph")
    throttle_subgraph_save(author, new=True)
    # The graph's node ids are indexed in their own transaction: a refused save keeps them.
    ensure_indexed(graph)
    return _create(graph, author, fields)


@transaction.atomic
def _create(graph: Graph, author: AbstractBaseUser, fields: dict[str, Any]) -> Subgraph:
    fields = {k: v for k, v in fields.items() if k in EDITABLE}
    if fields.get("featured") and not permissions.can_feature_subgraph(author, graph):
        raise NotAllowed("only the graph's owner or an editor may feature a subgraph")
    subgraph = Subgraph.objects.create(graph=graph, author=author, **_checked(graph, fields))
    record(graph, author, Verb.SUBGRAPH_SAVED, subgraph.display_name, subgraph_id=subgraph.pk)
    return subgraph


def copy_name(source: Subgraph, actor: AbstractBaseUser) -> str:
    """ "<name> (<actor>'s copy)", numbered when the graph already has one of that name, so two
    entries of a list never read the same."""
    suffix = f" ({actor.get_username()}'s copy)"
    base = source.display_name[: NAME_MAX - len(suffix) - 4] + suffix
    taken = set(
        Subgraph.objects.filter(
            graph_id=source.graph_id, display_name__startswith=base[:-1]
        ).values_list("display_name", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base[:-1]} {n})" in taken:
        n += 1
    return f"{base[:-1]} {n})"


def duplicate_subgraph(
    source: Subgraph,
    actor: AbstractBaseUser,
    display_name: str | None = None,
    changes: dict[str, Any] | None = None,
) -> Subgraph:
    """ "Save as my copy": a new subgraph authored by `actor`, never featured: the source's
    content with `changes` applied (the page's unsaved edits), under a name of its own."""
    if not permissions.can_view_subgraph(actor, source):
        raise NotAllowed("you may not see that subgraph")
    fields = {name: getattr(source, name) for name in EDITABLE if name != "featured"}
    fields.update({k: v for k, v in (changes or {}).items() if k in EDITABLE and k != "featured"})
    fields["display_name"] = display_name or copy_name(source, actor)
    return save_subgraph(source.graph, actor, fields)


def update_subgraph(
    subgraph: Subgraph,
    actor: AbstractBaseUser,
    changes: dict[str, Any],
    expected_version: int | None,
) -> Subgraph:
    """Apply `changes` if `expected_version` is still current; the version then goes up by one.
    Changes of curation fields alone (featured, hidden) need no version: see `curate_subgraph`."""
    if changes and set(changes) <= CURATION:
        return curate_subgraph(subgraph, actor, **changes)
    if "hidden" in changes:
        raise GraphRejected(
            "invalid subgraph", [Problem("hidden", "change it on its own, without other fields")]
        )
    if not permissions.can_change_subgraph(actor, subgraph):
        raise NotAllowed(
            "only the subgraph's author may change it; save it as your copy (duplicate) instead"
        )
    throttle_subgraph_save(actor, new=False)
    ensure_indexed(subgraph.graph)
    return _update(subgraph, actor, changes, expected_version)


@transaction.atomic
def _update(
    subgraph: Subgraph,
    actor: AbstractBaseUser,
    changes: dict[str, Any],
    expected_version: int | None,
) -> Subgraph:
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
    when = current["updated_at"].strftime("%Y-%m-%d %H:%M UTC")
    saved_by = current["author__username"]
    return StaleVersion(
        f"{saved_by} saved this subgraph last, at {when} (version {current['version']})",
        [
            Problem(
                "version",
                f"you edited version {expected_version}, but the current version is "
                f"{current['version']}",
            )
        ],
        current_version=current["version"],
        saved_by=saved_by,
        saved_at=current["updated_at"].isoformat(),
    )


def _withdraw_history(subgraph: Subgraph) -> None:
    """A moderated subgraph's past entries leave the public activity feed with it."""
    Activity.objects.filter(graph_id=subgraph.graph_id, subgraph_id=subgraph.pk).update(
        members_only=True
    )


@transaction.atomic
def delete_subgraph(subgraph: Subgraph, actor: AbstractBaseUser) -> None:
    """The author deletes their own; the graph's owner and editors delete anyone's (moderation:
    the entry and the subgraph's history are then shown to members only)."""
    if not permissions.can_delete_subgraph(actor, subgraph):
        raise NotAllowed("only the subgraph's author, the graph's owner or an editor may delete it")
    moderated = subgraph.author_id != actor.pk
    if moderated:
        _withdraw_history(subgraph)
    record(
        subgraph.graph,
        actor,
        Verb.SUBGRAPH_DELETED,
        subgraph.display_name,
        subgraph_id=subgraph.pk,
        detail=f"by {subgraph.author.get_username()}" if moderated else "",
        members_only=moderated,
    )
    subgraph.delete()


@transaction.atomic
def curate_subgraph(
    subgraph: Subgraph,
    actor: AbstractBaseUser,
    *,
    featured: bool | None = None,
    hidden: bool | None = None,
) -> Subgraph:
    """Owner and editors curate what every viewer is offered: featured subgraphs come first,
    hidden ones are listed to members and their author only (spam on a public graph). The
    author's content is untouched, so the version does not change and their next save is not
    refused."""
    if not permissions.can_feature_subgraph(actor, subgraph.graph):
        raise NotAllowed("only the graph's owner or an editor may feature or hide a subgraph")
    for name, value in (("featured", featured), ("hidden", hidden)):
        if value is not None and not isinstance(value, bool):
            raise GraphRejected("invalid subgraph", [Problem(name, "must be true or false")])
    locked = Subgraph.objects.select_for_update().get(pk=subgraph.pk)
    if featured is not None and featured != locked.featured:
        Subgraph.objects.filter(pk=subgraph.pk).update(featured=featured)
        verb = Verb.SUBGRAPH_FEATURED if featured else Verb.SUBGRAPH_UNFEATURED
        record(subgraph.graph, actor, verb, locked.display_name, subgraph_id=subgraph.pk)
    if hidden is not None and hidden != locked.hidden:
        Subgraph.objects.filter(pk=subgraph.pk).update(hidden=hidden)
        if hidden:
            _withdraw_history(subgraph)
        verb = Verb.SUBGRAPH_HIDDEN if hidden else Verb.SUBGRAPH_SHOWN
        record(
            subgraph.graph,
            actor,
            verb,
            locked.display_name,
            subgraph_id=subgraph.pk,
            members_only=True,
        )
    subgraph.refresh_from_db()
    return subgraph


def set_subgraph_featured(subgraph: Subgraph, actor: AbstractBaseUser, featured: bool) -> Subgraph:
    return curate_subgraph(subgraph, actor, featured=featured)
