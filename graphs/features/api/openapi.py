"""OpenAPI descriptions of the feature-dashboard views (they return dashboards as stored, in the
Anthropic feature format, so they have no DRF serializer for drf-spectacular to read)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers

_PAIRS = inline_serializer(
    "FeatureBatchRequest",
    {
        "features": serializers.ListField(
            child=serializers.ListField(child=serializers.IntegerField(min_value=0)),
            help_text="[[layer, index], ...], at most FEATURES_BATCH_MAX pairs",
        )
    },
)
_QUERY = OpenApiParameter(
    "features", str, description="layer:index pairs, comma-separated, e.g. 3:17,4:9"
)


def described(operation_id: str, summary: str, *, request=None, query: bool = False):
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        request=request,
        parameters=[_QUERY] if query else None,
        responses=OpenApiTypes.OBJECT,
    )


BATCH_BODY = _PAIRS
UPLOAD_BODY = {
    "application/json": OpenApiTypes.OBJECT,
    "multipart/form-data": inline_serializer(
        "FeatureUploadFiles",
        {
            "files": serializers.ListField(child=serializers.FileField()),
            "source_set": serializers.CharField(required=False),
        },
    ),
}
