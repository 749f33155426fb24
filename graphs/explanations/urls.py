"""Browser pages of the explanations app."""

from __future__ import annotations

from django.urls import path

from graphs.explanations import views

urlpatterns = [
    path("search/", views.search_page, name="explanations-search-page"),
    path(
        "features/<str:model_id>/<str:source_set>/<int:layer>/<int:index>/",
        views.feature_page,
        name="feature-page",
    ),
]
