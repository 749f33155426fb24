"""Steering endpoints: run the engine's interventions on the model's worker queue.

Permissions: a signed-in user; on a graph, only one who can see it (others get 404, as for
every graph endpoint). Each user may steer STEER_PER_MINUTE times a minute (429 + Retry-After).
No worker answering within STEER_TIMEOUT_S is a 503 with the reason.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.request import Request
from rest_framework.response import Response

from graphs.generation.api.steer_serializers import SteerSerializer
from graphs.generation.api.throttles import SteerThrottle
from graphs.generation.registry import ModelEntry, get_entry
from graphs.generation.services import dispatch, tokens
from graphs.permissions import visible_graph_or_404


def _run(entry: ModelEntry, data: dict) -> Response:
    tokens.check_prompt_length(entry, data["prompt"])
    return Response(dispatch.steer(entry, data))


_SCHEMA = {
    "request": SteerSerializer,
    "responses": {
        200: OpenApiResponse(description="default and steered continuations"),
        429: OpenApiResponse(description="rate limit"),
        503: OpenApiResponse(description="no worker answered"),
    },
}


@extend_schema(summary="Steer a served model: default vs. intervened continuation", **_SCHEMA)
@api_view(["POST"])
@permission_classes([permissions.IsAuthenticated])
@throttle_classes([SteerThrottle])
def steer_model(request: Request, model_id: str) -> Response:
    entry = get_entry(model_id)
    if entry is None:
        raise exceptions.NotFound(f"unknown model {model_id!r}")
    serializer = SteerSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    if "prompt" not in serializer.validated_data:
        raise exceptions.ValidationError({"prompt": ["This field is required."]})
    return _run(entry, serializer.validated_data)


@extend_schema(summary="Steer a graph's model and transcoders (its prompt by default)", **_SCHEMA)
@api_view(["POST"])
@permission_classes([permissions.IsAuthenticated])
@throttle_classes([SteerThrottle])
def steer_graph(request: Request, pk: str) -> Response:
    graph = visible_graph_or_404(request.user, pk)
    entry = get_entry(graph.model_id)
    if entry is None:
        return Response(
            {"detail": f"the graph's model {graph.model_id!r} is not served here"},
            status=status.HTTP_409_CONFLICT,
        )
    serializer = SteerSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = {"prompt": graph.prompt, **serializer.validated_data}
    return _run(entry, data)
