"""/api/graphs/{id}/subgraphs/: saved views of a graph (pins, supernodes, labels, thresholds)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from graphs import permissions
from graphs.api.access import SubgraphAccess
from graphs.api.errors import invalid_input
from graphs.api.graphs import ID_PATTERN
from graphs.api.nested import NestedGraphMixin
from graphs.api.pagination import ListPagination
from graphs.api.serializers import SubgraphSerializer, string_list
from graphs.api.subgraph_rows import rows_of, subgraph_rows
from graphs.models import Subgraph
from graphs.services import (
    delete_subgraph,
    duplicate_subgraph,
    save_subgraph,
    update_subgraph,
)

SCOPES = ("all", "mine", "featured")
# PUT replaces the author's content: what it leaves out goes back to these.
PUT_DEFAULTS = {
    "pinned_ids": [],
    "supernodes": [],
    "clerps": [],
    "pruning_threshold": None,
    "density_threshold": None,
}


class DuplicateSerializer(serializers.Serializer):
    """The copy's name, and optionally its content: the page sends its unsaved edits of the
    original, so "Save as my copy" keeps them."""

    display_name = serializers.CharField(
        required=False,
        max_length=200,
        help_text="Default: the original's name + \" (<you>'s copy)\", numbered when taken.",
    )
    pinned_ids = string_list(required=False)
    supernodes = serializers.ListField(child=string_list(), required=False)
    clerps = serializers.ListField(child=string_list(), required=False)
    pruning_threshold = serializers.FloatField(required=False, allow_null=True)
    density_threshold = serializers.FloatField(required=False, allow_null=True)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("scope", str, enum=SCOPES, description="all (default), mine, featured")
        ]
    )
)
class SubgraphViewSet(NestedGraphMixin, viewsets.GenericViewSet):
    pagination_class = ListPagination
    serializer_class = SubgraphSerializer
    permission_classes = [SubgraphAccess]
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return permissions.visible_subgraphs(self.request.user, self.graph()).select_related(
            "author", "graph"
        )

    def get_object(self) -> Subgraph:
        # A hidden subgraph is as absent as a missing one to those who may not see it.
        subgraph = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if subgraph is None:
            raise Http404
        self.check_object_permissions(self.request, subgraph)
        return subgraph

    def list(self, request, graph_pk=None):
        scope = request.query_params.get("scope", "all")
        if scope not in SCOPES:
            return invalid_input({"scope": [f"must be one of: {', '.join(SCOPES)}"]})
        subgraphs = permissions.visible_subgraphs(request.user, self.graph())
        if scope == "mine":
            subgraphs = (
                subgraphs.filter(author_id=request.user.pk)
                if request.user.is_authenticated
                else subgraphs.none()
            )
        elif scope == "featured":
            subgraphs = subgraphs.filter(featured=True)
        page = self.paginate_queryset(rows_of(subgraphs.order_by("-featured", "-updated_at")))
        return self.get_paginated_response(subgraph_rows(page))

    def create(self, request, graph_pk=None):
        graph = self.graph()
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            return invalid_input(serializer.errors)
        fields = dict(serializer.validated_data)
        fields.pop("version", None)
        subgraph = save_subgraph(graph, request.user, fields)
        return Response(self.get_serializer(subgraph).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, graph_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(responses={200: SubgraphSerializer, 409: None})
    def update(self, request, graph_pk=None, pk=None, partial=False):
        subgraph = self.get_object()
        serializer = self.get_serializer(subgraph, data=request.data, partial=partial)
        if not serializer.is_valid():
            return invalid_input(serializer.errors)
        changes = dict(serializer.validated_data)
        version = changes.pop("version", None)
        if not partial:
            changes = {**PUT_DEFAULTS, **changes}
        # Curation alone (featured, hidden) needs no version; the service tells them apart.
        subgraph = update_subgraph(subgraph, request.user, changes, version)
        return Response(self.get_serializer(subgraph).data)

    def partial_update(self, request, graph_pk=None, pk=None):
        return self.update(request, graph_pk=graph_pk, pk=pk, partial=True)

    @extend_schema(request=DuplicateSerializer, responses={201: SubgraphSerializer})
    @action(detail=True, methods=["post"], url_path="duplicate", url_name="duplicate")
    def duplicate(self, request, graph_pk=None, pk=None):
        """ "Save as my copy": copy any subgraph you can see into a new one that you author."""
        source = self.get_queryset().filter(pk=pk).first()
        if source is None:
            raise Http404
        body = DuplicateSerializer(data=request.data)
        if not body.is_valid():
            return invalid_input(body.errors)
        content = dict(body.validated_data)
        name = content.pop("display_name", None)
        copy = duplicate_subgraph(source, request.user, name, content)
        return Response(self.get_serializer(copy).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, graph_pk=None, pk=None):
        delete_subgraph(self.get_object(), request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
