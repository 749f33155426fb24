"""Routes of the explanations API, included under /api/ by webapp/api_router.py."""

from __future__ import annotations

from django.urls import path

from graphs.explanations.api import views

_ID = "<str:pk>/"

urlpatterns = [
    path("explanations/", views.ExplanationList.as_view(), name="explanations"),
    path("explanations/search/", views.ExplanationSearch.as_view(), name="explanations-search"),
    path("explanations/import/", views.ExplanationImport.as_view(), name="explanations-import"),
    path("explanations/autointerp/", views.AutoInterpRuns.as_view(), name="autointerp-runs"),
    path(
        "explanations/autointerp/" + _ID,
        views.AutoInterpRunDetail.as_view(),
        name="autointerp-run",
    ),
    path("explanations/" + _ID, views.ExplanationDetail.as_view(), name="explanation-detail"),
    path(
        "graphs/<str:graph_id>/explanations/",
        views.GraphExplanations.as_view(),
        name="graph-explanations",
    ),
]
