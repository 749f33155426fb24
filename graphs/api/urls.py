"""Routes of the graph API besides the router's (webapp/api_router.py registers the viewsets)."""

from __future__ import annotations

from django.urls import path, re_path

from graphs.api.compare import GraphCompareView
from graphs.api.graphs import ID_PATTERN
from graphs.api.validate import ValidateView

urlpatterns = [
    path("validate/", ValidateView.as_view(), name="api-validate"),
    re_path(
        rf"^graphs/(?P<graph_id>{ID_PATTERN})/compare/(?P<other_id>{ID_PATTERN})/$",
        GraphCompareView.as_view(),
        name="api-graph-compare",
    ),
]
