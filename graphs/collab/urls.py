"""Routes of collaboration under /api/ besides the router's collaborators (webapp/api_router.py)."""

from __future__ import annotations

from django.urls import path

from graphs.collab.api import graph_activity

api_urlpatterns = [
    path("graphs/<str:graph_id>/activity/", graph_activity, name="api-graph-activity"),
]
