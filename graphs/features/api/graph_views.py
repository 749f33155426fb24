"""REST views of the dashboards uploaded for one graph, under /api/graphs/{id}/features/.

Permissions (explicit, per method):
- read (GET, and the read-only batch POST): whoever may see the graph; others get 404, as for
  the graph itself, so a private graph's existence does not leak;
- upload (POST .../features/) and delete (DELETE .../features/): signed-in owner or editor of the
  graph; a viewer or any other signed-in user who can see it gets 403; anonymous users 401/403.
The rules themselves live in graphs.permissions (can_view_graph, can_edit_graph).
"""

from __future__ import annotations

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, NotAuthenticated, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from graphs import permissions
from graphs.features import graph_nodes
from graphs.features.api.openapi import BATCH_BODY, UPLOAD_BODY, described
from graphs.features.api.responses import bad_request, batch_response
from graphs.features.api.upload_parsing import read_upload
from graphs.features.ids import cantor_unpair
from graphs.features.models import Feature
from graphs.features.requests import BadFeatureRequest, in_range, parse_pairs, parse_pairs_query
from graphs.features.services.uploads import delete_graph_features, upload_graph_features
from graphs.features.upload_checks import UploadRejected, check_dashboards
from graphs.features.upload_slots import upload_slot
from graphs.models import Graph, Source
from graphs.upload_limits import throttle_upload


class _Rejected(APIException):
    """An upload refused as a whole, with every problem named by path."""

    def __init__(self, exc: UploadRejected):
        self.status_code = exc.status
        super().__init__(
            detail={"detail": str(exc), "problems": [p.as_dict() for p in exc.problems]}
        )


def visible_graph(request: Request, graph_id: str) -> Graph:
    return permissions.visible_graph_or_404(request.user, graph_id)


def editable_graph(request: Request, graph_id: str) -> Graph:
    if not request.user.is_authenticated:
        raise NotAuthenticated()
    graph = visible_graph(request, graph_id)
    if not permissions.can_edit_graph(request.user, graph):
        raise PermissionDenied("only the graph's owner or an editor may change its dashboards")
    return graph


class GraphFeatures(APIView):
    # Read for whoever may see the graph; writes checked per method in editable_graph().
    permission_classes = [AllowAny]

    @described("graph_features_sets", "Uploaded dashboard sets of a graph")
    def get(self, request: Request, graph_id: str) -> Response:
        graph = visible_graph(request, graph_id)
        sets = (
            Feature.objects.of_graph(graph)
            .values("model_id", "source_set")
            .annotate(n_features=Count("id"))
            .order_by("source_set")
        )
        return Response({"graph": graph.pk, "sets": list(sets)})

    @described("graph_features_upload", "Upload dashboards for a graph", request=UPLOAD_BODY)
    def post(self, request: Request, graph_id: str) -> Response:
        graph = editable_graph(request, graph_id)
        throttle_upload(request.user)  # 429 past RATELIMIT_UPLOADS_PER_HOUR
        if graph.source != Source.UPLOADED:
            return Response(
                {"detail": "dashboards can be uploaded for uploaded graphs only"},
                status=status.HTTP_409_CONFLICT,
            )
        try:
            with upload_slot():  # 503 past FEATURES_UPLOAD_CONCURRENCY in this process
                source_set, items = read_upload(request)
                dashboards = check_dashboards(
                    items, graph_nodes.feature_layers(graph), graph_nodes.schema_version(graph) == 1
                )
        except UploadRejected as exc:
            raise _Rejected(exc) from None
        result = upload_graph_features(graph, request.user, source_set, dashboards)
        return Response(
            {
                "graph": graph.pk,
                "source_set": source_set,
                "created": result.created,
                "replaced": result.replaced,
                "total": result.total,
            },
            status=status.HTTP_201_CREATED,
        )

    @described("graph_features_delete", "Delete a graph's uploaded dashboards")
    def delete(self, request: Request, graph_id: str) -> Response:
        graph = editable_graph(request, graph_id)
        return Response({"deleted": delete_graph_features(graph)})


class GraphFeatureDetail(APIView):
    permission_classes = [AllowAny]

    @described("graph_features_detail", "One uploaded dashboard of a graph")
    def get(self, request: Request, graph_id: str, layer: int, index: int) -> Response:
        graph = visible_graph(request, graph_id)
        if not in_range(layer, index):
            raise Http404("no such feature")
        feature = get_object_or_404(Feature.objects.of_graph(graph), layer=layer, index=index)
        return Response(feature.as_anthropic())


class GraphFeatureJson(APIView):
    permission_classes = [AllowAny]

    # A file-style mirror outside /api/ (feature_json_base_url), not part of the API schema.
    @extend_schema(exclude=True)
    def get(self, request: Request, graph_id: str, feature_id: int) -> Response:
        graph = visible_graph(request, graph_id)
        layer, index = cantor_unpair(feature_id)
        if not in_range(layer, index):
            raise Http404("no such feature")
        feature = get_object_or_404(Feature.objects.of_graph(graph), layer=layer, index=index)
        return Response(feature.as_anthropic(feature_id=feature_id))


class GraphFeatureBatch(APIView):
    permission_classes = [AllowAny]

    @described("graph_features_batch_get", "Many uploaded dashboards of a graph", query=True)
    def get(self, request: Request, graph_id: str) -> Response:
        graph = visible_graph(request, graph_id)
        try:
            pairs = parse_pairs_query(request.query_params.get("features"))
        except BadFeatureRequest as exc:
            return bad_request(exc)
        return batch_response(Feature.objects.of_graph(graph).at(pairs), pairs)

    @described("graph_features_batch", "Many uploaded dashboards of a graph", request=BATCH_BODY)
    def post(self, request: Request, graph_id: str) -> Response:
        graph = visible_graph(request, graph_id)
        body = request.data if isinstance(request.data, dict) else {}
        try:
            pairs = parse_pairs(body.get("features"))
        except BadFeatureRequest as exc:
            return bad_request(exc)
        return batch_response(Feature.objects.of_graph(graph).at(pairs), pairs)
