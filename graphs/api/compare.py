"""/api/graphs/{a}/compare/{b}/: what two graphs of one model share and where they differ."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from graphs.api.access import GraphAccess
from graphs.api.errors import invalid_input
from graphs.api.pagination import ListPagination
from graphs.api.serializers import graph_page_path, graph_route_path
from graphs.comparison.matching import STATUSES, EdgeChange, FeatureSide
from graphs.comparison.service import EDGE_LIMIT, compare_graphs
from graphs.comparison.summary import NodeFacts
from graphs.models import Graph

DEFAULT_EDGES = 50


def _graph(graph: Graph) -> dict[str, Any]:
    return {
        "id": graph.id,
        "title": graph.title,
        "model_id": graph.model_id,
        "prompt_tokens": graph.prompt_tokens,
        "url": graph_page_path(graph.id),
        "data_url": graph_route_path("api-graph-data", graph.id),
    }


def _side(side: FeatureSide | None) -> dict[str, Any] | None:
    if side is None:
        return None
    return {
        "influence": side.influence,
        "activation": side.activation,
        "positions": [
            {
                "node_id": n.node_id,
                "ctx_idx": n.ctx,
                "influence": n.influence,
                "activation": n.activation,
            }
            for n in side.nodes
        ],
    }


def _end(pair: tuple[NodeFacts | None, NodeFacts | None], tokens: list[str]) -> dict[str, Any]:
    """An edge's endpoint: its node in A and in B, its label and the token it sits on (A's)."""
    in_a, in_b = pair
    known = in_a or in_b
    ctx = known.ctx if known else None
    return {
        "a": in_a.node_id if in_a else None,
        "b": in_b.node_id if in_b else None,
        "label": known.name if known else "",
        "ctx_idx": ctx,
        "token": tokens[ctx] if ctx is not None and 0 <= ctx < len(tokens) else None,
    }


def _edge(edge: EdgeChange, tokens_a: list[str], tokens_b: list[str]) -> dict[str, Any]:
    # An endpoint only B has sits on B's prompt.
    def tokens(pair: tuple[NodeFacts | None, NodeFacts | None]) -> list[str]:
        return tokens_a if pair[0] else tokens_b

    return {
        "source": _end(edge.source, tokens(edge.source)),
        "target": _end(edge.target, tokens(edge.target)),
        "weight_a": edge.weight_a,
        "weight_b": edge.weight_b,
        "change": edge.change,
    }


def _edge_count(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_EDGES
    count = int(raw)  # ValueError is the caller's to report
    if not 0 <= count <= EDGE_LIMIT:
        raise ValueError
    return count


class GraphCompareView(APIView):
    permission_classes = [GraphAccess]  # reading is open; each graph's visibility decides
    http_method_names = ["get", "head", "options"]

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=("all", *STATUSES), description="Which features."),
            OpenApiParameter("edges", int, description=f"How many changed edges (0-{EDGE_LIMIT})."),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: OpenApiTypes.OBJECT},
        description="Features only in A, only in B, and in both (matched by layer and feature "
        "index, positions aligned from the end of differing stretches of the prompts), the node "
        "pairs that face each other, and the edges whose weight changed most. 404 when either "
        "graph is not visible to you; 400 when they are of different models or transcoder sets.",
    )
    def get(self, request, graph_id: str, other_id: str):
        status = request.query_params.get("status", "all")
        if status not in ("all", *STATUSES):
            return invalid_input({"status": [f"must be one of: all, {', '.join(STATUSES)}"]})
        try:
            edge_count = _edge_count(request.query_params.get("edges"))
        except ValueError:
            return invalid_input({"edges": [f"must be a whole number from 0 to {EDGE_LIMIT}"]})
        a, b, comparison = compare_graphs(request.user, graph_id, other_id)
        features = [m for m in comparison.features if status in ("all", m.status)]
        paginator = ListPagination()
        page = paginator.paginate_queryset(features, request, view=self)
        listed = [
            {
                "layer": m.layer,
                "index": m.index,
                "label": m.label,
                "status": m.status,
                "a": _side(m.a),
                "b": _side(m.b),
            }
            for m in page
        ]
        status_a, status_b = comparison.node_status()
        return Response(
            {
                "a": _graph(a),
                "b": _graph(b),
                "alignment": sorted(comparison.alignment.items()),
                "counts": comparison.counts(),
                "node_pairs": comparison.node_pairs,
                "node_status": {"a": status_a, "b": status_b},
                "features": paginator.get_paginated_response(listed).data,
                "edges": [
                    _edge(e, a.prompt_tokens, b.prompt_tokens)
                    for e in comparison.edges[:edge_count]
                ],
            }
        )
