"""Routes of the graph API besides the router's (webapp/api_router.py registers the viewsets)."""

from __future__ import annotations

from django.urls import path

from graphs.api.validate import ValidateView

urlpatterns = [
    path("validate/", ValidateView.as_view(), name="api-validate"),
]
