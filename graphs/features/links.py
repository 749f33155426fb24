"""How graphs point at our dashboards: `metadata.feature_details.feature_json_base_url`.

The graph format's convention is `{feature_json_base_url}/{feature}.json`, with `feature` the
node's (Cantor-paired, schema_version 1) feature id, so any Neuronpedia-style viewer fetches our
dashboards unchanged. The base is `{CIRCUITSCOPE_PUBLIC_BASE_URL}/feature-json/{model}/{set}`
(site-relative when the setting is empty, which our own explorer resolves against its origin).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from graphs.features import conf


def feature_json_base_url(model_id: str, source_set: str) -> str:
    probe = reverse(
        "feature-json", kwargs={"model_id": model_id, "source_set": source_set, "feature_id": 0}
    )
    base = probe.removesuffix("/0.json")
    return f"{conf.get('PUBLIC_BASE_URL')}{base}"


def attach_feature_details(graph: dict[str, Any], model_id: str, source_set: str) -> dict[str, Any]:
    """Point a graph generated with one of our public sets at its dashboards (in place)."""
    metadata = graph.setdefault("metadata", {})
    details = dict(metadata.get("feature_details") or {})
    details["feature_json_base_url"] = feature_json_base_url(model_id, source_set)
    metadata["feature_details"] = details
    return graph


def attach_if_served(graph: dict[str, Any], model_id: str, source_set: str) -> bool:
    """`attach_feature_details` when we serve that set's dashboards (for the generation worker:
    graphs of the demo model point at ours; other models keep what the engine wrote)."""
    from graphs.features.models import PublicFeatureSet

    if not PublicFeatureSet.objects.filter(model_id=model_id, source_set=source_set).exists():
        return False
    attach_feature_details(graph, model_id, source_set)
    return True
