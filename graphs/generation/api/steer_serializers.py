"""Steering requests: every parameter bounded here, in the web tier, so a bad request is a 400
naming the field before any worker is asked. What only the model knows (number of layers,
features, context length) the engine checks on the worker; its refusal is a 400 too."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MAX_INTERVENTIONS = 64
MAX_VALUE = 1000.0


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "minimum": 0, "maximum": 4095},
            {"type": "string", "enum": ["generated"]},
        ]
    }
)
class PositionField(serializers.Field):
    """A prompt position (int >= 0) or "generated" (every generated token)."""

    def to_internal_value(self, data):
        if data == "generated":
            return data
        if isinstance(data, bool) or not isinstance(data, int) or not 0 <= data < 4096:
            raise serializers.ValidationError('must be a token position (0..4095) or "generated"')
        return data

    def to_representation(self, value):
        return value


class InterventionSerializer(serializers.Serializer):
    node = serializers.ChoiceField(choices=["feature", "error"], default="feature")
    layer = serializers.IntegerField(min_value=0, max_value=1023)
    position = PositionField()
    feature = serializers.IntegerField(min_value=0, max_value=10_000_000, default=0)
    mode = serializers.ChoiceField(choices=["set", "scale", "ablate"], default="ablate")
    value = serializers.FloatField(min_value=-MAX_VALUE, max_value=MAX_VALUE, default=0.0)


class SteerSerializer(serializers.Serializer):
    prompt = serializers.CharField(max_length=2000, trim_whitespace=False, required=False)
    interventions = InterventionSerializer(many=True, max_length=MAX_INTERVENTIONS, required=False)
    max_new_tokens = serializers.IntegerField(min_value=0, max_value=64, default=10)
    temperature = serializers.FloatField(min_value=0.0, max_value=2.0, default=0.0)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    top_k = serializers.IntegerField(min_value=1, max_value=20, default=5)
    freeze_attention = serializers.BooleanField(default=True)
    constrained_layers = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=1023), max_length=1024, default=list
    )

    def validate_prompt(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("must not be blank")
        return value
