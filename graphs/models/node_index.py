"""The node ids of each stored graph, as rows: a subgraph save checks the ids it names with one
indexed query instead of streaming the graph's body (tens of megabytes for a large graph).

Bodies never change once stored, so a graph's rows, written once, stay true. They are written the
first time anything asks (graphs/node_index.py), in one transaction, so a graph has either all of
its rows or none.
"""

from __future__ import annotations

from django.db import models


class GraphNodeIndex(models.Model):
    """One row per graph whose ids are indexed: marks the set as complete."""

    graph = models.OneToOneField(
        "graphs.Graph", on_delete=models.CASCADE, primary_key=True, related_name="node_index"
    )
    node_count = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)


class GraphNode(models.Model):
    graph = models.ForeignKey("graphs.Graph", on_delete=models.CASCADE, related_name="+")
    node_id = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["graph", "node_id"], name="graph_node_unique"),
        ]
