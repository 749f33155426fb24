"""Labels on the featured demo graphs: their empty clerps filled from our explanations."""

from __future__ import annotations

from graphs.explanations.services.clerp_refill import refill_graph
from graphs.generation.demo_tasks import DEMO_MODEL, DEMO_USERNAME
from graphs.generation.registry import get_entry
from graphs.models import Graph, Source


def refill_demo_graphs() -> int:
    entry = get_entry(DEMO_MODEL)
    if entry is None:
        return 0
    graphs = Graph.objects.filter(
        owner__username=DEMO_USERNAME, model_id=DEMO_MODEL, source=Source.GENERATED
    )
    return sum(refill_graph(graph, *entry.feature_set) for graph in graphs)
