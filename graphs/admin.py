"""The Django admin for staff. Bodies and validated fields are read-only here: graphs enter through
the upload and generation services, and a deleted graph's body goes with its row."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from graphs.collab.models import Collaborator
from graphs.models import Graph, Subgraph
from graphs.services.graphs import purge_graph


class CollaboratorInline(admin.TabularInline):
    model = Collaborator
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]


@admin.register(Graph)
class GraphAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "owner",
        "model_id",
        "visibility",
        "featured",
        "source",
        "node_count",
        "created_at",
    ]
    list_filter = ["visibility", "featured", "source", "model_id"]
    search_fields = ["id", "title", "slug", "model_id", "prompt", "owner__username"]
    list_select_related = ["owner"]
    date_hierarchy = "created_at"
    inlines = [CollaboratorInline]
    fields = [
        "id",
        "owner",
        "title",
        "description",
        "visibility",
        "featured",
        "slug",
        "model_id",
        "prompt",
        "prompt_tokens",
        "source",
        "node_count",
        "link_count",
        "byte_size",
        "stored_size",
        "generator",
        "body_key",
        "body_sha256",
        "created_at",
        "updated_at",
    ]
    # Staff curate title, description, visibility and featured; the rest mirrors the stored body.
    readonly_fields = [
        f for f in fields if f not in {"title", "description", "visibility", "featured"}
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # graphs are uploaded or generated, never typed in

    # Through the same service as the API: bodies go once the deletion commits, and open sockets
    # of the graph hear that access changed.
    def delete_model(self, request: HttpRequest, obj: Graph) -> None:
        purge_graph(obj)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Graph]) -> None:
        for graph in queryset:
            purge_graph(graph)


@admin.register(Subgraph)
class SubgraphAdmin(admin.ModelAdmin):
    list_display = ["display_name", "graph", "author", "featured", "version", "updated_at"]
    list_filter = ["featured"]
    search_fields = ["id", "display_name", "graph__title", "author__username"]
    list_select_related = ["graph", "author"]
    fields = [
        "id",
        "graph",
        "author",
        "display_name",
        "featured",
        "pinned_ids",
        "supernodes",
        "clerps",
        "pruning_threshold",
        "density_threshold",
        "version",
        "created_at",
        "updated_at",
    ]
    # The node lists were validated against the graph when saved: not editable by hand.
    readonly_fields = [f for f in fields if f not in {"display_name", "featured"}]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
