"""Browser pages of the graph domain."""

from __future__ import annotations

from django.urls import include, path

from graphs import views
from graphs.comparison import pages as comparison_pages
from graphs.features.api.urls import json_urlpatterns as feature_json_urlpatterns

urlpatterns = [
    path("", views.home, name="home"),
    path("graphs/mine/", views.my_graphs, name="graphs-mine"),
    path("graphs/shared/", views.shared_graphs, name="graphs-shared"),
    path("graphs/public/", views.public_graphs, name="graphs-public"),
    path("graphs/upload/", views.upload_graph, name="graph-upload"),
    path("graphs/<str:graph_id>/", views.graph_detail, name="graph-detail"),
    path(
        "graphs/<str:graph_id>/compare/",
        comparison_pages.choose_other,
        name="graph-compare-choose",
    ),
    path(
        "graphs/<str:graph_id>/compare/<str:other_id>/",
        comparison_pages.compare_page,
        name="graph-compare",
    ),
    path("validate/", views.validate, name="validate"),
    # Feature dashboards as `{feature}.json` files (feature_json_base_url); see graphs/features/api/urls.py.
    path("feature-json/", include(feature_json_urlpatterns)),
]
