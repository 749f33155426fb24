"""Browser pages of generation."""

from __future__ import annotations

from django.urls import path

from graphs.generation import views

urlpatterns = [
    path("generations/<str:job_id>/", views.generation_detail, name="generation-detail"),
]
