"""A Subgraph is a saved view of a graph: pinned nodes, supernodes, labels and thresholds.

It mirrors the `qParams` of the Neuronpedia format (pinnedIds, supernodes) plus labels ("clerps")
and the two slider thresholds, so a shared link reproduces the exact view.
"""

from __future__ import annotations

from collections.abc import Collection

from django.conf import settings
from django.db import models

from graphs import conf
from graphs.ids import PUBLIC_ID_LENGTH, new_public_id


class Subgraph(models.Model):
    id = models.CharField(
        primary_key=True, max_length=PUBLIC_ID_LENGTH, default=new_public_id, editable=False
    )
    graph = models.ForeignKey("graphs.Graph", on_delete=models.CASCADE, related_name="subgraphs")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subgraphs"
    )
    display_name = models.CharField(max_length=200)
    pinned_ids = models.JSONField(default=list, blank=True)
    # Each supernode is [label, node_id, node_id, ...].
    supernodes = models.JSONField(default=list, blank=True)
    # Each label ("clerp") is [node_id, label].
    clerps = models.JSONField(default=list, blank=True)
    pruning_threshold = models.FloatField(null=True, blank=True)
    density_threshold = models.FloatField(null=True, blank=True)
    # Set by the graph's owner or an editor: featured subgraphs are offered to every viewer.
    featured = models.BooleanField(default=False)
    # Set by the graph's owner or an editor on someone else's subgraph (moderation): listed to
    # the graph's members and its author only, so spam on a public graph leaves the public view.
    hidden = models.BooleanField(default=False)
    # Optimistic concurrency: an update names the version it edited; a stale one is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-featured", "-updated_at"]
        indexes = [
            models.Index(fields=["graph", "author"], name="subgraph_graph_author_idx"),
            # The subgraph list of a graph, in its order: PostgreSQL reads the first page from the
            # index instead of sorting every saved view of a popular graph on each request.
            models.Index(
                fields=["graph", "-featured", "-updated_at"], name="subgraph_graph_listing_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} on {self.graph_id}"

    def problems_against(self, node_ids: Collection[str]) -> list[tuple[str, str]]:
        """Every way this subgraph does not fit its graph, each naming its field in plain words."""
        return subgraph_problems(
            pinned_ids=self.pinned_ids,
            supernodes=self.supernodes,
            clerps=self.clerps,
            pruning_threshold=self.pruning_threshold,
            density_threshold=self.density_threshold,
            node_ids=node_ids,
        )


def subgraph_problems(
    *,
    pinned_ids: object,
    supernodes: object,
    clerps: object,
    pruning_threshold: object,
    density_threshold: object,
    node_ids: Collection[str],
) -> list[tuple[str, str]]:
    """(JSON path, message) for each problem; an empty list means the subgraph fits."""
    problems: list[tuple[str, str]] = []
    add = lambda path, message: problems.append((path, message))  # noqa: E731
    max_label = int(conf.get("SUBGRAPH_MAX_LABEL_LENGTH"))
    max_pinned = int(conf.get("SUBGRAPH_MAX_PINNED"))
    max_groups = int(conf.get("SUBGRAPH_MAX_SUPERNODES"))
    max_labels = int(conf.get("SUBGRAPH_MAX_LABELS"))

    pinned: set[str] = set()
    if not isinstance(pinned_ids, list) or not all(isinstance(p, str) for p in pinned_ids):
        add("pinned_ids", "must be a list of node id strings")
    elif len(pinned_ids) > max_pinned:
        add("pinned_ids", f"has {len(pinned_ids)} ids; at most {max_pinned} are allowed")
    else:
        pinned = set(pinned_ids)
        for i, node_id in enumerate(pinned_ids):
            if node_id not in node_ids:
                add(f"pinned_ids[{i}]", f"node {node_id!r} is not in the graph")

    if not isinstance(supernodes, list):
        add("supernodes", "must be a list of [label, node_id, ...] lists")
    elif len(supernodes) > max_groups:
        add("supernodes", f"has {len(supernodes)} groups; at most {max_groups} are allowed")
    else:
        for i, group in enumerate(supernodes):
            if not (
                isinstance(group, list)
                and len(group) >= 2
                and all(isinstance(x, str) for x in group)
            ):
                add(
                    f"supernodes[{i}]",
                    "must be a list of strings: a label, then at least one node id",
                )
                continue
            if len(group[0]) > max_label:
                add(f"supernodes[{i}][0]", f"the label is longer than {max_label} characters")
            for j, member in enumerate(group[1:], start=1):
                if member not in pinned:
                    add(f"supernodes[{i}][{j}]", f"node {member!r} is grouped but not pinned")

    if not isinstance(clerps, list):
        add("clerps", "must be a list of [node_id, label] pairs")
    elif len(clerps) > max_labels:
        add("clerps", f"has {len(clerps)} labels; at most {max_labels} are allowed")
    else:
        for i, pair in enumerate(clerps):
            if not (
                isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)
            ):
                add(f"clerps[{i}]", "must be a [node_id, label] pair of strings")
                continue
            if pair[0] not in node_ids:
                add(f"clerps[{i}][0]", f"node {pair[0]!r} is not in the graph")
            if len(pair[1]) > max_label:
                add(f"clerps[{i}][1]", f"the label is longer than {max_label} characters")

    for name, value in (
        ("pruning_threshold", pruning_threshold),
        ("density_threshold", density_threshold),
    ):
        if value is None:
            continue
        if type(value) not in (int, float) or not (0.0 <= value <= 1.0):
            add(name, "must be a number between 0 and 1")
    return problems
