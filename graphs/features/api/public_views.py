"""REST views of our public feature sets (the shipped demo dashboards).

Permissions: anyone, signed in or not, may read them (they describe public models); nobody may
write them through the API (they are loaded from shipped files by `load_demo_features`), so only
safe methods and the read-only batch POST are routed, each with an explicit permission class.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from graphs.features.api.openapi import BATCH_BODY, described
from graphs.features.api.responses import bad_request, batch_response
from graphs.features.ids import cantor_unpair
from graphs.features.models import Feature, PublicFeatureSet
from graphs.features.requests import BadFeatureRequest, in_range, parse_pairs, parse_pairs_query

_CACHE = "public, max-age=300"


def _public_set(model_id: str, source_set: str) -> PublicFeatureSet:
    found = PublicFeatureSet.objects.filter(model_id=model_id, source_set=source_set).first()
    if found is None:
        raise Http404(f"no feature set {model_id}/{source_set}")
    return found


def _feature(model_id: str, source_set: str, layer: int, index: int) -> Feature:
    if not in_range(layer, index):
        raise Http404("no such feature")
    feature = Feature.objects.in_public_set(model_id, source_set).filter(layer=layer, index=index)
    found = feature.first()
    if found is None:
        _public_set(model_id, source_set)
        raise Http404(f"no feature at layer {layer} index {index} in {model_id}/{source_set}")
    return found


class PublicFeatureSetList(APIView):
    permission_classes = [AllowAny]

    @described("features_sets", "Public feature sets")
    def get(self, request: Request) -> Response:
        sets = PublicFeatureSet.objects.order_by("model_id", "source_set")
        return Response(
            {
                "results": [
                    {"model_id": s.model_id, "source_set": s.source_set, "n_features": s.n_features}
                    for s in sets
                ]
            }
        )


class PublicFeatureDetail(APIView):
    permission_classes = [AllowAny]

    @described("features_detail", "One dashboard of a public set")
    def get(
        self, request: Request, model_id: str, source_set: str, layer: int, index: int
    ) -> Response:
        feature = _feature(model_id, source_set, layer, index)
        return Response(feature.as_anthropic(), headers={"Cache-Control": _CACHE})


class PublicFeatureJson(APIView):
    """`{base}/{feature_id}.json`, the URL shape of `metadata.feature_details.feature_json_base_url`
    (feature id = the node's Cantor-paired `feature`)."""

    permission_classes = [AllowAny]

    # A file-style mirror outside /api/ (feature_json_base_url), not part of the API schema.
    @extend_schema(exclude=True)
    def get(self, request: Request, model_id: str, source_set: str, feature_id: int) -> Response:
        layer, index = cantor_unpair(feature_id)
        feature = _feature(model_id, source_set, layer, index)
        return Response(
            feature.as_anthropic(feature_id=feature_id), headers={"Cache-Control": _CACHE}
        )


class PublicFeatureBatch(APIView):
    """Many features of one set in one request: POST {"features": [[layer, index], ...]} or
    GET ?features=layer:index,... Read-only: a POST here changes nothing."""

    permission_classes = [AllowAny]

    @described("features_batch_get", "Many dashboards of a public set", query=True)
    def get(self, request: Request, model_id: str, source_set: str) -> Response:
        try:
            pairs = parse_pairs_query(request.query_params.get("features"))
        except BadFeatureRequest as exc:
            return bad_request(exc)
        return self._answer(model_id, source_set, pairs)

    @described("features_batch", "Many dashboards of a public set", request=BATCH_BODY)
    def post(self, request: Request, model_id: str, source_set: str) -> Response:
        body = request.data if isinstance(request.data, dict) else {}
        try:
            pairs = parse_pairs(body.get("features"))
        except BadFeatureRequest as exc:
            return bad_request(exc)
        return self._answer(model_id, source_set, pairs)

    def _answer(self, model_id: str, source_set: str, pairs: list[tuple[int, int]]) -> Response:
        _public_set(model_id, source_set)
        rows = Feature.objects.in_public_set(model_id, source_set).at(pairs)
        return batch_response(rows, pairs)
