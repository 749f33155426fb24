"""Graphs and their saved views, one module per resource. Generation jobs, collaboration and
feature dashboards keep their models in their own apps (graphs/generation, graphs/collab,
graphs/features)."""

from __future__ import annotations

from graphs.models.graph import Graph, Source, Visibility
from graphs.models.node_index import GraphNode, GraphNodeIndex
from graphs.models.subgraph import Subgraph

__all__ = ["Graph", "GraphNode", "GraphNodeIndex", "Source", "Subgraph", "Visibility"]
