"""OpenAPI descriptions of the explanation views (plain APIViews answering dicts, so there is no
serializer for drf-spectacular to read); the full contract is docs/explanations.md."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers


def _query(name: str, kind: type, text: str, *, required: bool = False) -> OpenApiParameter:
    return OpenApiParameter(name, kind, description=text, required=required)


FEATURE_QUERY = [
    _query("model", str, "our model id", required=True),
    _query("source_set", str, "our source-set id", required=True),
    _query("layer", int, "the feature's layer", required=True),
    _query("index", int, "the feature's index in its layer", required=True),
]
SEARCH_QUERY = [
    _query("q", str, "words that must all match", required=True),
    _query("model", str, "only this model"),
    _query("source_set", str, "only this source set"),
    _query("page", int, "page number"),
]
IMPORT_QUERY = [
    _query("model", str, "store every row under this model (with source_set)"),
    _query("source_set", str, "... and this source set"),
]
NEW_EXPLANATION = inline_serializer(
    "ExplanationCreate",
    {
        "model": serializers.CharField(),
        "source_set": serializers.CharField(),
        "layer": serializers.IntegerField(min_value=0),
        "index": serializers.IntegerField(min_value=0),
        "description": serializers.CharField(),
    },
)
EDIT = inline_serializer("ExplanationEdit", {"description": serializers.CharField()})
NEW_RUN = inline_serializer(
    "AutoInterpRunCreate",
    {
        "model": serializers.CharField(),
        "source_set": serializers.CharField(),
        "layer": serializers.IntegerField(min_value=0, required=False),
        "index": serializers.IntegerField(min_value=0, required=False),
    },
)
EXPORT_FILE = {
    "application/x-ndjson": OpenApiTypes.BINARY,
    "application/json": OpenApiTypes.BINARY,
    "application/gzip": OpenApiTypes.BINARY,
}


def described(operation_id: str, summary: str, *, request=None, parameters=None):
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        request=request,
        parameters=parameters,
        responses=OpenApiTypes.OBJECT,
    )
