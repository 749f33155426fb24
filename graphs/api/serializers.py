"""Representations of graphs and subgraphs in the REST API."""

from __future__ import annotations

import re
from functools import lru_cache

from django.urls import NoReverseMatch, get_script_prefix, reverse
from rest_framework import serializers

from graphs.models import Graph, Subgraph, Visibility

# Graph ids are URL-safe as they are (graphs.ids), so a route's path is its prefix + id + suffix.
_URL_SAFE_ID = re.compile(r"[A-Za-z0-9_-]+")
_PLACEHOLDER_ID = "GRAPHID0000000000000000"


@lru_cache(maxsize=32)
def _route_around_id(route: str, script_prefix: str) -> tuple[str, str]:
    # Keyed by the script prefix too: reverse() puts it in front of every path.
    head, found, tail = reverse(route, args=[_PLACEHOLDER_ID]).partition(_PLACEHOLDER_ID)
    if not found:
        raise NoReverseMatch(f"{route} does not put its id in its path")
    return head, tail


def graph_route_path(route: str, graph_id: str) -> str:
    """reverse(route, args=[graph_id]), without resolving the URLconf again for every graph of a
    list (three URLs per graph made reverse() a sixth of a list request's time)."""
    if not _URL_SAFE_ID.fullmatch(graph_id):
        return reverse(route, args=[graph_id])
    head, tail = _route_around_id(route, get_script_prefix())
    return f"{head}{graph_id}{tail}"


def graph_page_path(graph_id: str) -> str:
    return graph_route_path("graph-detail", graph_id)


class GraphSerializer(serializers.ModelSerializer):
    # A method field, not source="owner.get_username": DRF inspects a callable source's signature
    # on every call, a twentieth of a list request's time.
    owner = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The graph's page in the browser.")
    api_url = serializers.SerializerMethodField()
    data_url = serializers.SerializerMethodField(help_text="The graph JSON (GET).")

    class Meta:
        model = Graph
        fields = [
            "id",
            "url",
            "api_url",
            "data_url",
            "owner",
            "slug",
            "model_id",
            "title",
            "description",
            "visibility",
            "featured",
            "source",
            "prompt",
            "prompt_tokens",
            "node_count",
            "link_count",
            "byte_size",
            "generator",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_owner(self, graph: Graph) -> str:
        return graph.owner.get_username()

    def get_url(self, graph: Graph) -> str:
        return self._absolute(graph_page_path(graph.id))

    def get_api_url(self, graph: Graph) -> str:
        return self._absolute(graph_route_path("api-graph-detail", graph.id))

    def get_data_url(self, graph: Graph) -> str:
        return self._absolute(graph_route_path("api-graph-data", graph.id))


class GraphListSerializer(GraphSerializer):
    """A graph in a list (graphs.queries.for_listing): no prompt tokens or generator, and the
    prompt and description cut to their schema limits, however long the stored ones are."""

    prompt = serializers.CharField(source="prompt_head", read_only=True)
    description = serializers.CharField(source="description_head", read_only=True)

    class Meta(GraphSerializer.Meta):
        fields = [f for f in GraphSerializer.Meta.fields if f not in ("prompt_tokens", "generator")]
        read_only_fields = fields


class GraphUpdateSerializer(serializers.Serializer):
    """PATCH body: any of these; who may change which is the permission rule of the service."""

    title = serializers.CharField(required=False, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    visibility = serializers.ChoiceField(required=False, choices=Visibility.choices)
    featured = serializers.BooleanField(required=False, help_text="Staff only.")


class UploadQuerySerializer(serializers.Serializer):
    """Query parameters of POST /api/graphs/ (the body is the graph JSON itself)."""

    slug = serializers.CharField(
        required=False, help_text="Letters, digits, '-' and '_'. Default: from metadata.slug."
    )
    title = serializers.CharField(required=False, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PRIVATE)


def string_list(**kwargs):
    return serializers.ListField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False), **kwargs
    )


class SubgraphSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_username", read_only=True)
    graph = serializers.CharField(source="graph_id", read_only=True)
    pinned_ids = string_list(required=False)
    supernodes = serializers.ListField(child=string_list(), required=False)
    clerps = serializers.ListField(child=string_list(), required=False)
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="On update: the version you edited (409 if stale)."
    )

    class Meta:
        model = Subgraph
        fields = [
            "id",
            "graph",
            "display_name",
            "pinned_ids",
            "supernodes",
            "clerps",
            "pruning_threshold",
            "density_threshold",
            "featured",
            "hidden",
            "version",
            "author",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "graph", "author", "created_at", "updated_at"]
        extra_kwargs = {"display_name": {"required": True}}


class ProblemSerializer(serializers.Serializer):
    path = serializers.CharField()
    message = serializers.CharField()


class ValidationResultSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    problems = ProblemSerializer(many=True)
    more_problems = serializers.IntegerField()
    suggestions = ProblemSerializer(many=True)
    node_count = serializers.IntegerField()
    link_count = serializers.IntegerField()
    feature_types = serializers.DictField(child=serializers.IntegerField())
