"""How explanations look in the API (one shape everywhere; docs/explanations.md)."""

from __future__ import annotations

from typing import Any

from graphs.explanations.models import AutoInterpRun, Explanation
from graphs.explanations.neuronpedia import FeatureSet, from_ours


def explanation_dict(e: Explanation, *, feature_set: FeatureSet | None = None) -> dict[str, Any]:
    fs = feature_set or from_ours(e.model_id, e.source_set)
    return {
        "id": e.pk,
        "model": e.model_id,
        "source_set": e.source_set,
        "layer": e.layer,
        "index": e.index,
        "description": e.description,
        "method": e.method,
        "explainer_model": e.explainer_model,
        "author": e.author.get_username() if e.author_id and e.author else None,
        "score": e.score,
        "created_at": e.created_at.isoformat(),
        "updated_at": e.updated_at.isoformat(),
        "neuronpedia_url": fs.neuronpedia_url(e.layer, e.index),
    }


def label_dict(e: Explanation) -> dict[str, Any]:
    """The compact form of a graph's labels: what a node's hover card and label need."""
    return {
        "id": e.pk,
        "description": e.description,
        "method": e.method,
        "explainer_model": e.explainer_model,
        "score": e.score,
    }


def run_dict(run: AutoInterpRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "model": run.model_id,
        "source_set": run.source_set,
        "layer": run.layer,
        "index": run.index,
        "explainer_model": run.explainer_model,
        "state": run.state,
        "total": run.total,
        "done": run.done,
        "skipped": run.skipped,
        "failed": run.failed,
        "calls": run.calls,
        "error": run.error,
        "created_at": run.created_at.isoformat(),
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }
