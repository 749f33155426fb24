"""Write paths of researchers' dashboards for an uploaded graph: upload (add or replace) and
delete. Each runs in one transaction; the checks (graph_features / uploads) run before it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from graphs.features.models import Feature
from graphs.features.upload_checks import UploadedDashboard
from graphs.models import Graph


@dataclass(frozen=True)
class UploadResult:
    created: int
    replaced: int
    total: int


@transaction.atomic
def upload_graph_features(
    graph: Graph, user, source_set: str, dashboards: list[UploadedDashboard]
) -> UploadResult:
    # Lock the graph row: two uploads at once would otherwise race on the unique (graph, layer,
    # index) and one would fail with an integrity error instead of replacing.
    Graph.objects.select_for_update().filter(pk=graph.pk).exists()
    keys = [(d.layer, d.index) for d in dashboards]
    replaced, _ = Feature.objects.of_graph(graph).at(keys).delete()
    Feature.objects.bulk_create(
        Feature(
            model_id=graph.model_id[:100],
            source_set=source_set,
            layer=d.layer,
            index=d.index,
            label=d.label,
            dashboard=d.dashboard,
            graph=graph,
            owner=user,
        )
        for d in dashboards
    )
    total = Feature.objects.of_graph(graph).count()
    return UploadResult(created=len(dashboards) - replaced, replaced=replaced, total=total)


@transaction.atomic
def delete_graph_features(graph: Graph) -> int:
    deleted, _ = Feature.objects.of_graph(graph).delete()
    return deleted
