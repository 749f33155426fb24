"""DRF permission classes: thin adapters over graphs.permissions, where the rules live."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from graphs import permissions


class GraphAccess(BasePermission):
    """Reading is open (objects are filtered by visibility, invisible ones answer 404); writing
    needs an account; deleting needs ownership; editing rules per field are in the service."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or bool(
            request.user and request.user.is_authenticated
        )

    def has_object_permission(self, request, view, graph) -> bool:
        if request.method in SAFE_METHODS:
            return permissions.can_view_graph(request.user, graph)
        if request.method == "DELETE":
            return permissions.can_administer_graph(request.user, graph)
        # PATCH: each field has its own rule (services.update_graph); an outsider may change none.
        return permissions.can_edit_graph(request.user, graph) or permissions.can_feature_graph(
            request.user
        )


class SubgraphAccess(BasePermission):
    """Subgraphs of a visible graph: anyone reads, signed-in users create, authors change; the
    graph's owner and editors may also flip `featured` and `hidden` on any of them, and delete
    any of them (moderation)."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or bool(
            request.user and request.user.is_authenticated
        )

    def has_object_permission(self, request, view, subgraph) -> bool:
        if request.method in SAFE_METHODS:
            return permissions.can_view_subgraph(request.user, subgraph)
        if permissions.can_change_subgraph(request.user, subgraph):
            return True
        if request.method == "DELETE":
            return permissions.can_delete_subgraph(request.user, subgraph)
        only_curation = request.method == "PATCH" and set(request.data) <= {
            "featured",
            "hidden",
            "version",
        }
        return only_curation and permissions.can_feature_subgraph(request.user, subgraph.graph)
