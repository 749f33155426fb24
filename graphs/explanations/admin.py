"""Admin pages: explanations (searchable by text and feature) and auto-interp runs."""

from __future__ import annotations

from django.contrib import admin

from graphs.explanations.models import AutoInterpRun, Explanation


@admin.register(Explanation)
class ExplanationAdmin(admin.ModelAdmin):
    list_display = ("description", "model_id", "source_set", "layer", "index", "method", "score")
    list_filter = ("method", "model_id", "source_set")
    search_fields = ("description", "explainer_model", "author__username")
    raw_id_fields = ("author",)
    readonly_fields = ("id", "content_key", "created_at", "updated_at")
    show_full_result_count = False  # counting a million rows per page view is not worth it


@admin.register(AutoInterpRun)
class AutoInterpRunAdmin(admin.ModelAdmin):
    list_display = ("id", "model_id", "source_set", "layer", "state", "done", "total", "calls")
    list_filter = ("state",)
    readonly_fields = [f.name for f in AutoInterpRun._meta.fields]
