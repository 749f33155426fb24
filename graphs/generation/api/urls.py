"""Routes of generation under /api/ besides the router's jobs (webapp/api_router.py)."""

from __future__ import annotations

from django.urls import path

from graphs.generation.api import steer_views, views

urlpatterns = [
    path("models/", views.model_list, name="model-list"),
    path("models/<str:model_id>/tokenize/", views.tokenize, name="model-tokenize"),
    path("models/<str:model_id>/steer/", steer_views.steer_model, name="model-steer"),
    path("graphs/<str:pk>/steer/", steer_views.steer_graph, name="graph-steer"),
]
