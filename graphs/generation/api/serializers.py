"""Validation of generation requests against the model registry's bounds."""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from graphs.generation.registry import SETTING_NAMES, all_entries, get_entry
from graphs.models import Visibility

MAX_PROMPT_CHARS = 4000


MAX_TARGETS = 50
MAX_TOKEN_CHARS = 100
# Settings that only say how the salient logits are chosen: meaningless with chosen targets.
SALIENT_SETTINGS = ("max_n_logits", "desired_logit_prob")


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "integer", "minimum": 0}]})
class TokenField(serializers.Field):
    """A token of the model's vocabulary: its id (a JSON integer) or its text (a JSON string)."""

    default_error_messages = {
        "type": "a token is a string or an integer id, not {kind}",
        "negative": "a token id cannot be negative",
        "empty": "a token cannot be empty",
        "long": f"a token has at most {MAX_TOKEN_CHARS} characters",
    }

    def to_internal_value(self, data: Any) -> int | str:
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("type", kind=type(data).__name__)
        if isinstance(data, int) and data < 0:
            self.fail("negative")
        if isinstance(data, str) and not data:
            self.fail("empty")
        if isinstance(data, str) and len(data) > MAX_TOKEN_CHARS:
            self.fail("long")
        return data

    def to_representation(self, value: int | str) -> int | str:
        return value


class GenerationRequestSerializer(serializers.Serializer):
    model = serializers.CharField(max_length=100)
    prompt = serializers.CharField(max_length=MAX_PROMPT_CHARS, trim_whitespace=False)
    slug = serializers.SlugField(max_length=100, required=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PRIVATE)
    fresh = serializers.BooleanField(default=False)
    max_n_logits = serializers.IntegerField(required=False)
    desired_logit_prob = serializers.FloatField(required=False)
    max_feature_nodes = serializers.IntegerField(required=False)
    node_threshold = serializers.FloatField(required=False)
    edge_threshold = serializers.FloatField(required=False)
    # Attribution targets other than the salient logits: chosen tokens, or one logit difference.
    targets = serializers.ListField(
        child=TokenField(), min_length=1, max_length=MAX_TARGETS, required=False
    )
    logit_diff = serializers.ListField(
        child=TokenField(), min_length=2, max_length=2, required=False
    )

    def validate_model(self, value: str) -> str:
        if get_entry(value) is None:
            offered = ", ".join(entry.id for entry in all_entries())
            raise serializers.ValidationError(f"unknown model {value!r}; offered: {offered}")
        return value

    def validate_prompt(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("the prompt is empty")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        entry = get_entry(attrs["model"])
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name in SETTING_NAMES:
            spec = entry.settings[name]
            value = attrs.get(name, spec.default)
            if not spec.minimum <= value <= spec.maximum:
                errors[name] = f"must be between {spec.minimum} and {spec.maximum} for {entry.id}"
            values[name] = spec.kind(value)
        chosen = [name for name in ("targets", "logit_diff") if name in attrs]
        if len(chosen) == 2:
            errors["logit_diff"] = "cannot be used together with targets; send one of them"
        if chosen:
            for name in SALIENT_SETTINGS:
                if name in attrs:
                    errors[name] = (
                        f"only applies to the salient logits; leave it out with {chosen[0]}"
                    )
                values.pop(name)
            values[chosen[0]] = attrs[chosen[0]]
        if errors:
            raise serializers.ValidationError(errors)
        attrs["entry"] = entry
        attrs["settings"] = values
        attrs.setdefault("slug", slugify(attrs["prompt"])[:60] or "graph")
        return attrs


class TokenizeSerializer(serializers.Serializer):
    prompt = serializers.CharField(max_length=MAX_PROMPT_CHARS, trim_whitespace=False)


class JobSchema(serializers.Serializer):
    """The job as REST and websocket clients see it (graphs.generation.events.job_payload), for OpenAPI."""

    id = serializers.CharField()
    model = serializers.CharField()
    prompt = serializers.CharField()
    slug = serializers.CharField()
    visibility = serializers.ChoiceField(choices=Visibility.choices)
    settings = serializers.DictField()
    state = serializers.ChoiceField(
        choices=["queued", "running", "succeeded", "failed", "cancelled"]
    )
    phase = serializers.CharField()
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    elapsed_s = serializers.FloatField(allow_null=True)
    error = serializers.CharField()
    attempts = serializers.IntegerField()
    graph_id = serializers.CharField(allow_null=True)
    graph_url = serializers.CharField(allow_null=True)
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    reused = serializers.BooleanField(required=False)


class TokenizeAnswerSchema(serializers.Serializer):
    model = serializers.CharField()
    tokens = serializers.ListField(child=serializers.CharField())
    token_ids = serializers.ListField(child=serializers.IntegerField())
    n_tokens = serializers.IntegerField()
    max_prompt_tokens = serializers.IntegerField()
    top_next = serializers.ListField(child=serializers.DictField())


class ModelListSchema(serializers.Serializer):
    results = serializers.ListField(child=serializers.DictField())
