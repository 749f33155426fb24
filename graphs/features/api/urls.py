"""Routes of the feature dashboards.

`urlpatterns` is the REST API, included by graphs/api/urls.py under /api/ (every path ends with a
slash). `json_urlpatterns` are the same dashboards as files, under /feature-json/ (included by
graphs/urls.py): their shape `{base}/{feature}.json` is fixed by the graph format's
`feature_json_base_url` convention, so they live outside the API, like media files.
"""

from __future__ import annotations

from django.urls import path, register_converter

from graphs.features.api import graph_views
from graphs.features.api import public_views as views


class _SetIdConverter:
    # Model and set ids as used in our refs: "demo", "demo-clt", "gemma-2-2b", "gemmascope-16k".
    regex = r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(_SetIdConverter, "setid")

_SET = "features/<setid:model_id>/<setid:source_set>/"
_GRAPH = "graphs/<str:graph_id>/features/"

urlpatterns = [
    path("features/", views.PublicFeatureSetList.as_view(), name="feature-sets"),
    path(_SET + "batch/", views.PublicFeatureBatch.as_view(), name="feature-batch"),
    path(
        _SET + "<int:layer>/<int:index>/",
        views.PublicFeatureDetail.as_view(),
        name="feature-detail",
    ),
    path(_GRAPH, graph_views.GraphFeatures.as_view(), name="graph-features"),
    path(_GRAPH + "batch/", graph_views.GraphFeatureBatch.as_view(), name="graph-feature-batch"),
    path(
        _GRAPH + "<int:layer>/<int:index>/",
        graph_views.GraphFeatureDetail.as_view(),
        name="graph-feature-detail",
    ),
]

# Under /feature-json/: `feature_json_base_url` = /feature-json/{model}/{set}
json_urlpatterns = [
    path(
        "graphs/<str:graph_id>/<int:feature_id>.json",
        graph_views.GraphFeatureJson.as_view(),
        name="graph-feature-json",
    ),
    path(
        "<setid:model_id>/<setid:source_set>/<int:feature_id>.json",
        views.PublicFeatureJson.as_view(),
        name="feature-json",
    ),
]
