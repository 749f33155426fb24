"""Which of some node ids a stored graph has, without loading its body on each question.

The first question about a graph streams its body once and writes its ids as rows
(graphs/models/node_index.py); every later one, from any process, is one indexed query on just the
ids asked about. Ids longer than the column are not indexed, and read as absent: no graph the
validator accepts has one (node ids are short, `{layer}_{feature}_{ctx}`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from itertools import islice

import ijson
from django.db import IntegrityError, transaction

from graphs.models import Graph, GraphNode, GraphNodeIndex
from graphs.storage import open_body_json

MAX_ID_LENGTH = GraphNode._meta.get_field("node_id").max_length
_BATCH = 5000
_QUERY_CHUNK = 1000


def _streamed_ids(graph: Graph) -> Iterator[str]:
    with open_body_json(graph.body_key) as fh:
        for node_id in ijson.items(fh, "nodes.item.node_id"):
            if isinstance(node_id, str) and len(node_id) <= MAX_ID_LENGTH:
                yield node_id


def ensure_indexed(graph: Graph) -> None:
    """Write the graph's node id rows unless they exist. Its own transaction (call it outside
    the caller's), so a refused save does not throw away the work; two processes indexing the
    same graph at once: the second waits on the first's rows and keeps them."""
    if GraphNodeIndex.objects.filter(graph_id=graph.pk).exists():
        return
    try:
        with transaction.atomic():
            GraphNodeIndex.objects.create(graph_id=graph.pk, node_count=0)
            count = 0
            ids = iter(dict.fromkeys(_streamed_ids(graph)))  # unique, in order
            while batch := list(islice(ids, _BATCH)):
                GraphNode.objects.bulk_create(
                    [GraphNode(graph_id=graph.pk, node_id=i) for i in batch]
                )
                count += len(batch)
            GraphNodeIndex.objects.filter(graph_id=graph.pk).update(node_count=count)
    except IntegrityError:
        # Someone else indexed it between the check and the insert: theirs is complete.
        pass


def missing_node_ids(graph: Graph, wanted: Collection[str]) -> set[str]:
    """The ids of `wanted` that are not nodes of the graph."""
    wanted = {w for w in wanted if isinstance(w, str)}
    if not wanted:
        return set()
    ensure_indexed(graph)
    asked = sorted(w for w in wanted if len(w) <= MAX_ID_LENGTH)
    found: set[str] = set()
    for start in range(0, len(asked), _QUERY_CHUNK):
        chunk = asked[start : start + _QUERY_CHUNK]
        found.update(
            GraphNode.objects.filter(graph_id=graph.pk, node_id__in=chunk).values_list(
                "node_id", flat=True
            )
        )
    return wanted - found
