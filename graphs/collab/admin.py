"""Admin for collaboration: who shares which graph, in which role."""

from __future__ import annotations

from django.contrib import admin

from graphs.collab.models import Collaborator


@admin.register(Collaborator)
class CollaboratorAdmin(admin.ModelAdmin):
    list_display = ["graph", "user", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["graph__title", "user__username"]
    raw_id_fields = ["graph", "user"]
