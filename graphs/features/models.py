"""Feature dashboards: one row per feature of a transcoder set, holding its dashboard in the
Anthropic feature format (top-activating examples by quantile, top/bottom logits) and a label.

Two kinds of rows share the table:
- our public sets (the shipped demo dashboards): `graph` is null, keyed by
  (model id, transcoder set id, layer, index), readable by anyone;
- dashboards a researcher uploaded for an uploaded graph's source set: `graph` is that graph and
  `owner` the uploader; they are readable by whoever may see the graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Q


class DashboardField(models.JSONField):
    """A JSONField that Django's PostgreSQL bulk insert sends as one parameter per row.

    Django 5.2 bulk-inserts through `UNNEST(array)` on PostgreSQL; psycopg then escapes every
    dashboard as an array element with a regex per quote character, which made loading 2,000
    dashboards take ~12 s of pure Python. Defining `get_placeholder` opts this field out of that
    path (see django/db/backends/postgresql/compiler.py), back to a plain multi-row VALUES.
    """

    def get_placeholder(self, value, compiler, connection) -> str:
        return "%s"


class FeatureQuerySet(models.QuerySet):
    def in_public_set(self, model_id: str, source_set: str) -> FeatureQuerySet:
        return self.filter(graph__isnull=True, model_id=model_id, source_set=source_set)

    def of_graph(self, graph) -> FeatureQuerySet:
        return self.filter(graph=graph)

    def at(self, pairs: Iterable[tuple[int, int]]) -> FeatureQuerySet:
        """Rows at any of the (layer, index) pairs. One OR term per layer (a handful), each an
        IN list, so the lookup stays on the (…, layer, index) unique index."""
        by_layer: dict[int, set[int]] = defaultdict(set)
        for layer, index in pairs:
            by_layer[layer].add(index)
        if not by_layer:
            return self.none()
        condition = Q()
        for layer, indices in sorted(by_layer.items()):
            condition |= Q(layer=layer, index__in=sorted(indices))
        return self.filter(condition)


class Feature(models.Model):
    model_id = models.CharField(max_length=100)
    source_set = models.CharField(max_length=100)
    layer = models.PositiveIntegerField()
    index = models.PositiveIntegerField()
    label = models.CharField(max_length=200, blank=True, default="")
    dashboard = DashboardField()
    # Null for our public sets; the uploaded graph whose features these are otherwise.
    graph = models.ForeignKey(
        "graphs.Graph", null=True, blank=True, on_delete=models.CASCADE, related_name="features"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="uploaded_features",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FeatureQuerySet.as_manager()

    class Meta:
        # Created by the graphs app; the table kept its name when the model moved here.
        db_table = "graphs_feature"
        constraints = [
            models.UniqueConstraint(
                fields=["model_id", "source_set", "layer", "index"],
                condition=Q(graph__isnull=True),
                name="feature_unique_in_public_set",
            ),
            models.UniqueConstraint(
                fields=["graph", "layer", "index"],
                condition=Q(graph__isnull=False),
                name="feature_unique_in_graph",
            ),
        ]
        ordering = ["model_id", "source_set", "layer", "index"]

    def __str__(self) -> str:
        return f"{self.model_id}/{self.source_set} L{self.layer} #{self.index}"

    @property
    def is_public_set(self) -> bool:
        return self.graph_id is None

    def as_anthropic(self, *, feature_id: int | None = None) -> dict:
        """The dashboard in the Anthropic feature format, with where it lives added.

        `index` is the index within the layer unless `feature_id` is given (the `{id}.json`
        route answers with the graph-wide Cantor id, as that format's viewers expect)."""
        out = dict(self.dashboard)
        out["index"] = self.index if feature_id is None else feature_id
        out["layer"] = self.layer
        out["label"] = self.label
        out["model_id"] = self.model_id
        out["source_set"] = self.source_set
        return out


class PublicFeatureSet(models.Model):
    """A transcoder set whose dashboards we load from shipped files (public to all). The digest of
    the files it was loaded from lets a second `load_demo_features` skip the work."""

    model_id = models.CharField(max_length=100)
    source_set = models.CharField(max_length=100)
    n_features = models.PositiveIntegerField(default=0)
    digest = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Created by the graphs app; the table kept its name when the model moved here.
        db_table = "graphs_publicfeatureset"
        constraints = [
            models.UniqueConstraint(
                fields=["model_id", "source_set"], name="public_feature_set_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model_id}/{self.source_set} ({self.n_features} features)"
