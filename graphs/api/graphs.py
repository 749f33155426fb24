"""/api/graphs/: upload, list, read, change and delete graphs; /api/graphs/{id}/data/ serves the JSON."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from graphs import permissions
from graphs.api.access import GraphAccess
from graphs.api.answers import json_answer, origin_of, replay_epoch, wants_json
from graphs.api.body import graph_data_response
from graphs.api.errors import invalid_input
from graphs.api.pagination import ListPagination
from graphs.api.parsers import GraphFileParser, uploaded_file
from graphs.api.serializers import (
    GraphListSerializer,
    GraphSerializer,
    GraphUpdateSerializer,
    UploadQuerySerializer,
)
from graphs.models import Graph, Visibility
from graphs.queries import for_listing
from graphs.services import create_graph_from_upload, delete_graph, update_graph
from graphs.upload_limits import throttle_upload
from webapp.replayed_answers import mark_replayable

ID_PATTERN = r"[A-Za-z0-9_-]{16,32}"
SCOPES = ("public", "mine", "featured")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "scope", str, enum=SCOPES, description="public (default), mine, featured"
            ),
            OpenApiParameter(
                "model", str, description="Only graphs of this model id (metadata.scan)."
            ),
        ]
    ),
)
class GraphViewSet(viewsets.GenericViewSet):
    pagination_class = ListPagination
    serializer_class = GraphSerializer
    permission_classes = [GraphAccess]
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Graph]:
        return Graph.objects.select_related("owner")

    def get_object(self) -> Graph:
        graph = permissions.visible_graph_or_404(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, graph)
        return graph

    def list(self, request):
        scope = request.query_params.get("scope", "public")
        if scope not in SCOPES:
            return invalid_input({"scope": [f"must be one of: {', '.join(SCOPES)}"]})
        if scope == "mine" and not request.user.is_authenticated:
            return Response(
                {"detail": "sign in to list your graphs"}, status=status.HTTP_401_UNAUTHORIZED
            )
        if not wants_json(request):
            return self.get_paginated_response(self._listed_page(request, scope))
        # The public lists are the same for everyone: kept in the answer cache, by query.
        key = None
        if scope != "mine":
            query = sorted(request.query_params.lists())
            key = f"graph-list:{origin_of(request)}:{query}"
        return json_answer(
            request,
            lambda: (self.get_paginated_response(self._listed_page(request, scope)).data, True),
            key,
        )

    def _listed_page(self, request, scope: str) -> list:
        if scope == "mine":
            graphs = permissions.graphs_of(request.user)
        else:
            graphs = permissions.listed_graphs()
            if scope == "featured":
                graphs = graphs.filter(featured=True)
        model = request.query_params.get("model")
        if model:
            graphs = graphs.filter(model_id=model)
        page = self.paginate_queryset(
            for_listing(graphs.select_related("owner")).order_by("-created_at")
        )
        return self.get_serializer(page, many=True).data

    def get_serializer_class(self):
        return GraphListSerializer if self.action == "list" else GraphSerializer

    @extend_schema(
        request={"application/json": OpenApiTypes.OBJECT},
        parameters=[UploadQuerySerializer],
        responses={201: GraphSerializer},
        description="Upload a graph: the body is the graph JSON (Content-Encoding: gzip accepted). "
        "Answers 400 naming every problem, 413 beyond the size limit.",
    )
    def create(self, request):
        throttle_upload(request.user)  # 429 past RATELIMIT_UPLOADS_PER_HOUR
        options = UploadQuerySerializer(data=request.query_params)
        if not options.is_valid():
            return invalid_input(options.errors)
        body = uploaded_file(request)  # reads the body (bounded) into a temporary file
        try:
            graph = create_graph_from_upload(request.user, body, **options.validated_data)
        finally:
            body.close()
        data = self.get_serializer(graph).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["api_url"]})

    def get_parsers(self):
        # The only POST here is the upload, whose body goes to a temporary file, not to json.load.
        if self.request is not None and self.request.method == "POST":
            return [GraphFileParser()]
        return super().get_parsers()

    def retrieve(self, request, pk=None):
        if not wants_json(request):
            return Response(self.get_serializer(self.get_object()).data)

        def build():
            graph = self.get_object()  # 404 for a graph the user may not see
            return self.get_serializer(graph).data, graph.visibility != Visibility.PRIVATE

        return json_answer(request, build, f"graph:{origin_of(request)}:{pk}")

    @extend_schema(request=GraphUpdateSerializer, responses={200: GraphSerializer})
    def partial_update(self, request, pk=None):
        graph = self.get_object()
        changes = GraphUpdateSerializer(data=request.data, partial=True)
        if not changes.is_valid():
            return invalid_input(changes.errors)
        unknown = set(request.data) - set(GraphUpdateSerializer().fields)
        if unknown:
            return invalid_input({name: ["cannot be changed"] for name in sorted(unknown)})
        graph = update_graph(graph, request.user, dict(changes.validated_data))
        return Response(self.get_serializer(graph).data)

    def destroy(self, request, pk=None):
        delete_graph(self.get_object(), request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
        description="The graph JSON, streamed; gzip-encoded when the client accepts gzip. "
        "ETag + Cache-Control; If-None-Match answers 304.",
    )
    @action(detail=True, methods=["get"], url_path="data", url_name="data")
    def data(self, request, pk=None):
        epoch = replay_epoch()
        graph = self.get_object()
        response = graph_data_response(request, graph)
        if epoch is not None and graph.visibility != Visibility.PRIVATE:
            mark_replayable(epoch)  # the same bytes for anyone, until the graph changes
        return response
